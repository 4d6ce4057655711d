//! Notifications through a real SMTP server: written with the change, sent by the job queue,
//! delivered once even when the server was down for a while, and once with two processes.

use std::time::{Duration, Instant};

use chrono::Utc;
use entity::job::{Kind, State};
use entity::{job, notification};
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::{
    TestApp, call,
    smtp::{SmtpServer, free_port, header, text_of},
    subcategory,
};

const TOULON: &str = "contact@univ-toulon.demo.guichet";

/// Files a GEFORP incident as the Toulon contact; answers its reference.
async fn file(app: &TestApp, token: &str, title: &str) -> String {
    let incident = subcategory(app, token, "GEFORP", "incident").await;
    let (status, ticket) = call(app, Method::POST, "/api/v1/tickets", token, Some(json!({
        "subcategory": incident, "title": title, "description": "…", "impact": "person",
        "urgency": "low", "affected_version": "2.4", "module": "Catalogue", "page_url": "https://geforp.example/"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    ticket["ref"].as_str().unwrap().to_owned()
}

fn to_toulon_about<'a>(messages: &'a [String], reference: &str) -> Vec<&'a String> {
    messages
        .iter()
        .filter(|m| {
            header(m, "To").is_some_and(|to| to.contains(TOULON))
                && header(m, "Subject").is_some_and(|s| s.contains(reference))
        })
        .collect()
}

#[tokio::test]
async fn the_requester_gets_the_acknowledgement_through_smtp() {
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_settings(true, &[("smtp_url", &smtp.url())]).await;
    let contact = app.token(TOULON).await;
    let reference = file(&app, &contact, "Imports en échec").await;
    app.run_due_jobs(Utc::now()).await;
    let messages = smtp.messages();
    let received = to_toulon_about(&messages, &reference);
    assert_eq!(received.len(), 1, "one acknowledgement");
    let message = received[0];
    assert!(
        header(message, "Subject")
            .unwrap()
            .contains("Demande reçue")
    );
    assert!(message.contains("multipart/alternative") && message.contains("text/html"));
    // The Message-ID is the one fixed in the outbox.
    let stored = Unscoped::find::<notification::Entity>()
        .filter(notification::Column::Email.eq(TOULON))
        .filter(notification::Column::Kind.eq("received"))
        .all(&app.conn)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.subject.contains(&reference))
        .unwrap();
    assert_eq!(
        header(message, "Message-ID").unwrap(),
        format!("<{}>", stored.message_id)
    );
    assert!(stored.sent_at.is_some());

    // The agent's comment reaches the requester; the requester's own comment does not.
    let agent = app.token("agent.geforp@demo.guichet").await;
    for (token, body) in [
        (&agent, "Pouvez-vous préciser le fichier ?"),
        (&contact, "Le fichier de mars"),
    ] {
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/tickets/{reference}/log"),
            token,
            Some(json!({ "body": body })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    app.run_due_jobs(Utc::now()).await;
    let messages = smtp.messages();
    let about = to_toulon_about(&messages, &reference);
    assert_eq!(about.len(), 2, "acknowledgement and the agent's message");
    assert!(
        about
            .iter()
            .any(|m| text_of(m).contains("préciser le fichier"))
    );
}

#[tokio::test]
async fn with_the_smtp_server_down_changes_succeed_and_mail_follows_once_it_is_back() {
    let port = free_port();
    let app =
        TestApp::with_settings(true, &[("smtp_url", &format!("smtp://127.0.0.1:{port}"))]).await;
    let contact = app.token(TOULON).await;
    let reference = file(&app, &contact, "Serveur de courrier absent").await;
    // Nobody listens: the attempt fails and is put back, the ticket is there all the same.
    app.run_due_jobs(Utc::now()).await;
    let unsent = Unscoped::find::<notification::Entity>()
        .filter(notification::Column::SentAt.is_null())
        .count(&app.conn)
        .await
        .unwrap();
    assert!(unsent > 0);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{reference}"),
        &contact,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The server comes back; once the back-off has passed, everything is delivered, once.
    let smtp = SmtpServer::start(port);
    app.run_due_jobs(Utc::now() + chrono::Duration::minutes(2))
        .await;
    app.run_due_jobs(Utc::now() + chrono::Duration::minutes(4))
        .await;
    let messages = smtp.messages();
    assert_eq!(messages.len() as u64, unsent, "every waiting message, once");
    assert_eq!(to_toulon_about(&messages, &reference).len(), 1);
    let retried = Unscoped::find::<job::Entity>()
        .filter(job::Column::Kind.eq(Kind::Mail))
        .filter(job::Column::State.eq(State::Done))
        .filter(job::Column::Attempts.eq(2))
        .count(&app.conn)
        .await
        .unwrap();
    assert_eq!(retried, unsent, "each sent at its second attempt");
}

/// A `guichet serve` process of its own, on the test's database; killed when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn two_server_processes_on_one_database_send_each_message_once() {
    if app_is_sqlite() {
        // SQLite serves one process; the queue's sharing is for PostgreSQL and MariaDB.
        return;
    }
    let smtp = SmtpServer::start(free_port());
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    for n in 0..10 {
        file(&app, &contact, &format!("Lot {n}")).await;
    }
    let waiting = Unscoped::find::<job::Entity>()
        .filter(job::Column::Kind.eq(Kind::Mail))
        .count(&app.conn)
        .await
        .unwrap();
    assert!(waiting >= 10);
    let data = tempfile::tempdir().unwrap();
    let servers: Vec<Server> = (0..2)
        .map(|_| {
            Server(
                std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
                    .arg("serve")
                    .env("GUICHET_DATABASE_URL", app.database_url())
                    .env("GUICHET_LISTEN", "127.0.0.1:0")
                    .env("GUICHET_DATA_DIR", data.path())
                    .env("GUICHET_DEMO", "false")
                    .env("GUICHET_SMTP_URL", smtp.url())
                    .env("GUICHET_JOBS_POLL_MS", "20")
                    .env("GUICHET_LOG", "warn")
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .expect("guichet serve starts"),
            )
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = Unscoped::find::<job::Entity>()
            .filter(job::Column::Kind.eq(Kind::Mail))
            .filter(job::Column::State.ne(State::Done))
            .count(&app.conn)
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} mail jobs still waiting"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(servers);
    let messages = smtp.messages();
    let mut ids: Vec<String> = messages
        .iter()
        .map(|m| header(m, "Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(messages.len() as u64, waiting, "each message sent once");
    assert_eq!(ids.len() as u64, waiting, "no message twice");
    let attempted_twice = Unscoped::find::<job::Entity>()
        .filter(job::Column::Kind.eq(Kind::Mail))
        .filter(job::Column::Attempts.ne(1))
        .count(&app.conn)
        .await
        .unwrap();
    assert_eq!(attempted_twice, 0, "no job taken by both processes");
}

fn app_is_sqlite() -> bool {
    !std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty() && !u.starts_with("sqlite"))
}

#[tokio::test]
async fn a_person_mutes_a_kind_of_notification_and_no_longer_receives_it() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let (status, prefs) = call(
        &app,
        Method::GET,
        "/api/v1/me/notifications",
        &contact,
        None,
    )
    .await;
    assert_eq!((status, prefs), (StatusCode::OK, json!({"muted": []})));
    let (status, prefs) = call(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        &contact,
        Some(json!({"muted": ["commented"]})),
    )
    .await;
    assert_eq!(
        (status, prefs),
        (StatusCode::OK, json!({"muted": ["commented"]}))
    );
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/me/notifications",
        &contact,
        Some(json!({"muted": ["everything"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let reference = file(&app, &contact, "Muet").await;
    let agent = app.token("agent.geforp@demo.guichet").await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        &agent,
        Some(json!({ "body": "Une question" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let told: Vec<String> = Unscoped::find::<notification::Entity>()
        .filter(notification::Column::Email.eq(TOULON))
        .all(&app.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.subject.contains(&reference))
        .map(|n| sea_orm::ActiveEnum::to_value(&n.kind))
        .collect();
    assert_eq!(
        told,
        ["received"],
        "the comment is muted, the acknowledgement is not"
    );

    // The page: ticking only "received" mutes everything else; preferences are one's own.
    let browser = crate::support::browser_signed_in(&app, TOULON, "demo").await;
    let page = browser
        .get(app.url("/account/notifications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = browser
        .post(app.url("/account/notifications"))
        .form(&[
            ("_csrf", crate::support::csrf_of(&page).as_str()),
            ("receive", "received"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, prefs) = call(
        &app,
        Method::GET,
        "/api/v1/me/notifications",
        &contact,
        None,
    )
    .await;
    assert_eq!(
        prefs["muted"].as_array().unwrap().len(),
        guichet::services::notifications::Kind::ALL.len() - 1
    );
    let (_, theirs) = call(&app, Method::GET, "/api/v1/me/notifications", &agent, None).await;
    assert_eq!(theirs, json!({"muted": []}));
}

#[tokio::test]
async fn a_convention_ending_within_a_month_is_signalled_once_to_the_coordinators() {
    let app = TestApp::with_demo().await;
    let today = Utc::now().date_naive();
    let convention = Unscoped::find::<entity::convention::Entity>()
        .filter(entity::convention::Column::Status.eq("production"))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap();
    Unscoped::update_many::<entity::convention::Entity>()
        .col_expr(
            entity::convention::Column::EndDate,
            sea_orm::sea_query::Expr::value(today + chrono::Duration::days(10)),
        )
        .filter(entity::convention::Column::Id.eq(convention.id))
        .exec(&app.conn)
        .await
        .unwrap();
    let warnings = || async {
        Unscoped::find::<notification::Entity>()
            .filter(notification::Column::Kind.eq("convention_expiring"))
            .filter(notification::Column::Subject.contains(&convention.title))
            .count(&app.conn)
            .await
            .unwrap()
    };
    // Today's watch, then tomorrow's: the coordinators are told once.
    for day in [0, 1] {
        let now = Utc::now() + chrono::Duration::days(day);
        app.run_jobs_at(now).await;
        assert!(warnings().await > 0, "day {day}");
    }
    let once = warnings().await;
    let mut organisations = guichet::auth::organisation_ancestors(&app.conn, convention.client_id)
        .await
        .unwrap();
    organisations.extend(
        guichet::auth::organisation_ancestors(&app.conn, convention.provider_id)
            .await
            .unwrap(),
    );
    let coordinators =
        guichet::services::notifications::coordinators_of(&app.state.platform(), &organisations)
            .await
            .unwrap();
    assert!(!coordinators.is_empty());
    assert_eq!(once, coordinators.len() as u64, "one each");
}
