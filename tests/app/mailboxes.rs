//! Mailboxes set up for the IMAP collector, through the API and the desk: who may, what is
//! checked, the password sealed and never read back (blank keeps it), stale changes refused,
//! and another organisation's coordinator finding nothing (404).

use entity::mailbox;
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call, csrf_of, subcategory};

const COORDINATION: &str = "coordination@demo.guichet";
const TOULON: &str = "contact@univ-toulon.demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

fn settings() -> Value {
    json!({"label": "Support GEFORP", "host": "imap.univ-tln.fr", "port": 993,
           "security": "imaps", "username": "geforp-support", "password": "s3cret",
           "offer": "GEFORP"})
}

async fn sealed_password(app: &TestApp, id: i64) -> String {
    Unscoped::find::<mailbox::Entity>()
        .filter(mailbox::Column::Id.eq(id))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap()
        .password
}

#[tokio::test]
async fn mailboxes_through_the_api() {
    let app = TestApp::with_demo().await;
    let coordination = app.token(COORDINATION).await;
    let contact = app.token(TOULON).await;
    let build = app.builder().await;
    let elsewhere = build.establishment("AILLEURS", None).await;
    let outsider = build.account(elsewhere, &["contact", "coordinator"]).await;

    // A contact manages nothing: 403.
    let (status, _) = call(&app, Method::GET, "/api/v1/mailboxes", &contact, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/mailboxes",
        &contact,
        Some(settings()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Each wrong field named, nothing stored.
    let (status, bad) = call(
        &app,
        Method::POST,
        "/api/v1/mailboxes",
        &coordination,
        Some(
            json!({"label": "", "host": "imap .fr", "port": 0, "security": "imaps",
                    "username": "u", "folder": "INBOX", "handled_folder": "INBOX",
                    "offer": "NOPE"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let text = bad.to_string();
    for field in [
        "label",
        "host",
        "port",
        "password",
        "handled_folder",
        "offer",
    ] {
        assert!(
            text.contains(&format!("\"{field}\"")),
            "{field} named: {bad}"
        );
    }
    assert!(
        Unscoped::find::<mailbox::Entity>()
            .all(&app.conn)
            .await
            .unwrap()
            .is_empty()
    );

    let (status, made) = call(
        &app,
        Method::POST,
        "/api/v1/mailboxes",
        &coordination,
        Some(settings()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["password_set"], true);
    assert_eq!(made["offer"], "GEFORP");
    assert_eq!(made["folder"], "INBOX");
    assert!(
        !made.to_string().contains("s3cret"),
        "never read back: {made}"
    );
    let id = made["id"].as_i64().unwrap();
    let sealed = sealed_password(&app, id).await;
    assert!(!sealed.contains("s3cret"), "stored sealed");
    let path = format!("/api/v1/mailboxes/{id}");

    // A change without a password keeps the stored one.
    let mut change = settings();
    change["password"] = json!("");
    change["label"] = json!("Support");
    change["revision"] = made["revision"].clone();
    let (status, changed) = call(
        &app,
        Method::PUT,
        &path,
        &coordination,
        Some(change.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["label"], "Support");
    assert_eq!(sealed_password(&app, id).await, sealed);
    // The same revision again is stale, and so is the largest number a client can forge
    // (the contract's fuzzer found it answered 500).
    let (status, _) = call(
        &app,
        Method::PUT,
        &path,
        &coordination,
        Some(change.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    change["revision"] = json!(i32::MAX);
    let (status, body) = call(&app, Method::PUT, &path, &coordination, Some(change)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Another organisation's coordinator finds nothing.
    let (status, list) = call(
        &app,
        Method::GET,
        "/api/v1/mailboxes",
        &outsider.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list, json!([]));
    for method in [Method::GET, Method::DELETE] {
        let (status, _) = call(&app, method, &path, &outsider.token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let mut theirs = settings();
    theirs["revision"] = changed["revision"].clone();
    let (status, _) = call(&app, Method::PUT, &path, &outsider.token, Some(theirs)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor may they set one up for an organisation beyond their reach.
    let mut foreign = settings();
    foreign["organisation"] = made["organisation"].clone();
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/mailboxes",
        &outsider.token,
        Some(foreign),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, Method::GET, &path, &coordination, None).await;
    assert_eq!(status, StatusCode::OK, "still there");

    let (status, _) = call(&app, Method::DELETE, &path, &coordination, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, Method::GET, &path, &coordination, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn mailboxes_through_the_desk() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, COORDINATION, "demo").await;
    let page = browser
        .get(app.url("/desk/mailboxes/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());
    let form = |host: &str, port: &str, password: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("label", "Support GEFORP".to_owned()),
            ("host", host.to_owned()),
            ("port", port.to_owned()),
            ("security", "starttls".to_owned()),
            ("username", "geforp-support".to_owned()),
            ("password", password.to_owned()),
            ("folder", "INBOX".to_owned()),
            ("handled_folder", "Handled".to_owned()),
            ("offer", "GEFORP".to_owned()),
            ("enabled", "on".to_owned()),
        ]
    };
    // A wrong port: the form comes back with what was typed (never the password) and says why.
    let refused = browser
        .post(app.url("/desk/mailboxes"))
        .form(&form("imap.univ-tln.fr", "port", "s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("imap.univ-tln.fr"), "what was typed is kept");
    assert!(html.contains("65535"), "the port's rule is told");
    assert!(!html.contains("s3cret"));
    let created = browser
        .post(app.url("/desk/mailboxes"))
        .form(&form("imap.univ-tln.fr", "143", "s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let list = browser
        .get(app.url("/desk/mailboxes"))
        .send()
        .await
        .unwrap();
    let html = list.text().await.unwrap();
    assert!(
        html.contains("Support GEFORP") && html.contains("imap.univ-tln.fr"),
        "{html}"
    );
    let row = Unscoped::find::<mailbox::Entity>()
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.security, "starttls");
    // The edit form never shows the password and says a blank one stays as it was.
    let edit = browser
        .get(app.url(&format!("/desk/mailboxes/{}", row.id)))
        .send()
        .await
        .unwrap();
    let html = edit.text().await.unwrap();
    assert!(!html.contains("s3cret") && !html.contains(&row.password));
    assert!(html.contains("inchangé"), "the form says blank keeps it");
    let csrf = csrf_of(&html);
    let saved = browser
        .post(app.url(&format!("/desk/mailboxes/{}", row.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("label", "Support"),
            ("host", "imap.univ-tln.fr"),
            ("port", "993"),
            ("security", "imaps"),
            ("username", "geforp-support"),
            ("password", ""),
            ("folder", "INBOX"),
            ("handled_folder", "Handled"),
            ("offer", ""),
            ("revision", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let after = sealed_password(&app, row.id).await;
    assert_eq!(after, row.password, "a blank password keeps the stored one");

    // A contact has no desk; another organisation's coordinator finds nothing.
    let contact = browser_signed_in(&app, TOULON, "demo").await;
    let page = contact
        .get(app.url("/desk/mailboxes"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let build = app.builder().await;
    let elsewhere = build.establishment("AILLEURS", None).await;
    let outsider = build.account(elsewhere, &["contact", "coordinator"]).await;
    let shown = app
        .api(
            Method::GET,
            &format!("/api/v1/mailboxes/{}", row.id),
            &outsider.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_offers_mail_address_through_the_desk() {
    let app = TestApp::with_demo().await;
    let token = app.token(GEFORP_AGENT).await;
    let request = subcategory(&app, &token, "GEFORP", "demande de service").await;
    let agent = browser_signed_in(&app, GEFORP_AGENT, "demo").await;
    let path = "/desk/offers/GEFORP/mail-address";
    let page = agent.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());
    let refused = agent
        .post(app.url(path))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("address", "pas une adresse"),
            ("subcategory", &request.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().await.unwrap().contains("pas une adresse"),
        "kept"
    );
    let saved = agent
        .post(app.url(path))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("address", "geforp@guichet.example.org"),
            ("subcategory", &request.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (status, set) = call(
        &app,
        Method::GET,
        "/api/v1/offers/GEFORP/mail-address",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(set["address"], "geforp@guichet.example.org");
    assert_eq!(set["subcategory"], request);
    let shown = agent.get(app.url(path)).send().await.unwrap();
    assert!(
        shown
            .text()
            .await
            .unwrap()
            .contains("geforp@guichet.example.org")
    );
    // A contact has no desk.
    let contact = browser_signed_in(&app, TOULON, "demo").await;
    let page = contact.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}
