//! The IMAP collector against a real Dovecot (see `support::dovecot`): messages put in the
//! inbox are read by the collection job — twice at once, as two servers would — handed to the
//! mail-in pipeline, and moved to the handled folder.

use entity::{inbound_mail, ticket};
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    mail_in::{GEFORP_ADDRESS, GEFORP_AGENT, TOULON, answered_ticket, log_of, message, taken_in},
    support::{TestApp, call, dovecot, subcategory},
};

const COORDINATION: &str = "coordination@demo.guichet";

/// The demo with the IMAP server's certificate trusted.
async fn app_for(server: &dovecot::Dovecot) -> TestApp {
    TestApp::with_settings(
        true,
        &[("mail_in_ca_file", server.ca_file.to_str().unwrap())],
    )
    .await
}

/// A mailbox on the test server, set up through the API by the consortium's coordination.
async fn mailbox(app: &TestApp, token: &str, port: u16, security: &str, host: &str) -> Value {
    let (status, made) = call(
        app,
        Method::POST,
        "/api/v1/mailboxes",
        token,
        Some(
            json!({"label": "Support", "host": host, "port": port, "security": security,
                    "username": dovecot::USER, "password": dovecot::PASSWORD,
                    "folder": "INBOX", "handled_folder": "Handled"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

/// Both "servers" run the collection at the same instant.
async fn collect_twice_at_once(app: &TestApp) {
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        guichet::jobs::collect_mail(&app.state, now),
        guichet::jobs::collect_mail(&app.state, now)
    );
    a.unwrap();
    b.unwrap();
}

async fn outcome_of(app: &TestApp, sender: &str, outcome: &str) -> usize {
    Unscoped::find::<inbound_mail::Entity>()
        .filter(inbound_mail::Column::Sender.eq(sender))
        .filter(inbound_mail::Column::Outcome.eq(outcome))
        .all(&app.conn)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn collected_mail_lands_once_ignores_automatic_mail_and_opens_tickets() {
    let server = dovecot::Dovecot::start();
    let app = app_for(&server).await;
    let coordination = app.token(COORDINATION).await;
    let agent = app.token(GEFORP_AGENT).await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &agent, "GEFORP", "demande de service").await;
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/offers/GEFORP/mail-address",
        &agent,
        Some(json!({"address": GEFORP_ADDRESS, "subcategory": request})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let made = mailbox(&app, &coordination, server.imaps_port, "imaps", "127.0.0.1").await;
    assert_eq!(made["password_set"], true);
    assert!(made.get("password").is_none(), "never read back: {made}");

    let (reference, answered) = answered_ticket(&app, &contact, &agent).await;
    let before = log_of(&app, &contact, &reference).await.len();
    let in_reply = format!("In-Reply-To: <{answered}>");
    let reply = message(
        TOULON,
        "Re: export",
        &[&in_reply, "Content-Type: multipart/mixed; boundary=sep"],
        "--sep\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLe voici.\r\n--sep\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"export-décembre.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYSxiCg==\r\n--sep--\r\n",
    );
    let auto_reply = message(
        TOULON,
        "Absence",
        &[&in_reply, "Auto-Submitted: auto-replied"],
        "Je suis absente.",
    );
    let bounce = message(
        "mailer-daemon@univ-toulon.fr",
        "Undelivered Mail Returned to Sender",
        &[
            &in_reply,
            "Return-Path: <>",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r",
        ],
        "--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--r--\r\n",
    );
    let stranger = message(
        "someone@elsewhere.example",
        &format!("Re: [{reference}] Nouveau message"),
        &[&in_reply],
        "Bonjour, je prends la main.",
    );
    let new = message(
        TOULON,
        "Inscriptions fermées trop tôt",
        &["Content-Type: multipart/mixed; boundary=n"],
        "--n\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLes inscriptions ont fermé hier.\r\n--n\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"capture écran.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--n--\r\n",
    );
    for raw in [&reply, &auto_reply, &bounce, &stranger, &new] {
        server.deliver(raw).await;
    }
    let tickets_before = Unscoped::find::<ticket::Entity>()
        .all(&app.conn)
        .await
        .unwrap()
        .len();

    collect_twice_at_once(&app).await;

    // The reply: once in the public log, with its attachment's name.
    let log = log_of(&app, &contact, &reference).await;
    assert_eq!(log.len(), before + 1, "one entry: {log:?}");
    let entry = log.last().unwrap();
    assert_eq!(entry["body"], "Le voici.");
    assert_eq!(entry["private"], false);
    assert_eq!(entry["attachments"][0]["file_name"], "export-décembre.csv");
    // The auto-reply and the bounce are left alone; the stranger changes nothing.
    assert_eq!(outcome_of(&app, TOULON, "automatic").await, 1);
    assert_eq!(
        outcome_of(&app, "mailer-daemon@univ-toulon.fr", "automatic").await,
        1
    );
    assert_eq!(
        outcome_of(&app, "someone@elsewhere.example", "stranger").await,
        1
    );
    // The new mail to GEFORP's address from Toulon's contact opened one GEFORP ticket.
    let opened = Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Title.eq("Inscriptions fermées trop tôt"))
        .all(&app.conn)
        .await
        .unwrap();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].subcategory_id, request);
    assert_eq!(opened[0].origin, ticket::Origin::Email);
    let tickets_after = Unscoped::find::<ticket::Entity>()
        .all(&app.conn)
        .await
        .unwrap()
        .len();
    assert_eq!(
        tickets_after,
        tickets_before + 1,
        "one ticket opened, no more"
    );
    let (status, shown) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{}", opened[0].reference),
        &contact,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["origin"], "email");
    assert!(
        shown.to_string().contains("capture écran.pdf"),
        "the attachment keeps its name: {shown}"
    );
    // Every message was moved to the handled folder.
    assert_eq!(server.count("INBOX").await, 0);
    // Two sessions moving one message at once may both copy it before either expunges it:
    // the handled folder may hold a message twice, never the inbox.
    assert!(server.count("Handled").await >= 5);
    let (status, seen) = call(
        &app,
        Method::GET,
        &format!("/api/v1/mailboxes/{}", made["id"]),
        &coordination,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen["last_polled_at"].is_string(), "{seen}");
    assert_eq!(seen["last_error"], Value::Null);

    // Another visit finds nothing new and changes nothing.
    let taken = taken_in(&app).await;
    collect_twice_at_once(&app).await;
    assert_eq!(taken_in(&app).await, taken);
    assert_eq!(log_of(&app, &contact, &reference).await.len(), before + 1);
}

#[tokio::test]
async fn starttls_is_read_and_a_refused_login_is_shown_on_the_mailbox() {
    let server = dovecot::Dovecot::start();
    let app = app_for(&server).await;
    let coordination = app.token(COORDINATION).await;
    let agent = app.token(GEFORP_AGENT).await;
    let contact = app.token(TOULON).await;
    let made = mailbox(
        &app,
        &coordination,
        server.imap_port,
        "starttls",
        "localhost",
    )
    .await;
    let (reference, answered) = answered_ticket(&app, &contact, &agent).await;
    let before = log_of(&app, &contact, &reference).await.len();
    server
        .deliver(&message(
            TOULON,
            "Re: export",
            &[&format!("In-Reply-To: <{answered}>")],
            "Merci.",
        ))
        .await;
    collect_twice_at_once(&app).await;
    assert_eq!(log_of(&app, &contact, &reference).await.len(), before + 1);
    assert!(server.count("Handled").await >= 1);

    // A wrong password: the visit fails and the mailbox says why (never the password).
    let mut changed = made.clone();
    for key in [
        "id",
        "organisation",
        "password_set",
        "last_polled_at",
        "last_error",
    ] {
        changed.as_object_mut().unwrap().remove(key);
    }
    changed["password"] = json!("wrong");
    let path = format!("/api/v1/mailboxes/{}", made["id"]);
    let (status, body) = call(&app, Method::PUT, &path, &coordination, Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    collect_twice_at_once(&app).await;
    let (_, seen) = call(&app, Method::GET, &path, &coordination, None).await;
    assert_eq!(seen["last_error"], "login", "{seen}");
}
