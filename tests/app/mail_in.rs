//! Mail in through `guichet mail-in`: messages on standard input, as a mail server's pipe gives
//! them, against the demo consortium; exit codes per sysexits.

use std::io::Write;

use entity::{inbound_mail, notification, ticket};
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, call, subcategory};

pub(crate) const TOULON: &str = "contact@univ-toulon.demo.guichet";
pub(crate) const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
pub(crate) const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";
pub(crate) const GEFORP_ADDRESS: &str = "geforp@guichet.example.org";

/// A message as a mail server delivers it.
pub(crate) fn message(from: &str, subject: &str, headers: &[&str], body: &str) -> String {
    let id = uuid::Uuid::new_v4().simple();
    let mut raw = format!(
        "From: <{from}>\r\nTo: <{GEFORP_ADDRESS}>\r\nSubject: {subject}\r\nMessage-ID: <{id}@mail.test>\r\nMIME-Version: 1.0\r\n"
    );
    for header in headers {
        raw.push_str(header);
        raw.push_str("\r\n");
    }
    if !headers.iter().any(|h| h.starts_with("Content-Type")) {
        raw.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    }
    raw.push_str("\r\n");
    raw.push_str(body);
    raw
}

/// `guichet mail-in` on this app's database with `raw` on standard input: its exit code and
/// what it printed.
async fn mail_in(app: &TestApp, raw: &str) -> (i32, String) {
    let url = app.database_url().to_owned();
    let data_dir = app.state.config.data_dir.clone();
    let raw = raw.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
            .arg("mail-in")
            .env("GUICHET_DATABASE_URL", url)
            .env("GUICHET_DATA_DIR", data_dir)
            .env("GUICHET_DEMO", "false")
            .env("GUICHET_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("guichet mail-in starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    })
    .await
    .unwrap()
}

pub(crate) async fn log_of(app: &TestApp, token: &str, reference: &str) -> Vec<Value> {
    let (status, log) = call(
        app,
        Method::GET,
        &format!("/api/v1/tickets/{reference}/log"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    log.as_array().unwrap().clone()
}

/// A ticket of Toulon's on GEFORP with the agent's public answer; answers its reference and
/// the Message-ID of the notification the contact got of the answer.
pub(crate) async fn answered_ticket(app: &TestApp, contact: &str, agent: &str) -> (String, String) {
    let request = subcategory(app, contact, "GEFORP", "demande de service").await;
    let (status, filed) = call(
        app,
        Method::POST,
        "/api/v1/tickets",
        contact,
        Some(json!({"subcategory": request, "title": "Export bloqué",
                    "description": "L'export ne part pas.", "impact": "person", "urgency": "medium"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let reference = filed["ref"].as_str().unwrap().to_owned();
    let (status, _) = call(
        app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        agent,
        Some(json!({"body": "Pouvez-vous joindre le fichier ?"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let told = Unscoped::find::<notification::Entity>()
        .filter(notification::Column::Email.eq(TOULON))
        .filter(notification::Column::Kind.eq(notification::Kind::Commented))
        .filter(notification::Column::Data.contains(&reference))
        .one(&app.conn)
        .await
        .unwrap()
        .expect("the contact was told of the answer");
    (reference, told.message_id)
}

pub(crate) async fn taken_in(app: &TestApp) -> u64 {
    Unscoped::find::<inbound_mail::Entity>()
        .count(&app.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reply_lands_once_in_its_ticket_with_its_attachment() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let (reference, answered) = answered_ticket(&app, &contact, &agent).await;
    let before = log_of(&app, &contact, &reference).await.len();
    let reply = message(
        TOULON,
        "Re: export",
        &[
            &format!("In-Reply-To: <{answered}>"),
            "Content-Type: multipart/mixed; boundary=sep",
        ],
        &format!(
            "--sep\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLe voici.\r\n\r\nLe lun. 7 déc., Guichet a écrit :\r\n> {}\r\n> Pouvez-vous joindre le fichier ?\r\n--sep\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"export-décembre.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYSxiCg==\r\n--sep--\r\n",
            guichet::services::mail_in::text::REPLY_MARKER
        ),
    );
    // Two processes take the same message at once (two servers, a retrying mail server):
    // the Message-ID's unique index lets one add it.
    let (first, second) = tokio::join!(mail_in(&app, &reply), mail_in(&app, &reply));
    let mut outcomes = vec![first, second];
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec![(0, "appended".to_owned()), (0, "duplicate".to_owned())]
    );
    // And again later: nothing more.
    assert_eq!(mail_in(&app, &reply).await, (0, "duplicate".to_owned()));
    let log = log_of(&app, &contact, &reference).await;
    assert_eq!(log.len(), before + 1, "one entry: {log:?}");
    let entry = log.last().unwrap();
    assert_eq!(entry["body"], "Le voici.", "the quoted notification is cut");
    assert_eq!(entry["private"], false);
    assert_eq!(
        entry["attachments"][0]["file_name"], "export-décembre.csv",
        "{entry}"
    );
    // The agent is told of the reply, as of one written on the web.
    let told = Unscoped::find::<notification::Entity>()
        .filter(notification::Column::Email.eq(GEFORP_AGENT))
        .filter(notification::Column::Kind.eq(notification::Kind::Commented))
        .count(&app.conn)
        .await
        .unwrap();
    assert!(told >= 1);
}

#[tokio::test]
async fn automatic_mail_strangers_and_outsiders_change_nothing() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let (reference, answered) = answered_ticket(&app, &contact, &agent).await;
    let before = log_of(&app, &contact, &reference).await.len();
    let in_reply = format!("In-Reply-To: <{answered}>");
    let auto_reply = message(
        TOULON,
        "Absence",
        &[&in_reply, "Auto-Submitted: auto-replied"],
        "Je suis absente.",
    );
    assert_eq!(
        mail_in(&app, &auto_reply).await,
        (0, "automatic".to_owned())
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
    assert_eq!(mail_in(&app, &bounce).await, (0, "automatic".to_owned()));
    let stranger = message(
        "someone@elsewhere.example",
        &format!("Re: [{reference}] Nouveau message"),
        &[&in_reply],
        "Bonjour, je prends la main.",
    );
    assert_eq!(mail_in(&app, &stranger).await, (0, "stranger".to_owned()));
    // An account of another establishment, which does not read the ticket: refused and told.
    let outsider = message(
        RENNES,
        &format!("Re: [{reference}] Nouveau message"),
        &[],
        "Nous aussi.",
    );
    assert_eq!(
        mail_in(&app, &outsider).await,
        (0, "refused_not_writer".to_owned())
    );
    assert_eq!(log_of(&app, &contact, &reference).await.len(), before);
    let explanations: Vec<String> = std::fs::read_dir(app.state.config.data_dir.join("mail"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|m| m.contains(RENNES))
        .collect();
    assert_eq!(explanations.len(), 1, "told once");
    assert!(explanations[0].contains("Auto-Submitted: auto-generated"));

    // A malformed message: refused for good (EX_DATAERR), nothing stored.
    let stored = taken_in(&app).await;
    let (code, _) = mail_in(&app, "this is not a message at all").await;
    assert_eq!(code, 65);
    assert_eq!(taken_in(&app).await, stored);
}

#[tokio::test]
async fn new_mail_to_an_offer_address_opens_a_ticket_for_contacts_with_a_convention() {
    let app = TestApp::with_demo().await;
    let agent = app.token(GEFORP_AGENT).await;
    let contact = app.token(TOULON).await;
    let incident = subcategory(&app, &agent, "GEFORP", "incident").await;
    let request = subcategory(&app, &agent, "GEFORP", "demande de service").await;
    let path = "/api/v1/offers/GEFORP/mail-address";
    // Only the offer's provider side sets it; a contact reads 403.
    let body = json!({"address": GEFORP_ADDRESS, "subcategory": request});
    let (status, _) = call(&app, Method::PUT, path, &contact, Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bad) = call(
        &app,
        Method::PUT,
        path,
        &agent,
        Some(json!({"address": "pas une adresse", "subcategory": request})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    // A subcategory that asks for what a mail does not give (GEFORP's incidents want a
    // version, a module, a page): the mail is refused and its sender told.
    let (status, _) = call(
        &app,
        Method::PUT,
        path,
        &agent,
        Some(json!({"address": GEFORP_ADDRESS, "subcategory": incident})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let incomplete = message(TOULON, "Panne", &[], "Plus rien ne marche.");
    assert_eq!(
        mail_in(&app, &incomplete).await,
        (0, "refused_incomplete".to_owned())
    );
    let (status, set) = call(&app, Method::PUT, path, &agent, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["address"], GEFORP_ADDRESS);
    // Another provider's agent neither reads nor sets it beyond its reach.
    let smsu = app.token("agent.smsu@demo.guichet").await;
    let (status, _) = call(
        &app,
        Method::PUT,
        path,
        &smsu,
        Some(json!({"address": "x@guichet.example.org", "subcategory": request})),
    )
    .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );

    let new = message(
        TOULON,
        "Fwd: Session de formation introuvable",
        &[],
        "La session du 12 n'apparaît plus.",
    );
    let (code, outcome) = mail_in(&app, &new).await;
    assert_eq!((code, outcome.as_str()), (0, "opened"));
    let opened = Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Title.eq("Session de formation introuvable"))
        .one(&app.conn)
        .await
        .unwrap()
        .expect("a ticket");
    let (status, shown) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{}", opened.reference),
        &contact,
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the contact reads the ticket filed for them"
    );
    assert_eq!(shown["origin"], "email", "{shown}");
    // GEFORP's subcategory, the one the address names.
    assert_eq!(opened.subcategory_id, request);
    assert_eq!(opened.origin, ticket::Origin::Email);

    // La Rochelle has no GEFORP convention: nothing opened, the contact told why.
    let refused = message(ROCHELLE, "Question", &[], "Bonjour.");
    assert_eq!(
        mail_in(&app, &refused).await,
        (0, "refused_no_convention".to_owned())
    );
    let tickets = Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Title.eq("Question"))
        .count(&app.conn)
        .await
        .unwrap();
    assert_eq!(tickets, 0);
}
