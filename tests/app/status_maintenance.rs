//! Editing and cancelling maintenance windows, and opening a major incident from the status
//! page, on the demo consortium (SMS-U is provided by Paris 1 and subscribed to by Toulon and La
//! Rochelle). The clock is the test's; each notice reaches each subscriber contact once, through
//! a real SMTP server.

use chrono::{DateTime, Duration, DurationRound, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    status::{AGENT, OTHER_AGENT, RENNES, ROCHELLE, TOULON},
    support::{
        TestApp, browser_signed_in, call, csrf_of,
        smtp::{SmtpServer, free_port, header},
        subcategory,
    },
};

const ROCHELLE_2: &str = "contact2@univ-larochelle.demo.guichet";
const SUBSCRIBERS: [&str; 3] = [TOULON, ROCHELLE, ROCHELLE_2];

/// The mails to `email` about SMS-U whose subject holds `words`.
fn told(messages: &[String], email: &str, words: &str) -> usize {
    messages
        .iter()
        .filter(|m| header(m, "To").is_some_and(|to| to.contains(email)))
        .filter(|m| {
            header(m, "Subject").is_some_and(|s| s.contains("[SMS-U]") && s.contains(words))
        })
        .count()
}

/// Sends the outbox at the fixed instant and checks that each subscriber contact got exactly
/// one mail whose subject holds `words`, and Rennes 2 none.
async fn told_once_each(app: &TestApp, smtp: &SmtpServer, at: DateTime<Utc>, words: &str) {
    app.run_due_jobs(at).await;
    let messages = smtp.messages();
    for email in SUBSCRIBERS {
        assert_eq!(told(&messages, email, words), 1, "{words} to {email}");
    }
    assert_eq!(told(&messages, RENNES, words), 0, "{words} to Rennes 2");
}

/// SMS-U's status as Toulon reads it.
async fn sms_u_status(app: &TestApp) -> String {
    let toulon = app.token(TOULON).await;
    let path = "/api/v1/offers/SMS-U/status";
    let (status, body) = call(app, Method::GET, path, &toulon, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_owned()
}

/// Publishes a window on SMS-U as its agent at the fixed clock.
async fn publish(app: &TestApp, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Value {
    let agent = app.token(AGENT).await;
    let body = json!({"starts_at": starts, "ends_at": ends,
                      "message": "Mise à jour de la passerelle SMS"});
    let path = "/api/v1/offers/SMS-U/maintenance";
    let (status, window) = call(app, Method::POST, path, &agent, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{window}");
    window
}

/// The test's fixed instant: now, to the minute.
fn fixed_now() -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::minutes(1)).unwrap()
}

#[tokio::test]
async fn a_window_edited_then_cancelled_is_told_once_each_time_and_never_starts() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let now = fixed_now();
    app.run_jobs_at(now).await;
    let starts = now + Duration::days(3);
    let window = publish(&app, starts, starts + Duration::hours(2)).await;
    assert_eq!(window["revision"], 1);
    told_once_each(&app, &smtp, now, "Maintenance programmée").await;

    let path = format!("/api/v1/maintenance-windows/{}", window["id"]);
    let later = starts + Duration::hours(1);
    let edit = json!({"revision": 1, "starts_at": later, "ends_at": later + Duration::hours(2),
                      "message": "Mise à jour décalée d'une heure"});
    // Another provider's agent does not reach it; a subscriber reads it but may not change it.
    let other = app.token(OTHER_AGENT).await;
    let toulon = app.token(TOULON).await;
    for (token, expected) in [
        (&other, StatusCode::NOT_FOUND),
        (&toulon, StatusCode::FORBIDDEN),
    ] {
        let answer = call(&app, Method::PATCH, &path, token, Some(edit.clone())).await;
        assert_eq!(answer.0, expected, "{}", answer.1);
        let answer = call(&app, Method::DELETE, &path, token, None).await;
        assert_eq!(answer.0, expected, "{}", answer.1);
    }
    // Bad input: a clear error on the field, nothing changed.
    let agent = app.token(AGENT).await;
    let backwards = json!({"revision": 1, "starts_at": later, "ends_at": later - Duration::hours(1),
                           "message": "x"});
    let (status, refused) = call(&app, Method::PATCH, &path, &agent, Some(backwards)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("ends_at"), "{refused}");

    let (status, edited) = call(&app, Method::PATCH, &path, &agent, Some(edit.clone())).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["revision"], 2);
    assert_eq!(
        edited["starts_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        later
    );
    // The same edit at the old revision is stale.
    let (status, stale) = call(&app, Method::PATCH, &path, &agent, Some(edit)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    told_once_each(&app, &smtp, now, "Maintenance modifiée").await;

    // Two cancellations at once: one wins, the other is refused, one notice goes out.
    let (first, second) = tokio::join!(
        call(&app, Method::DELETE, &path, &agent, None),
        call(&app, Method::DELETE, &path, &agent, None)
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{first:?} {second:?}"
    );
    let cancelled = if first.0 == StatusCode::OK {
        first.1
    } else {
        second.1
    };
    assert_eq!(cancelled["state"], "cancelled");
    told_once_each(&app, &smtp, now, "Maintenance annulée").await;

    // The job never starts it: the offer stays operational, no other notice goes out.
    for at in [later + Duration::minutes(1), later + Duration::hours(3)] {
        app.run_jobs_at(at).await;
        assert_eq!(sms_u_status(&app).await, "operational");
    }
    let messages = smtp.messages();
    for email in SUBSCRIBERS {
        assert_eq!(told(&messages, email, "Maintenance commencée"), 0);
        assert_eq!(told(&messages, email, "Maintenance annulée"), 1);
    }
    let shown = call(&app, Method::GET, "/api/v1/status", &toulon, None)
        .await
        .1;
    let sms_u = shown
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "SMS-U")
        .unwrap();
    assert_eq!(sms_u["maintenance"], json!([]));
}

#[tokio::test]
async fn cancelling_a_window_under_way_ends_it_now_and_brings_the_former_status_back() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let now = fixed_now();
    app.run_jobs_at(now).await;
    let starts = now + Duration::hours(2);
    let ends = starts + Duration::hours(2);
    let window = publish(&app, starts, ends).await;
    app.run_jobs_at(starts + Duration::minutes(1)).await;
    assert_eq!(sms_u_status(&app).await, "maintenance");

    // The window's page: its provider edits or cancels it there; a started window is no longer
    // edited.
    let code_path = format!("/status/SMS-U/maintenance/{}", window["id"]);
    let desk = browser_signed_in(&app, AGENT, guichet::demo::PASSWORD).await;
    let page = desk.get(app.url(&code_path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("/cancel"), "{html}");
    assert!(
        !html.contains("name=\"revision\""),
        "a started window is not edited"
    );
    for (email, expected) in [
        (OTHER_AGENT, StatusCode::NOT_FOUND),
        (TOULON, StatusCode::FORBIDDEN),
    ] {
        let browser = browser_signed_in(&app, email, guichet::demo::PASSWORD).await;
        let page = browser.get(app.url(&code_path)).send().await.unwrap();
        assert_eq!(page.status(), expected, "{email}");
    }
    let agent = app.token(AGENT).await;
    let path = format!("/api/v1/maintenance-windows/{}", window["id"]);
    let edit = json!({"revision": 1, "starts_at": ends, "ends_at": ends + Duration::hours(1),
                      "message": "Trop tard"});
    let (status, refused) = call(&app, Method::PATCH, &path, &agent, Some(edit)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // Cancelled from the page, at the fixed clock.
    let csrf = csrf_of(&html);
    let done = desk
        .post(app.url(&format!("{code_path}/cancel")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(sms_u_status(&app).await, "operational");
    let at = starts + Duration::minutes(1);
    told_once_each(&app, &smtp, at, "Maintenance annulée").await;
    // A second cancellation finds it over.
    assert_eq!(
        call(&app, Method::DELETE, &path, &agent, None).await.0,
        StatusCode::CONFLICT
    );
    // Its end passes without a notice of its own.
    app.run_jobs_at(ends + Duration::minutes(1)).await;
    let messages = smtp.messages();
    for email in SUBSCRIBERS {
        assert_eq!(told(&messages, email, "Maintenance terminée"), 0, "{email}");
        assert_eq!(
            told(&messages, email, "Maintenance commencée"),
            1,
            "{email}"
        );
    }
    assert_eq!(sms_u_status(&app).await, "operational");
}

/// The account id of a demo account, as it reads itself.
async fn account_id(app: &TestApp, email: &str) -> i64 {
    let token = app.token(email).await;
    let (_, me) = call(app, Method::GET, "/api/v1/me", &token, None).await;
    me["id"].as_i64().expect("an id")
}

#[tokio::test]
async fn a_provider_agent_opens_a_major_incident_from_the_status_page_in_one_step() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let agent = app.token(AGENT).await;
    let incident = subcategory(&app, &agent, "SMS-U", "incident").await;
    let toulon_id = account_id(&app, TOULON).await;
    let body = json!({"subcategory": incident, "title": "Plus aucun SMS ne part",
                      "description": "Les envois échouent partout depuis 9 h.",
                      "requester": toulon_id, "affected_version": "5.1", "module": "Envoi",
                      "page_url": "https://smsu.example/envoi"});
    let path = "/api/v1/offers/SMS-U/major-incidents";
    // Another provider's agent does not reach SMS-U; a subscriber may not open one.
    let other = app.token(OTHER_AGENT).await;
    let toulon = app.token(TOULON).await;
    for (token, expected) in [
        (&other, StatusCode::NOT_FOUND),
        (&toulon, StatusCode::FORBIDDEN),
    ] {
        let answer = call(&app, Method::POST, path, token, Some(body.clone())).await;
        assert_eq!(answer.0, expected, "{}", answer.1);
    }
    // A subcategory of another offer is refused on its field, and nothing is filed.
    let geforp = subcategory(&app, &other, "GEFORP", "incident").await;
    let mut wrong = body.clone();
    wrong["subcategory"] = json!(geforp);
    let (status, refused) = call(&app, Method::POST, path, &agent, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("subcategory"), "{refused}");

    let (status, major) = call(&app, Method::POST, path, &agent, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{major}");
    let master = major["master"].as_str().unwrap().to_owned();
    told_once_each(&app, &smtp, Utc::now(), "Incident majeur").await;
    // The master is Toulon's incident, declared major: a second declaration is refused.
    let (_, ticket) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{master}"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(ticket["ref"], master.as_str());
    let declare = format!("/api/v1/tickets/{master}/major");
    assert_eq!(
        call(&app, Method::POST, &declare, &agent, None).await.0,
        StatusCode::CONFLICT
    );
    // La Rochelle sees it and joins it.
    let rochelle = app.token(ROCHELLE).await;
    let (_, board) = call(&app, Method::GET, "/api/v1/status", &rochelle, None).await;
    let sms_u = board
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "SMS-U")
        .unwrap();
    assert_eq!(sms_u["major_incidents"][0]["id"], major["id"]);
    let join = format!("/api/v1/major-incidents/{}/join", major["id"]);
    let (status, child) = call(&app, Method::POST, &join, &rochelle, None).await;
    assert_eq!(status, StatusCode::OK, "{child}");
    assert_eq!(child["parent"], master.as_str());

    // From the page: the board links to the form; a wrong requester comes back typed, with
    // its error; a good one opens the incident and shows its master.
    let desk = browser_signed_in(&app, AGENT, guichet::demo::PASSWORD).await;
    let board = desk
        .get(app.url("/status"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board.contains("/status/SMS-U/major"), "{board}");
    let form = desk
        .get(app.url("/status/SMS-U/major"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let csrf = csrf_of(&form.text().await.unwrap());
    let sub = incident.to_string();
    let typed = [
        ("_csrf", csrf.as_str()),
        ("subcategory", sub.as_str()),
        ("title", "Envois bloqués, deuxième panne"),
        ("description", "Depuis 14 h."),
        ("requester", "personne@nulle-part.example"),
        ("module", "Envoi"),
        ("affected_version", "5.1"),
        ("page_url", "https://smsu.example/envoi"),
    ];
    let refused = desk
        .post(app.url("/status/SMS-U/major"))
        .form(&typed)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Envois bloqués, deuxième panne"), "{html}");
    assert!(html.contains("requester-error"), "{html}");
    let mut good = typed;
    good[4] = ("requester", ROCHELLE);
    let done = desk
        .post(app.url("/status/SMS-U/major"))
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/desk/tickets/I-"), "{location}");
    // Another provider's agent gets 404 on the form.
    let other_desk = browser_signed_in(&app, OTHER_AGENT, guichet::demo::PASSWORD).await;
    let page = other_desk
        .get(app.url("/status/SMS-U/major"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}
