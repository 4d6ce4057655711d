//! Integrity under hostile or unlucky input, over HTTP: idempotency keys replay one request and
//! refuse another, control characters never reach the database, a steering decision is taken
//! once however many race for it, and forms do not tell who has an account.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call, csrf_of, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";
const COMMITTEE: &str = "comite@demo.guichet";
const ADMIN: &str = "admin@demo.guichet";
const STEERING: [&str; 3] = [
    "copil@demo.guichet",
    "copil2@demo.guichet",
    "copil3@demo.guichet",
];

/// How many tickets hold this title, read in the database itself.
async fn tickets_titled(app: &TestApp, title: &str) -> u64 {
    guichet::db::Unscoped::find::<entity::ticket::Entity>()
        .filter(entity::ticket::Column::Title.contains(title))
        .count(&app.conn)
        .await
        .unwrap()
}

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: &str) -> (StatusCode, Value) {
    let response = app
        .api(Method::POST, "/api/v1/tickets", token)
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

fn field_of(error: &Value) -> &str {
    error["error"]["details"]["fields"][0]["field"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn an_idempotency_key_replays_its_request_and_refuses_another() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let first_body = format!(
        r#"{{"subcategory": {request}, "title": "Clé rejouée", "description": "Première", "impact": "person", "urgency": "low"}}"#
    );
    // The same request, its fields in another order and spaced otherwise.
    let same_again = format!(
        r#"{{ "urgency":"low","impact":"person","description":"Première","title":"Clé rejouée","subcategory":{request} }}"#
    );
    let other_body = first_body.replace("Première", "Seconde, tout autre");

    let (status, first) = post_with_key(&app, &contact, "key-1", &first_body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replayed) = post_with_key(&app, &contact, "key-1", &same_again).await;
    assert_eq!(status, StatusCode::CREATED, "{replayed}");
    assert_eq!(replayed, first, "the first answer, as it was");

    let (status, refused) = post_with_key(&app, &contact, "key-1", &other_body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "idempotency_key_reused");
    assert_eq!(tickets_titled(&app, "Clé rejouée").await, 1);

    // A failed creation frees its key: the corrected request goes through with it.
    let invalid = first_body.replace(r#""impact": "person""#, r#""impact": "galaxy""#);
    let (status, _) = post_with_key(&app, &contact, "key-2", &invalid).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, second) = post_with_key(&app, &contact, "key-2", &first_body).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(second["ref"], first["ref"]);

    // Keys are each account's own: another account's same key runs its own request (here
    // refused on its merits: La Rochelle has no convention on this offer), no replay, no 422.
    let other = app.token("contact@univ-larochelle.demo.guichet").await;
    let (status, theirs) = post_with_key(&app, &other, "key-1", &other_body).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{theirs}");

    // Malformed keys are refused, not ignored.
    let (status, _) = post_with_key(&app, &contact, &"k".repeat(201), &first_body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(tickets_titled(&app, "Clé rejouée").await, 2);
}

#[tokio::test]
async fn the_largest_answer_is_remembered_and_replayed_on_every_database() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    // 50 000 accented characters: 100 000 bytes of description, more in the JSON answer.
    let description = "é".repeat(50_000);
    let body = json!({
        "subcategory": request, "title": "Réponse volumineuse", "description": description,
        "impact": "person", "urgency": "low",
    })
    .to_string();
    let (status, first) = post_with_key(&app, &contact, "key-large", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{}", first["error"]);
    let (status, replayed) = post_with_key(&app, &contact, "key-large", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replayed, first);
    assert_eq!(tickets_titled(&app, "Réponse volumineuse").await, 1);
}

#[tokio::test]
async fn parallel_requests_with_one_key_create_one_ticket() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let body = format!(
        r#"{{"subcategory": {request}, "title": "Course aux clés", "description": "Six à la fois", "impact": "person", "urgency": "low"}}"#
    );
    let answers = join_all((0..6).map(|_| post_with_key(&app, &contact, "race", &body))).await;
    let created: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, body)| body)
        .collect();
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::CONFLICT,
            "{status}: {body}"
        );
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|t| t["ref"] == created[0]["ref"]));
    assert_eq!(tickets_titled(&app, "Course aux clés").await, 1);
    // Once the first has answered, every retry gets its answer.
    let (status, again) = post_with_key(&app, &contact, "race", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["ref"], created[0]["ref"]);
}

/// Uploads a file whose bytes hold controls, with an optional comment: the status and answer.
async fn attach(
    app: &TestApp,
    token: &str,
    reference: &str,
    comment: Option<&str>,
) -> (StatusCode, Value) {
    let file =
        reqwest::multipart::Part::bytes(b"\x00binary is fine\x01".to_vec()).file_name("a.bin");
    let mut form = reqwest::multipart::Form::new();
    if let Some(comment) = comment {
        form = form.text("body", comment.to_owned());
    }
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tickets/{reference}/attachments"),
            token,
        )
        .multipart(form.part("file", file))
        .send()
        .await
        .unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

/// A browser signed in as `email`, and its form token.
async fn signed_in_with_token(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let browser = browser_signed_in(app, email, "demo").await;
    let html = browser
        .get(app.url("/portal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&html);
    (browser, token)
}

#[tokio::test]
async fn control_characters_are_refused_in_every_field_and_nothing_is_stored() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let ticket = |title: &str, description: &str| {
        json!({ "subcategory": request, "title": title, "description": description,
                "impact": "person", "urgency": "low" })
    };
    for (body, field) in [
        (ticket("Nul\u{0}caractère", "ok"), "title"),
        (ticket("Contrôle", "échappement \u{1b}[31m"), "description"),
        (ticket("Contrôle", "retour\u{8}arrière"), "description"),
    ] {
        let (status, refused) =
            call(&app, Method::POST, "/api/v1/tickets", &contact, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(field_of(&refused), field, "{refused}");
        let reason = refused["error"]["details"]["fields"][0]["reason"]
            .as_str()
            .unwrap();
        assert!(reason.contains("caractère de contrôle"), "{reason}");
    }
    assert_eq!(tickets_titled(&app, "Nul").await, 0);
    assert_eq!(tickets_titled(&app, "Contrôle").await, 0);
    // Tab, CR and LF are text.
    let (status, filed) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &contact,
        Some(ticket("Contrôle\tpermis", "ligne 1\r\n\tligne 2")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let reference = filed["ref"].as_str().unwrap().to_owned();

    // A log entry, as JSON and as a multipart upload's text part.
    let log = format!("/api/v1/tickets/{reference}/log");
    let (status, refused) = call(
        &app,
        Method::POST,
        &log,
        &contact,
        Some(json!({ "body": "fin\u{0}", "private": false })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(field_of(&refused), "body");
    let (status, refused) = attach(&app, &contact, &reference, Some("pièce\u{0}jointe")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_of(&refused), "body");
    let (_, entries) = call(&app, Method::GET, &log, &contact, None).await;
    assert_eq!(entries.as_array().unwrap().len(), 0, "{entries}");
    // A file's own bytes are data, not text.
    let (status, _) = attach(&app, &contact, &reference, None).await;
    assert_eq!(status, StatusCode::CREATED);

    // A path segment and a query parameter: 400 naming them, in the reader's language.
    for (path, field) in [
        ("/api/v1/tickets/%00", "path"),
        ("/api/v1/tickets/I-000001%1F", "path"),
        ("/api/v1/tickets?q=%00", "q"),
        ("/api/v1/tickets?status=new&q=a%01b", "q"),
        ("/api/v1/faqs?q=%00", "q"),
    ] {
        let (status, refused) = call(&app, Method::GET, path, &contact, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {refused}");
        assert_eq!(field_of(&refused), field, "{path}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/tickets/%00"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::BAD_REQUEST);
    let refused: Value = anonymous.json().await.unwrap();
    assert!(
        refused["error"]["details"]["fields"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("control character"),
        "{refused}"
    );

    // A page's form: the same refusal, shown as a page.
    let browser = browser_signed_in(&app, TOULON, "demo").await;
    let html = browser
        .get(app.url(&format!("/portal/new/{request}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = browser
        .post(app.url(&format!("/portal/new/{request}")))
        .form(&[
            ("_csrf", csrf_of(&html).as_str()),
            ("title", "Formulaire\u{0}nul"),
            ("description", "ok"),
            ("impact", "person"),
            ("urgency", "low"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("title"));
    assert_eq!(tickets_titled(&app, "Formulaire").await, 0);
    let response = browser
        .get(app.url("/portal/tickets?q=%00"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

/// The id of the demo's GEFORP 1.8.0, proposed to the steering committee.
async fn geforp_1_8(app: &TestApp, token: &str) -> i64 {
    let (_, releases) = call(
        app,
        Method::GET,
        "/api/v1/releases?offer=GEFORP",
        token,
        None,
    )
    .await;
    let release = releases["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "1.8.0")
        .unwrap()
        .clone();
    assert_eq!(release["state"], "proposed");
    release["id"].as_i64().unwrap()
}

async fn decisions_of(app: &TestApp, release: i64) -> Vec<entity::steering_decision::Model> {
    guichet::db::Unscoped::find::<entity::steering_decision::Entity>()
        .filter(entity::steering_decision::Column::ReleaseId.eq(release))
        .all(&app.conn)
        .await
        .unwrap()
}

async fn ballot(app: &TestApp, id: i64, token: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/releases/{id}/ballots");
    let body = json!({ "vote": "approve", "comment": "Oui." });
    call(app, Method::POST, &path, token, Some(body)).await
}

async fn decide(app: &TestApp, id: i64, chair: &str, outcome: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/releases/{id}/decision");
    let body = json!({ "outcome": outcome, "comment": "Présidence." });
    call(app, Method::POST, &path, chair, Some(body)).await
}

#[tokio::test]
async fn racing_ballots_and_the_chair_take_one_decision() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let [chair, second, third] = [
        app.token(STEERING[0]).await,
        app.token(STEERING[1]).await,
        app.token(STEERING[2]).await,
    ];
    let id = geforp_1_8(&app, &chair).await;
    let (_, settings) = call(&app, Method::GET, "/api/v1/settings/steering", &admin, None).await;
    // A quorum of one: every ballot decides alone, the most racing a decision can get.
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v1/settings/steering",
        &admin,
        Some(json!({ "quorum": 1, "majority_percent": 50, "chair": settings["chair"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (a, b, c) = tokio::join!(
        ballot(&app, id, &second),
        ballot(&app, id, &third),
        decide(&app, id, &chair, "approved"),
    );
    let answers = [a, b, c];
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::CONFLICT,
            "{status}: {body}"
        );
    }
    let decided: Vec<&(StatusCode, Value)> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .collect();
    assert_eq!(decided.len(), 1, "{answers:?}");
    let decisions = decisions_of(&app, id).await;
    assert_eq!(decisions.len(), 1, "one decision, whoever won");
    assert_eq!(
        decisions[0].outcome,
        entity::steering_decision::DecisionOutcome::Approved
    );
    let (_, release) = call(
        &app,
        Method::GET,
        &format!("/api/v1/releases/{id}"),
        &chair,
        None,
    )
    .await;
    assert_eq!(release["state"], "approved");
    for item in release["items"].as_array().unwrap() {
        assert_eq!(item["state"], "planned", "{item}");
    }
    // A ballot after the decision changes nothing.
    let (status, _) = ballot(&app, id, &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(decisions_of(&app, id).await.len(), 1);
}

#[tokio::test]
async fn a_release_sent_back_and_proposed_again_gets_one_decision_per_round() {
    let app = TestApp::with_demo().await;
    let chair = app.token(STEERING[0]).await;
    let committee = app.token(COMMITTEE).await;
    let id = geforp_1_8(&app, &chair).await;
    let (status, sent_back) = decide(&app, id, &chair, "sent_back").await;
    assert_eq!(status, StatusCode::OK, "{sent_back}");
    assert_eq!(sent_back["state"], "draft");
    let (status, proposed) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/actions/propose"),
        &committee,
        Some(json!({ "revision": sent_back["revision"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposed}");
    let (status, approved) = decide(&app, id, &chair, "approved").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "approved");
    let (status, _) = decide(&app, id, &chair, "sent_back").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut rounds: Vec<(i32, String)> = decisions_of(&app, id)
        .await
        .into_iter()
        .map(|d| (d.round, sea_orm::ActiveEnum::to_value(&d.outcome)))
        .collect();
    rounds.sort();
    assert_eq!(
        rounds,
        [(1, "sent_back".to_owned()), (2, "approved".to_owned())]
    );
}

/// Posts the steering settings form with `chair`, as `email`: the status and the page.
async fn post_chair(app: &TestApp, email: &str, chair: &str) -> (StatusCode, String) {
    let (browser, csrf) = signed_in_with_token(app, email).await;
    let response = browser
        .post(app.url("/desk/settings/steering"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("quorum", "2"),
            ("majority_percent", "50"),
            ("chair", chair),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    // Each sign-in has its own form token, which the page's navigation carries: set aside.
    let page = response.text().await.unwrap().replace(&csrf, "<token>");
    (status, page)
}

#[tokio::test]
async fn forms_that_take_an_address_do_not_tell_who_has_an_account() {
    let app = TestApp::with_demo().await;
    // The steering settings: administrators only, whatever the address.
    for who in [TOULON, COMMITTEE] {
        let known = post_chair(&app, who, "copil2@demo.guichet").await;
        let unknown = post_chair(&app, who, "nobody@nowhere.example").await;
        assert_eq!(known.0, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(known, unknown, "{who}");
    }
    let (status, _) = post_chair(&app, ADMIN, "nobody@nowhere.example").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the administrator is told"
    );

    // The desk's "file for a contact" form: someone who does not provide the offer gets the
    // same answer for a contact out of their reach and for an address nobody has.
    let contact = app.token(TOULON).await;
    let incident = subcategory(&app, &contact, "GEFORP", "incident").await;
    let file_for = |email: &'static str, requester: &'static str| {
        let app = &app;
        async move {
            let (browser, csrf) = signed_in_with_token(app, email).await;
            let response = browser
                .post(app.url(&format!("/desk/new/{incident}")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("title", "Sonde"),
                    ("description", "Qui a un compte ?"),
                    ("impact", "person"),
                    ("urgency", "low"),
                    ("requester", requester),
                ])
                .send()
                .await
                .unwrap();
            response.status()
        }
    };
    for who in [SMSU_AGENT, COMMITTEE, TOULON] {
        let known = file_for(who, TOULON).await;
        let unknown = file_for(who, "nobody@nowhere.example").await;
        assert!(known.is_client_error(), "{who}: {known}");
        assert_eq!(known, unknown, "{who}");
    }
    // The offer's provider learns only "not a contact you may file for", for both.
    let known = file_for(GEFORP_AGENT, SMSU_AGENT).await;
    let unknown = file_for(GEFORP_AGENT, "nobody@nowhere.example").await;
    assert_eq!(known, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(known, unknown);
    assert_eq!(tickets_titled(&app, "Sonde").await, 0);
}
