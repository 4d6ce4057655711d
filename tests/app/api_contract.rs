//! The API's contract: every documented request-body example is accepted by its handler, and
//! the operations that close the gaps between the pages and the API (one's own account, one
//! log entry, participants by address).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";

mod examples;

#[tokio::test]
async fn every_documented_request_example_is_accepted() {
    let app = TestApp::with_demo().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let documented = examples::documented(&doc);
    // Every JSON body has an example, and every one is sent below (multipart ones aside).
    let mut missing: Vec<_> = documented
        .iter()
        .filter(|(_, example)| example.is_none())
        .map(|(operation, _)| operation.clone())
        .collect();
    missing.sort();
    assert_eq!(
        missing,
        Vec::<(String, String)>::new(),
        "bodies without an example"
    );
    let mut listed: Vec<(String, String)> = examples::ORDER
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    listed.sort();
    let mut found: Vec<_> = documented.keys().cloned().collect();
    found.sort();
    assert_eq!(
        found, listed,
        "the JSON bodies documented and the ones sent here"
    );
    for (method, path) in examples::NOT_JSON {
        let content = &doc["paths"][*path][*method]["requestBody"]["content"];
        assert!(
            content["multipart/form-data"].is_object(),
            "{method} {path}"
        );
    }

    let mut answers = examples::Answers::new();
    for &operation in examples::ORDER {
        let example = documented[&(operation.0.to_owned(), operation.1.to_owned())]
            .clone()
            .unwrap();
        if operation == ("put", "/api/v1/releases/{id}/items") {
            // The request the example plans is the one the demo left qualified on GEFORP.
            let token = app.token("comite@demo.guichet").await;
            let reference = example["items"][0].as_str().unwrap();
            let (_, qualified) = call(
                &app,
                Method::GET,
                "/api/v1/evolutions?offer=GEFORP&state=qualified",
                &token,
                None,
            )
            .await;
            let (_, planned) = call(
                &app,
                Method::GET,
                &format!("/api/v1/evolutions/{reference}"),
                &token,
                None,
            )
            .await;
            assert_eq!(
                (&planned["offer"], &planned["state"]),
                (&json!("GEFORP"), &json!("qualified")),
                "{planned}; the qualified ones: {qualified}"
            );
        }
        let sending = examples::sending(&app, &answers, operation, example).await;
        let token = match sending.who {
            Some(who) => Some(app.token(who).await),
            None => None,
        };
        let method = Method::from_bytes(operation.0.to_uppercase().as_bytes()).unwrap();
        let (status, body) = examples::send(
            &app,
            method.clone(),
            &sending.target,
            token.as_deref(),
            Some(sending.body.clone()),
        )
        .await;
        assert_eq!(
            status, sending.expected,
            "{method} {} with {}: {body}",
            sending.target, sending.body
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            // Only the reset's made-up token is refused, and on its own field.
            assert_eq!(
                body["error"]["details"]["fields"][0]["field"], "token",
                "{body}"
            );
        }
        answers.insert(operation, body);
    }
}

async fn new_ticket(app: &TestApp, token: &str, subcategory: i64) -> String {
    let (status, ticket) = call(
        app,
        Method::POST,
        "/api/v1/tickets",
        token,
        Some(json!({
            "subcategory": subcategory, "title": "Contrat", "description": "Le contrat d'API",
            "impact": "person", "urgency": "low"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    ticket["ref"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn one_changes_ones_own_name_language_and_password() {
    let app = TestApp::with_demo().await;
    let token = app.token(TOULON).await;
    let (_, me) = call(&app, Method::GET, "/api/v1/me", &token, None).await;
    let revision = me["revision"].as_i64().unwrap();

    let (status, changed) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": revision, "display_name": "Camille Martin", "language": "en"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["display_name"], "Camille Martin");
    assert_eq!(changed["language"], "en");
    let revision = changed["revision"].as_i64().unwrap();
    assert_eq!(revision, me["revision"].as_i64().unwrap() + 1);

    // A stale revision, an unknown language, roles: refused.
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": revision - 1, "display_name": "Old"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": revision, "language": "de"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "language");
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": revision, "roles": ["admin"]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The password: only with the current one.
    let (status, body) = call(&app, Method::PATCH, "/api/v1/me", &token, Some(json!({
        "revision": revision, "new_password": "a much longer password", "current_password": "wrong"
    })))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"][0]["field"],
        "current_password"
    );
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": revision, "new_password": "a much longer password",
            "current_password": guichet::demo::PASSWORD
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let login = |password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "email": TOULON, "password": password }))
            .send()
    };
    assert_eq!(
        login("a much longer password").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        login(guichet::demo::PASSWORD).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn one_log_entry_is_read_within_the_tickets_reach() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let agent = app.token(SMSU_AGENT).await;
    let other = app.token(RENNES).await;
    let sub = subcategory(&app, &contact, "SMS-U", "demande de service").await;
    let ticket = new_ticket(&app, &contact, sub).await;
    let log = format!("/api/v1/tickets/{ticket}/log");
    let (_, public) = call(
        &app,
        Method::POST,
        &log,
        &contact,
        Some(json!({ "body": "Public" })),
    )
    .await;
    let (status, private) = call(
        &app,
        Method::POST,
        &log,
        &agent,
        Some(json!({
            "body": "Between us", "private": true
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{private}");

    let entry = |id: &Value| format!("{log}/{id}");
    let (status, read) = call(&app, Method::GET, &entry(&public["id"]), &contact, None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["body"], "Public");
    let (status, read) = call(&app, Method::GET, &entry(&private["id"]), &agent, None).await;
    assert_eq!(
        (status, read["body"].as_str()),
        (StatusCode::OK, Some("Between us"))
    );
    // The private entry does not exist for the requester; nothing exists for another
    // organisation's contact; nor does an entry read through another ticket.
    for (id, token) in [(&private["id"], &contact), (&public["id"], &other)] {
        let (status, _) = call(&app, Method::GET, &entry(id), token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let elsewhere = new_ticket(&app, &contact, sub).await;
    let path = format!("/api/v1/tickets/{elsewhere}/log/{}", public["id"]);
    let (status, _) = call(&app, Method::GET, &path, &contact, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn participants_are_added_by_address() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let other = app.token(RENNES).await;
    let sub = subcategory(&app, &contact, "SMS-U", "demande de service").await;
    let ticket = new_ticket(&app, &contact, sub).await;
    let path = format!("/api/v1/tickets/{ticket}");
    let (_, read) = call(&app, Method::GET, &path, &contact, None).await;

    let (status, body) = call(
        &app,
        Method::PATCH,
        &path,
        &contact,
        Some(json!({
            "revision": read["revision"], "add_participants_by_email": ["nobody@example.org"]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"][0]["field"],
        "add_participants_by_email"
    );
    // Another organisation's account is out of reach, as if unknown.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        &contact,
        Some(json!({
            "revision": read["revision"], "add_participants_by_email": [RENNES]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, changed) = call(&app, Method::PATCH, &path, &contact, Some(json!({
        "revision": read["revision"], "add_participants_by_email": ["comite.toulon@demo.guichet"]
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed["participants"].as_array().unwrap().len(),
        1,
        "{changed}"
    );
    // Another organisation's contact does not see the ticket at all.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        &other,
        Some(json!({
            "revision": changed["revision"], "add_participants_by_email": [RENNES]
        })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
