//! Service status of offers on the demo consortium: SMS-U (provided by Paris 1) is subscribed to
//! by Toulon and La Rochelle, not by Rennes 2 (its convention is on GEFORP, and expired). A
//! status set by SMS-U's agent is shown to the subscribers only and told once to each of their
//! contacts through a real SMTP server; a major incident is joined by establishments, its public
//! updates reach them, its resolution resolves their incidents; a maintenance window starts and
//! ends by itself.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    TestApp, browser_signed_in, call,
    smtp::{SmtpServer, free_port, header, text_of},
};

pub const TOULON: &str = "contact@univ-toulon.demo.guichet";
pub const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const ROCHELLE_2: &str = "contact2@univ-larochelle.demo.guichet";
pub const RENNES: &str = "contact@univ-rennes2.demo.guichet";
pub const AGENT: &str = "agent.smsu@demo.guichet";
pub const OTHER_AGENT: &str = "agent.geforp@demo.guichet";
const OUTAGE: &str = "Envoi des SMS interrompu, nous cherchons la cause";

/// The mails to `email` about SMS-U.
fn about_sms_u<'a>(messages: &'a [String], email: &str) -> Vec<&'a String> {
    messages
        .iter()
        .filter(|m| {
            header(m, "To").is_some_and(|to| to.contains(email))
                && header(m, "Subject").is_some_and(|s| s.contains("[SMS-U]"))
        })
        .collect()
}

/// SMS-U as `token` reads it on `/api/v1/status`, if it does.
async fn sms_u_on_board(app: &TestApp, token: &str) -> Option<Value> {
    let (status, board) = call(app, Method::GET, "/api/v1/status", token, None).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    board
        .as_array()
        .expect("a list")
        .iter()
        .find(|o| o["code"] == "SMS-U")
        .cloned()
}

/// Sets SMS-U's status as `token`; answers the status code and body.
pub async fn set_status(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        Method::PUT,
        "/api/v1/offers/SMS-U/status",
        token,
        Some(body),
    )
    .await
}

/// SMS-U's status history as `token` reads it, newest first.
pub async fn history_of_sms_u(app: &TestApp, token: &str) -> Vec<Value> {
    let path = "/api/v1/offers/SMS-U/status/history";
    let (status, history) = call(app, Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    history.as_array().unwrap().clone()
}

/// An SMS-U incident filed by the Toulon contact and declared major by SMS-U's agent: answers
/// the master's reference and the major incident.
pub async fn sms_u_major_incident(app: &TestApp) -> (String, Value) {
    let toulon = app.token(TOULON).await;
    let incident = crate::support::subcategory(app, &toulon, "SMS-U", "incident").await;
    let (status, master) = call(app, Method::POST, "/api/v1/tickets", &toulon, Some(json!({
        "subcategory": incident, "title": "Plus aucun SMS ne part", "description": "Depuis 9 h.",
        "impact": "establishment", "urgency": "high", "affected_version": "5.1", "module": "Envoi",
        "page_url": "https://smsu.example/envoi"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{master}");
    let master = master["ref"].as_str().unwrap().to_owned();
    let declare = format!("/api/v1/tickets/{master}/major");
    assert_eq!(
        call(app, Method::POST, &declare, &toulon, None).await.0,
        StatusCode::FORBIDDEN
    );
    let agent = app.token(AGENT).await;
    let (status, major) = call(app, Method::POST, &declare, &agent, None).await;
    assert_eq!(status, StatusCode::CREATED, "{major}");
    assert_eq!(
        call(app, Method::POST, &declare, &agent, None).await.0,
        StatusCode::CONFLICT
    );
    (master, major)
}

/// The portal's home as a signed-in browser gets it.
async fn portal_home(app: &TestApp, browser: &reqwest::Client) -> String {
    let page = browser.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

/// Makes an account of the demo read English.
async fn speaks_english(app: &TestApp, email: &str) {
    let admin = app.token("admin@demo.guichet").await;
    let (_, accounts) = call(
        app,
        Method::GET,
        "/api/v1/accounts?per_page=200",
        &admin,
        None,
    )
    .await;
    let account = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == email)
        .unwrap()
        .clone();
    let (status, body) = call(
        app,
        Method::PATCH,
        &format!("/api/v1/accounts/{}", account["id"]),
        &admin,
        Some(json!({"revision": account["revision"], "language": "en"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_major_outage_of_sms_u_is_shown_to_its_subscribers_and_told_once_to_each_contact() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    speaks_english(&app, ROCHELLE_2).await;
    let agent = app.token(AGENT).await;

    // Only SMS-U's provider side sets its status: another provider's agent does not even see
    // it, a subscriber reads it but may not change it; the message is required.
    let other = app.token(OTHER_AGENT).await;
    let outage = json!({"status": "major_outage", "message": OUTAGE,
                        "message_en": "Text messages are not sent"});
    assert_eq!(
        set_status(&app, &other, outage.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let toulon = app.token(TOULON).await;
    assert_eq!(
        set_status(&app, &toulon, outage.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, refused) =
        set_status(&app, &agent, json!({"status": "degraded", "message": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.to_string().contains("message"), "{refused}");
    assert!(
        sms_u_on_board(&app, &toulon)
            .await
            .is_some_and(|s| s["status"] == "operational")
    );

    let (status, set) = set_status(&app, &agent, outage).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["status"], "major_outage");

    // The subscribers see it in the API and on their portal's home; Rennes 2 does not.
    for email in [TOULON, ROCHELLE] {
        let token = app.token(email).await;
        let sms_u = sms_u_on_board(&app, &token)
            .await
            .expect("SMS-U on the board");
        assert_eq!(sms_u["status"], "major_outage");
        assert_eq!(sms_u["message"], OUTAGE);
        assert!(sms_u["since"].is_string());
        let browser = browser_signed_in(&app, email, guichet::demo::PASSWORD).await;
        let home = portal_home(&app, &browser).await;
        assert!(
            home.contains(OUTAGE) && home.contains("Panne majeure"),
            "{email}'s home"
        );
        let page = browser.get(app.url("/status")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains(OUTAGE));
    }
    let rennes = app.token(RENNES).await;
    assert!(sms_u_on_board(&app, &rennes).await.is_none());
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/status",
        &rennes,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let browser = browser_signed_in(&app, RENNES, guichet::demo::PASSWORD).await;
    assert!(!portal_home(&app, &browser).await.contains(OUTAGE));

    // One mail per subscriber contact, in their language; none to anyone else.
    app.run_due_jobs(Utc::now()).await;
    let messages = smtp.messages();
    for email in [TOULON, ROCHELLE, ROCHELLE_2] {
        assert_eq!(about_sms_u(&messages, email).len(), 1, "mails to {email}");
    }
    let french = about_sms_u(&messages, TOULON)[0];
    assert!(header(french, "Subject").unwrap().contains("Panne majeure"));
    assert!(text_of(french).contains(OUTAGE));
    let english = about_sms_u(&messages, ROCHELLE_2)[0];
    assert!(header(english, "Subject").unwrap().contains("Major outage"));
    assert!(text_of(english).contains("Text messages are not sent"));
    for email in [RENNES, AGENT, OTHER_AGENT] {
        assert!(
            about_sms_u(&messages, email).is_empty(),
            "no mail to {email}"
        );
    }

    // A contact who mutes service status mail hears nothing of the next change; the history
    // keeps both periods.
    let muting = app.token(ROCHELLE).await;
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        &muting,
        Some(json!({"muted": ["service_status"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = set_status(
        &app,
        &agent,
        json!({"status": "operational", "message": "Service rétabli"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    app.run_due_jobs(Utc::now()).await;
    let messages = smtp.messages();
    assert_eq!(about_sms_u(&messages, ROCHELLE).len(), 1);
    assert_eq!(about_sms_u(&messages, TOULON).len(), 2);
    let history = history_of_sms_u(&app, &toulon).await;
    let statuses: Vec<&str> = history
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["operational", "major_outage"]);
    assert!(history[1]["ended_at"].is_string() && history[0]["ended_at"].is_null());
    let (status, months) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/availability",
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{months}");
    assert_eq!(months.as_array().unwrap().len(), 3);
}

/// The mails to `email` whose text contains `words`.
fn mails_with<'a>(messages: &'a [String], email: &str, words: &str) -> Vec<&'a String> {
    messages
        .iter()
        .filter(|m| header(m, "To").is_some_and(|to| to.contains(email)))
        .filter(|m| text_of(m).contains(words))
        .collect()
}

/// A third establishment subscribing to SMS-U, with one contact; answers the contact's token
/// and address.
pub async fn third_subscriber(app: &TestApp) -> (String, String) {
    let builder = app.builder().await;
    let (_, organisations) = call(
        app,
        Method::GET,
        "/api/v1/organisations?per_page=200",
        &builder.admin,
        None,
    )
    .await;
    let up1 = organisations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "UP1")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let brest = builder.establishment("UBO", None).await;
    let sms_u = crate::support::builders::Offer {
        code: "SMS-U".to_owned(),
        incident: 0,
        request: 0,
    };
    builder.convention(brest, up1, &[&sms_u], None).await;
    let contact = builder.account(brest, &["contact"]).await;
    (contact.token, contact.email)
}

#[tokio::test]
async fn establishments_join_a_major_incident_hear_its_updates_once_and_are_resolved_with_it() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let (brest, brest_email) = third_subscriber(&app).await;
    let agent = app.token(AGENT).await;
    // The provider declares it major, once; the requester may not.
    let (master, major) = sms_u_major_incident(&app).await;
    let join = format!("/api/v1/major-incidents/{}/join", major["id"]);

    // Two establishments join it (once each, however often they click); Rennes 2 cannot.
    let rochelle = app.token(ROCHELLE).await;
    let shown = sms_u_on_board(&app, &rochelle).await.unwrap();
    assert_eq!(shown["major_incidents"][0]["id"], major["id"]);
    assert!(shown["major_incidents"][0]["joined_as"].is_null());
    let mut children = Vec::new();
    for token in [&rochelle, &brest] {
        let (status, child) = call(&app, Method::POST, &join, token, None).await;
        assert_eq!(status, StatusCode::OK, "{child}");
        assert_eq!(child["parent"], master.as_str());
        let (_, again) = call(&app, Method::POST, &join, token, None).await;
        assert_eq!(again["ref"], child["ref"]);
        children.push(child);
    }
    let shown = sms_u_on_board(&app, &rochelle).await.unwrap();
    assert_eq!(shown["major_incidents"][0]["joined_as"], children[0]["ref"]);
    let rennes = app.token(RENNES).await;
    assert_eq!(
        call(&app, Method::POST, &join, &rennes, None).await.0,
        StatusCode::NOT_FOUND
    );

    // The master's page shows who joined.
    let desk = browser_signed_in(&app, AGENT, guichet::demo::PASSWORD).await;
    let page = desk
        .get(app.url(&format!("/desk/tickets/{master}")))
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    for child in &children {
        assert!(page.contains(child["ref"].as_str().unwrap()));
        assert!(page.contains(child["organisation"]["name"].as_str().unwrap()));
    }

    // A public update on the master reaches the master's requester and each child's, once.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{master}/log"),
        &agent,
        Some(json!({"body": "Cause trouvée : la passerelle SMS"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    app.run_due_jobs(Utc::now()).await;
    let messages = smtp.messages();
    for (email, reference) in [
        (TOULON, master.as_str()),
        (ROCHELLE, children[0]["ref"].as_str().unwrap()),
        (brest_email.as_str(), children[1]["ref"].as_str().unwrap()),
    ] {
        let told = mails_with(&messages, email, "Cause trouvée");
        assert_eq!(told.len(), 1, "the update to {email}");
        assert!(header(told[0], "Subject").unwrap().contains(reference));
    }
    // The declaration was told to every subscriber contact, once.
    for email in [TOULON, ROCHELLE, ROCHELLE_2, brest_email.as_str()] {
        let declared: Vec<_> = about_sms_u(&messages, email)
            .into_iter()
            .filter(|m| header(m, "Subject").unwrap().contains("Incident majeur"))
            .collect();
        assert_eq!(declared.len(), 1, "the declaration to {email}");
    }

    // Resolving the master resolves both children with its solution, and ends the major incident.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{master}/actions/resolve"),
        &agent,
        Some(json!({"solution": "Passerelle SMS redémarrée"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (token, child) in [(&rochelle, &children[0]), (&brest, &children[1])] {
        let (_, read) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{}", child["ref"].as_str().unwrap()),
            token,
            None,
        )
        .await;
        assert_eq!(read["status"], "resolved");
        assert!(
            read["solution"]
                .as_str()
                .unwrap()
                .contains("Passerelle SMS redémarrée")
        );
    }
    let shown = sms_u_on_board(&app, &rochelle).await.unwrap();
    assert!(shown["major_incidents"].as_array().unwrap().is_empty());
    assert_eq!(
        call(&app, Method::POST, &join, &rochelle, None).await.0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn a_maintenance_window_starts_and_ends_by_itself_and_is_told_once_at_each_step() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let agent = app.token(AGENT).await;
    let toulon = app.token(TOULON).await;
    let now = Utc::now();
    let starts = now + Duration::days(3);
    let ends = starts + Duration::hours(2);
    let window = json!({"starts_at": starts, "ends_at": ends,
                        "message": "Mise à jour de la passerelle SMS"});
    let path = "/api/v1/offers/SMS-U/maintenance";
    assert_eq!(
        call(&app, Method::POST, path, &toulon, Some(window.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let backwards = json!({"starts_at": ends, "ends_at": starts, "message": "x"});
    assert_eq!(
        call(&app, Method::POST, path, &agent, Some(backwards))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, published) = call(&app, Method::POST, path, &agent, Some(window)).await;
    assert_eq!(status, StatusCode::CREATED, "{published}");

    // Published, the day before, started, ended: the clock is the test's.
    let steps = [
        (Utc::now(), "operational", "Maintenance programmée"),
        (
            starts - Duration::hours(20),
            "operational",
            "Maintenance demain",
        ),
        (
            starts + Duration::minutes(1),
            "maintenance",
            "Maintenance commencée",
        ),
        (
            ends + Duration::minutes(1),
            "operational",
            "Maintenance terminée",
        ),
    ];
    for (at, expected, subject) in steps {
        // Twice at each instant: a step is taken once.
        app.run_jobs_at(at).await;
        app.run_jobs_at(at + Duration::seconds(61)).await;
        let shown = sms_u_on_board(&app, &toulon).await.unwrap();
        assert_eq!(shown["status"], expected, "at {at}");
        let messages = smtp.messages();
        for email in [TOULON, ROCHELLE, ROCHELLE_2] {
            let told: Vec<_> = about_sms_u(&messages, email)
                .into_iter()
                .filter(|m| header(m, "Subject").unwrap().contains(subject))
                .collect();
            assert_eq!(told.len(), 1, "{subject} to {email}");
        }
    }
    let history = history_of_sms_u(&app, &toulon).await;
    let statuses: Vec<&str> = history
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["operational", "maintenance"]);
}
