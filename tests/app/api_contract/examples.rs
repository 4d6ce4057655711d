//! Every request body the OpenAPI document describes in JSON has an example, and each example
//! is sent, as documented, to its operation by the demo account it is written for: this says
//! who sends it, where, and what it answers. What cannot be sent exactly as documented says why
//! beside it.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, subcategory};

const ADMIN: &str = "admin@demo.guichet";
const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";
const COORDINATION: &str = "coordination@demo.guichet";
const COMMITTEE: &str = "comite@demo.guichet";
const CHAIR: &str = "copil@demo.guichet";
const STEERING_2: &str = "copil2@demo.guichet";

/// The operations with a JSON request body, in the order they are sent (a later one acts on
/// what an earlier one made: the convention it replaces, the FAQ it rates…).
pub const ORDER: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/password/forgot"),
    ("post", "/api/v1/auth/password/reset"),
    ("patch", "/api/v1/me"),
    ("put", "/api/v1/me/notifications"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/organisations"),
    ("patch", "/api/v1/organisations/{id}"),
    ("post", "/api/v1/accounts"),
    ("patch", "/api/v1/accounts/{id}"),
    ("post", "/api/v1/teams"),
    ("patch", "/api/v1/teams/{id}"),
    ("post", "/api/v1/offers"),
    ("patch", "/api/v1/offers/{code}"),
    ("post", "/api/v1/offers/{code}/subcategories"),
    ("patch", "/api/v1/subcategories/{id}"),
    ("post", "/api/v1/slas"),
    ("put", "/api/v1/slas/{id}"),
    ("post", "/api/v1/slas/simulate"),
    ("post", "/api/v1/slas/{id}/simulate"),
    ("post", "/api/v1/conventions"),
    ("put", "/api/v1/conventions/{id}"),
    ("post", "/api/v1/conventions/{id}/actions/terminate"),
    ("put", "/api/v1/settings/priority-matrix"),
    ("post", "/api/v1/tickets"),
    ("patch", "/api/v1/tickets/{ref}"),
    ("post", "/api/v1/tickets/{ref}/actions/{action}"),
    ("post", "/api/v1/tickets/{ref}/log"),
    ("post", "/api/v1/ticket-views"),
    ("post", "/api/v1/tickets/bulk"),
    ("put", "/api/v1/offers/{code}/status"),
    ("post", "/api/v1/offers/{code}/maintenance"),
    ("patch", "/api/v1/maintenance-windows/{id}"),
    ("post", "/api/v1/offers/{code}/major-incidents"),
    ("post", "/api/v1/major-incidents/{id}/members"),
    ("put", "/api/v1/offers/{code}/mail-address"),
    ("post", "/api/v1/webhooks"),
    ("post", "/api/v1/identity-providers"),
    ("post", "/api/v1/mailboxes"),
    ("put", "/api/v1/mailboxes/{id}"),
    ("put", "/api/v1/me/digests/{code}"),
    ("patch", "/api/v1/identity-providers/{id}"),
    ("post", "/api/v1/faqs"),
    ("patch", "/api/v1/faqs/{id}"),
    ("post", "/api/v1/faqs/{id}/feedback"),
    ("post", "/api/v1/faqs/{id}/deflections"),
    ("post", "/api/v1/faq-categories"),
    ("post", "/api/v1/evolutions"),
    ("post", "/api/v1/evolutions/{ref}/actions/{action}"),
    ("put", "/api/v1/evolutions/{ref}/assessment"),
    ("put", "/api/v1/offers/{code}/criteria"),
    ("post", "/api/v1/committee-sessions"),
    ("post", "/api/v1/releases"),
    ("put", "/api/v1/releases/{id}/items"),
    ("post", "/api/v1/releases/{id}/ballots"),
    ("post", "/api/v1/releases/{id}/decision"),
    ("post", "/api/v1/releases/{id}/actions/{action}"),
    ("put", "/api/v1/settings/steering"),
];

/// Request bodies that are not JSON, so carry no JSON example: files go as multipart (their
/// own tests send them: `tickets`, `catalogue`).
pub const NOT_JSON: &[(&str, &str)] = &[
    ("post", "/api/v1/tickets/{ref}/attachments"),
    ("post", "/api/v1/conventions/{id}/documents"),
];

/// The example documented for an operation's JSON body: the operation's own, else its
/// schema's. `None` when the body is JSON without an example; not listed when not JSON.
pub fn documented(doc: &Value) -> HashMap<(String, String), Option<Value>> {
    let mut found = HashMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let content = &operation["requestBody"]["content"]["application/json"];
            if content.is_null() {
                continue;
            }
            let schema_name = content["schema"]["$ref"]
                .as_str()
                .map(|r| r.trim_start_matches("#/components/schemas/"));
            let schema = schema_name.map_or(&Value::Null, |n| &doc["components"]["schemas"][n]);
            let named = content["examples"]
                .as_object()
                .and_then(|e| e.values().next())
                .map_or(&Value::Null, |e| &e["value"]);
            let example = [
                &content["example"],
                named,
                &schema["examples"][0],
                &schema["example"],
            ]
            .into_iter()
            .find(|e| !e.is_null())
            .cloned();
            found.insert((method.clone(), path.clone()), example);
        }
    }
    found
}

/// Who sends an example, where, and what it answers.
pub struct Sending {
    /// The demo account (`None`: nobody is signed in).
    pub who: Option<&'static str>,
    /// The path, its parameters filled.
    pub target: String,
    /// The body: the example itself, unless the case says why not.
    pub body: Value,
    /// The answer's status.
    pub expected: StatusCode,
}

/// An API call; `token` absent for the operations before sign-in.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What earlier cases answered, by operation.
pub type Answers = HashMap<(&'static str, &'static str), Value>;

fn made(answers: &Answers, method: &'static str, path: &'static str, field: &str) -> String {
    let value = &answers[&(method, path)][field];
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// A new ticket filed by `email` on SMS-U (a service request: no extra field).
async fn ticket_of(app: &TestApp, email: &str) -> String {
    filed_on_smsu(app, email, "demande de service").await
}

/// A new ticket filed by `email` in an SMS-U subcategory named `kind`.
async fn filed_on_smsu(app: &TestApp, email: &str, kind: &str) -> String {
    let token = app.token(email).await;
    let sub = subcategory(app, &token, "SMS-U", kind).await;
    let mut body = json!({
        "subcategory": sub, "title": "Quota atteint", "description": "Les envois sont refusés.",
        "impact": "person", "urgency": "low"
    });
    if kind == "incident" {
        // What SMS-U's incidents require.
        body["affected_version"] = json!("5.1");
        body["module"] = json!("Envoi");
        body["page_url"] = json!("https://smsu.example/envoi");
    }
    let (status, ticket) = send(
        app,
        Method::POST,
        "/api/v1/tickets",
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    ticket["ref"].as_str().unwrap().to_owned()
}

/// A major incident on SMS-U: Toulon's incident, declared major by the provider's agent.
async fn major_incident(app: &TestApp) -> i64 {
    let master = filed_on_smsu(app, TOULON, "incident").await;
    let token = app.token(SMSU_AGENT).await;
    let path = format!("/api/v1/tickets/{master}/major");
    let (status, major) = send(app, Method::POST, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{major}");
    major["id"].as_i64().unwrap()
}

/// A demo organisation's id, by code.
async fn organisation_id(app: &TestApp, code: &str) -> i64 {
    let token = app.token(ADMIN).await;
    let path = "/api/v1/organisations?per_page=100";
    let (_, list) = send(app, Method::GET, path, Some(&token), None).await;
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("organisations: {list}"))
        .iter()
        .find(|o| o["code"] == code)
        .unwrap_or_else(|| panic!("no organisation {code}: {list}"))["id"]
        .as_i64()
        .unwrap()
}

/// A new request on SMS-U filed by Toulon.
async fn evolution(app: &TestApp, title: &str) -> String {
    let token = app.token(TOULON).await;
    let (status, filed) = send(
        app,
        Method::POST,
        "/api/v1/evolutions",
        Some(&token),
        Some(json!({
            "offer": "SMS-U", "title": title, "description": "Demandé par la scolarité."
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    filed["ref"].as_str().unwrap().to_owned()
}

/// A demo release, by offer and version.
async fn release(app: &TestApp, offer: &str, version: &str) -> Value {
    let token = app.token(COMMITTEE).await;
    let (_, list) = send(
        app,
        Method::GET,
        &format!("/api/v1/releases?offer={offer}"),
        Some(&token),
        None,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("releases: {list}"))
        .iter()
        .find(|r| r["version"] == version)
        .cloned()
        .unwrap_or_else(|| panic!("no release {offer} {version}: {list}"))
}

/// Who sends the example of `(method, path)`, where, and what it answers.
pub async fn sending(
    app: &TestApp,
    answers: &Answers,
    (method, path): (&'static str, &'static str),
    example: Value,
) -> Sending {
    let to = |who: &'static str, target: String, expected: StatusCode| Sending {
        who: Some(who),
        target,
        body: example.clone(),
        expected,
    };
    let here = || path.to_owned();
    match (method, path) {
        ("post", "/api/v1/auth/login") => Sending {
            who: None,
            target: here(),
            body: example.clone(),
            expected: StatusCode::OK,
        },
        ("post", "/api/v1/auth/password/forgot") => Sending {
            who: None,
            target: here(),
            body: example.clone(),
            expected: StatusCode::ACCEPTED,
        },
        // The token is the one-time secret a mail carries: the documented body is read, and
        // its made-up token refused on its field (checked by the caller).
        ("post", "/api/v1/auth/password/reset") => Sending {
            who: None,
            target: here(),
            body: example.clone(),
            expected: StatusCode::UNPROCESSABLE_ENTITY,
        },
        ("patch", "/api/v1/me") => to(RENNES, here(), StatusCode::OK),
        ("put", "/api/v1/me/notifications") => to(TOULON, here(), StatusCode::OK),
        ("post", "/api/v1/tokens") => to(SMSU_AGENT, here(), StatusCode::CREATED),
        ("post", "/api/v1/organisations" | "/api/v1/accounts" | "/api/v1/teams") => {
            to(ADMIN, here(), StatusCode::CREATED)
        }
        ("patch", "/api/v1/organisations/{id}") => {
            let id = made(answers, "post", "/api/v1/organisations", "id");
            to(ADMIN, format!("/api/v1/organisations/{id}"), StatusCode::OK)
        }
        ("patch", "/api/v1/accounts/{id}") => {
            let id = made(answers, "post", "/api/v1/accounts", "id");
            to(ADMIN, format!("/api/v1/accounts/{id}"), StatusCode::OK)
        }
        ("patch", "/api/v1/teams/{id}") => {
            let id = made(answers, "post", "/api/v1/teams", "id");
            to(ADMIN, format!("/api/v1/teams/{id}"), StatusCode::OK)
        }
        ("post", "/api/v1/offers") => to(ADMIN, here(), StatusCode::CREATED),
        ("patch", "/api/v1/offers/{code}") => {
            to(ADMIN, "/api/v1/offers/EVA".to_owned(), StatusCode::OK)
        }
        ("post", "/api/v1/offers/{code}/subcategories") => to(
            ADMIN,
            "/api/v1/offers/EVA/subcategories".to_owned(),
            StatusCode::CREATED,
        ),
        ("patch", "/api/v1/subcategories/{id}") => {
            let token = app.token(ADMIN).await;
            let id = subcategory(app, &token, "ESUP-HEB", "anomalie").await;
            to(ADMIN, format!("/api/v1/subcategories/{id}"), StatusCode::OK)
        }
        ("post", "/api/v1/slas" | "/api/v1/conventions") => to(ADMIN, here(), StatusCode::CREATED),
        ("put", "/api/v1/slas/{id}") => {
            let id = made(answers, "post", "/api/v1/slas", "id");
            to(ADMIN, format!("/api/v1/slas/{id}"), StatusCode::OK)
        }
        ("post", "/api/v1/slas/simulate") => to(ADMIN, here(), StatusCode::OK),
        ("post", "/api/v1/slas/{id}/simulate") => {
            let id = made(answers, "post", "/api/v1/slas", "id");
            to(ADMIN, format!("/api/v1/slas/{id}/simulate"), StatusCode::OK)
        }
        ("put", "/api/v1/conventions/{id}") => {
            let id = made(answers, "post", "/api/v1/conventions", "id");
            to(ADMIN, format!("/api/v1/conventions/{id}"), StatusCode::OK)
        }
        // The convention just replaced is at revision 2: the one terminated is a demo one
        // never changed, at revision 1 as documented.
        ("post", "/api/v1/conventions/{id}/actions/terminate") => {
            let token = app.token(ADMIN).await;
            let (_, list) = send(
                app,
                Method::GET,
                "/api/v1/conventions?per_page=100",
                Some(&token),
                None,
            )
            .await;
            let id = list["items"]
                .as_array()
                .unwrap_or_else(|| panic!("conventions: {list}"))
                .iter()
                .find(|c| c["revision"] == 1 && c["status"] == "production")
                .unwrap_or_else(|| panic!("a demo convention in production: {list}"))["id"]
                .clone();
            to(
                ADMIN,
                format!("/api/v1/conventions/{id}/actions/terminate"),
                StatusCode::OK,
            )
        }
        ("put", "/api/v1/settings/priority-matrix") => to(ADMIN, here(), StatusCode::OK),
        ("post", "/api/v1/tickets") => to(TOULON, here(), StatusCode::CREATED),
        ("patch", "/api/v1/tickets/{ref}") => {
            let ticket = ticket_of(app, ROCHELLE).await;
            to(
                ROCHELLE,
                format!("/api/v1/tickets/{ticket}"),
                StatusCode::OK,
            )
        }
        ("post", "/api/v1/tickets/{ref}/actions/{action}") => {
            let ticket = ticket_of(app, TOULON).await;
            let target = format!("/api/v1/tickets/{ticket}/actions/assign");
            to(SMSU_AGENT, target, StatusCode::OK)
        }
        ("post", "/api/v1/tickets/{ref}/log") => {
            let ticket = ticket_of(app, TOULON).await;
            let target = format!("/api/v1/tickets/{ticket}/log");
            to(TOULON, target, StatusCode::CREATED)
        }
        ("post", "/api/v1/ticket-views") => to(SMSU_AGENT, here(), StatusCode::CREATED),
        // References and ids are the database's: the documented shape, with real ones.
        ("post", "/api/v1/tickets/bulk") => {
            let ticket = ticket_of(app, TOULON).await;
            let mut sending = to(SMSU_AGENT, here(), StatusCode::OK);
            sending.body["tickets"] = json!([ticket]);
            sending
        }
        ("post", "/api/v1/major-incidents/{id}/members") => {
            let id = major_incident(app).await;
            let incident = filed_on_smsu(app, ROCHELLE, "incident").await;
            let target = format!("/api/v1/major-incidents/{id}/members");
            let mut sending = to(SMSU_AGENT, target, StatusCode::CREATED);
            sending.body["ref"] = json!(incident);
            sending
        }
        ("put", "/api/v1/offers/{code}/mail-address") => {
            let token = app.token(GEFORP_AGENT).await;
            let sub = subcategory(app, &token, "GEFORP", "demande de service").await;
            let target = "/api/v1/offers/GEFORP/mail-address".to_owned();
            let mut sending = to(GEFORP_AGENT, target, StatusCode::OK);
            sending.body["subcategory"] = json!(sub);
            sending
        }
        ("post", "/api/v1/webhooks") => to(COORDINATION, here(), StatusCode::CREATED),
        ("post", "/api/v1/mailboxes") => to(COORDINATION, here(), StatusCode::CREATED),
        ("put", "/api/v1/me/digests/{code}") => to(
            TOULON,
            "/api/v1/me/digests/GEFORP".to_owned(),
            StatusCode::OK,
        ),
        // A change carries the revision read (the example, shared with creation, has none).
        ("put", "/api/v1/mailboxes/{id}") => {
            let id = made(answers, "post", "/api/v1/mailboxes", "id");
            let mut sending = to(
                COORDINATION,
                format!("/api/v1/mailboxes/{id}"),
                StatusCode::OK,
            );
            sending.body["revision"] = json!(1);
            sending
        }
        ("post", "/api/v1/identity-providers") => {
            let toulon = organisation_id(app, "UTLN").await;
            let mut sending = to(ADMIN, here(), StatusCode::CREATED);
            sending.body["organisation_id"] = json!(toulon);
            sending
        }
        ("patch", "/api/v1/identity-providers/{id}") => {
            let id = made(answers, "post", "/api/v1/identity-providers", "id");
            to(
                ADMIN,
                format!("/api/v1/identity-providers/{id}"),
                StatusCode::OK,
            )
        }
        ("put", "/api/v1/offers/{code}/status") => to(
            SMSU_AGENT,
            "/api/v1/offers/SMS-U/status".to_owned(),
            StatusCode::OK,
        ),
        ("post", "/api/v1/offers/{code}/maintenance") => to(
            SMSU_AGENT,
            "/api/v1/offers/SMS-U/maintenance".to_owned(),
            StatusCode::CREATED,
        ),
        // The window the case before published, at the revision it answered.
        ("patch", "/api/v1/maintenance-windows/{id}") => {
            let id = made(answers, "post", "/api/v1/offers/{code}/maintenance", "id");
            let revision = &answers[&("post", "/api/v1/offers/{code}/maintenance")]["revision"];
            let target = format!("/api/v1/maintenance-windows/{id}");
            let mut sending = to(SMSU_AGENT, target, StatusCode::OK);
            sending.body["revision"] = revision.clone();
            sending
        }
        // The subcategory and the contact are the demo's SMS-U incident and Toulon's contact.
        ("post", "/api/v1/offers/{code}/major-incidents") => {
            let token = app.token(SMSU_AGENT).await;
            let sub = subcategory(app, &token, "SMS-U", "incident").await;
            let toulon = app.token(TOULON).await;
            let (_, me) = send(app, Method::GET, "/api/v1/me", Some(&toulon), None).await;
            let target = "/api/v1/offers/SMS-U/major-incidents".to_owned();
            let mut sending = to(SMSU_AGENT, target, StatusCode::CREATED);
            sending.body["subcategory"] = json!(sub);
            sending.body["requester"] = me["id"].clone();
            sending
        }
        ("post", "/api/v1/faqs") => to(SMSU_AGENT, here(), StatusCode::CREATED),
        ("patch", "/api/v1/faqs/{id}") => {
            let id = made(answers, "post", "/api/v1/faqs", "id");
            to(SMSU_AGENT, format!("/api/v1/faqs/{id}"), StatusCode::OK)
        }
        ("post", "/api/v1/faqs/{id}/feedback") => {
            let id = made(answers, "post", "/api/v1/faqs", "id");
            to(
                TOULON,
                format!("/api/v1/faqs/{id}/feedback"),
                StatusCode::NO_CONTENT,
            )
        }
        ("post", "/api/v1/faqs/{id}/deflections") => {
            let id = made(answers, "post", "/api/v1/faqs", "id");
            let target = format!("/api/v1/faqs/{id}/deflections");
            to(TOULON, target, StatusCode::NO_CONTENT)
        }
        ("post", "/api/v1/faq-categories") => to(ADMIN, here(), StatusCode::CREATED),
        ("post", "/api/v1/evolutions") => to(TOULON, here(), StatusCode::CREATED),
        ("post", "/api/v1/evolutions/{ref}/actions/{action}") => {
            let filed = evolution(app, "Accusés de lecture").await;
            let target = format!("/api/v1/evolutions/{filed}/actions/reject");
            to(COMMITTEE, target, StatusCode::OK)
        }
        ("put", "/api/v1/evolutions/{ref}/assessment") => {
            let filed = evolution(app, "Modèles de messages").await;
            let target = format!("/api/v1/evolutions/{filed}/assessment");
            to(COMMITTEE, target, StatusCode::OK)
        }
        ("put", "/api/v1/offers/{code}/criteria") => to(
            ADMIN,
            "/api/v1/offers/SMS-U/criteria".to_owned(),
            StatusCode::OK,
        ),
        ("post", "/api/v1/committee-sessions") => to(COMMITTEE, here(), StatusCode::CREATED),
        ("post", "/api/v1/releases") => to(COMMITTEE, here(), StatusCode::CREATED),
        // A new draft of GEFORP takes the request the demo left qualified (the example names
        // it; checked by the caller).
        ("put", "/api/v1/releases/{id}/items") => {
            let token = app.token(COMMITTEE).await;
            let (status, draft) = send(
                app,
                Method::POST,
                "/api/v1/releases",
                Some(&token),
                Some(json!({
                    "offer": "GEFORP", "version": "1.9.1", "kind": "minor", "capacity_days": 10
                })),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{draft}");
            let target = format!("/api/v1/releases/{}/items", draft["id"]);
            to(COMMITTEE, target, StatusCode::OK)
        }
        ("post", "/api/v1/releases/{id}/ballots") => {
            let proposed = release(app, "GEFORP", "1.8.0").await;
            let target = format!("/api/v1/releases/{}/ballots", proposed["id"]);
            to(STEERING_2, target, StatusCode::OK)
        }
        ("post", "/api/v1/releases/{id}/decision") => {
            let proposed = release(app, "GEFORP", "1.8.0").await;
            let target = format!("/api/v1/releases/{}/decision", proposed["id"]);
            to(CHAIR, target, StatusCode::OK)
        }
        // A release's revision moves with each ballot and decision: the approved GEFORP 1.8.0
        // starts with the revision read now, not the example's.
        ("post", "/api/v1/releases/{id}/actions/{action}") => {
            let approved = release(app, "GEFORP", "1.8.0").await;
            let token = app.token(COMMITTEE).await;
            let path = format!("/api/v1/releases/{}", approved["id"]);
            let (_, approved) = send(app, Method::GET, &path, Some(&token), None).await;
            Sending {
                who: Some(COMMITTEE),
                target: format!("/api/v1/releases/{}/actions/start", approved["id"]),
                body: json!({ "revision": approved["revision"] }),
                expected: StatusCode::OK,
            }
        }
        ("put", "/api/v1/settings/steering") => to(ADMIN, here(), StatusCode::OK),
        other => panic!("{other:?} has a JSON body: say here who sends its example, and where"),
    }
}
