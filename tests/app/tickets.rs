//! Tickets through the API: filing, the lifecycle walk, logs, history, visibility, the matrix.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.api(method, path, token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The id of the subcategory of `offer` whose name contains `words`.
async fn subcategory(app: &TestApp, token: &str, offer: &str, words: &str) -> i64 {
    let (_, offer) = call(
        app,
        Method::GET,
        &format!("/api/v1/offers/{offer}"),
        token,
        None,
    )
    .await;
    offer["subcategories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().contains(words))
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn me(app: &TestApp, token: &str) -> Value {
    call(app, Method::GET, "/api/v1/me", token, None).await.1
}

#[tokio::test]
async fn an_incident_walks_its_whole_lifecycle_and_the_history_tells_it() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let incident = subcategory(&app, &contact, "GEFORP", "incident").await;

    // The subcategory's extra fields are required.
    let (status, refused) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Inscriptions impossibles", "description": "Erreur 500",
        "impact": "establishment", "urgency": "high"
    }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = refused["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["version", "module", "page_url"]);

    let (status, ticket) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Inscriptions impossibles", "description": "Erreur **500** à l'inscription",
        "impact": "establishment", "urgency": "high", "version": "2.4", "module": "Inscriptions",
        "page_url": "https://geforp.example/inscription"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    assert!(
        reference.starts_with("I-") && reference.len() == 8,
        "{reference}"
    );
    assert_eq!(ticket["priority"], "high");
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["origin"], "api");
    assert_eq!(
        ticket["description_html"],
        "<p>Erreur <strong>500</strong> à l'inscription</p>\n"
    );
    for field in [
        "kind",
        "title",
        "description",
        "impact",
        "urgency",
        "organisation",
        "offer",
        "subcategory",
        "requester",
        "team",
        "agent",
        "revision",
        "created_at",
        "updated_at",
    ] {
        assert!(ticket.get(field).is_some(), "{field}");
    }

    let path = format!("/api/v1/tickets/{reference}");
    let act = |action: &'static str, token: String, body: Value| {
        let app = &app;
        let path = path.clone();
        async move {
            call(
                app,
                Method::POST,
                &format!("{path}/actions/{action}"),
                &token,
                Some(body),
            )
            .await
        }
    };
    let agent_me = me(&app, &agent).await;
    let team = agent_me["teams"][0]["id"].clone();
    let (status, t) = act(
        "assign",
        agent.clone(),
        json!({"team": team, "agent": agent_me["id"], "revision": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["status"], "assigned");
    assert_eq!(t["agent"]["name"], "Gaston Geforp");

    // Stale revision and illegal actions change nothing.
    let (status, _) = act("pend", agent.clone(), json!({"reason": "x", "revision": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, illegal) = act("close", contact.clone(), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(illegal["error"]["details"]["status"], "assigned");
    let (status, _) = act("pend", agent.clone(), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let steps: [(&str, &String, Value, &str); 7] = [
        (
            "pend",
            &agent,
            json!({"reason": "En attente des journaux"}),
            "pending",
        ),
        ("resume", &agent, json!({}), "assigned"),
        (
            "resolve",
            &agent,
            json!({"solution": "Cache vidé"}),
            "resolved",
        ),
        (
            "reopen",
            &contact,
            json!({"comment": "Toujours en erreur"}),
            "assigned",
        ),
        (
            "resolve",
            &agent,
            json!({"solution": "Index reconstruit"}),
            "resolved",
        ),
        (
            "close",
            &contact,
            json!({"satisfaction": 1, "comment": "Merci"}),
            "closed",
        ),
        (
            "reopen",
            &contact,
            json!({"comment": "trop tard"}),
            "closed",
        ),
    ];
    for (action, token, body, expected) in steps {
        let (status, t) = act(action, token.clone(), body).await;
        if action == "reopen" && expected == "closed" {
            assert_eq!(status, StatusCode::CONFLICT, "{t}");
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{action}: {t}");
        assert_eq!(t["status"], expected, "{action}");
    }
    let (_, closed) = call(&app, Method::GET, &path, &contact, None).await;
    assert_eq!(closed["satisfaction"], 1);
    assert_eq!(closed["solution"], "Index reconstruit");

    let (_, history) = call(&app, Method::GET, &format!("{path}/history"), &agent, None).await;
    let statuses: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "status")
        .map(|h| {
            (
                h["new_value"].as_str().unwrap().to_owned(),
                h["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("new", "Thomas Toulon"),
        ("assigned", "Gaston Geforp"),
        ("pending", "Gaston Geforp"),
        ("assigned", "Gaston Geforp"),
        ("resolved", "Gaston Geforp"),
        ("assigned", "Thomas Toulon"),
        ("resolved", "Gaston Geforp"),
        ("closed", "Thomas Toulon"),
    ];
    assert_eq!(
        statuses,
        expected.map(|(s, a)| (s.to_owned(), a.to_owned()))
    );
    let (_, log) = call(&app, Method::GET, &format!("{path}/log"), &contact, None).await;
    assert_eq!(log[0]["body"], "Toujours en erreur");
}

#[tokio::test]
async fn other_organisations_and_other_providers_get_404_and_change_nothing() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "GEFORP", "demande de service").await;
    let (_, ticket) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &contact,
        Some(json!({
            "subcategory": request, "title": "Nouvelle session", "description": "Créer une session",
            "impact": "person", "urgency": "low"
        })),
    )
    .await;
    let path = format!("/api/v1/tickets/{}", ticket["ref"].as_str().unwrap());
    for outsider in [
        "contact@univ-larochelle.demo.guichet",
        "agent.smsu@demo.guichet",
    ] {
        let token = app.token(outsider).await;
        let (status, _) = call(&app, Method::GET, &path, &token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{outsider}");
        for (suffix, body) in [
            ("/actions/assign", json!({"team": 1, "agent": 1})),
            ("/actions/resolve", json!({"solution": "x"})),
            ("/actions/close", json!({})),
            ("/log", json!({"body": "x"})),
        ] {
            let (status, _) = call(
                &app,
                Method::POST,
                &format!("{path}{suffix}"),
                &token,
                Some(body),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{outsider} {suffix}");
        }
        for suffix in ["/log", "/history"] {
            let (status, _) =
                call(&app, Method::GET, &format!("{path}{suffix}"), &token, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{outsider} {suffix}");
        }
        let (_, list) = call(&app, Method::GET, "/api/v1/tickets", &token, None).await;
        assert_eq!(list["total"], 0, "{outsider}");
    }
    let (_, after) = call(&app, Method::GET, &path, &contact, None).await;
    assert_eq!(after["revision"], ticket["revision"]);
    let (_, log) = call(&app, Method::GET, &format!("{path}/log"), &contact, None).await;
    assert_eq!(log, json!([]));
}

#[tokio::test]
async fn a_private_ticket_is_hidden_from_colleagues_and_private_notes_from_requesters() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    let contact = app.token(TOULON).await;
    let toulon = me(&app, &contact).await["organisation"]["id"].clone();
    let (status, _) = call(&app, Method::POST, "/api/v1/accounts", &admin, Some(json!({
        "email": "collegue@univ-toulon.demo.guichet", "display_name": "Colette Collègue", "organisation_id": toulon, "roles": ["contact"]
    }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, accounts) = call(
        &app,
        Method::GET,
        "/api/v1/accounts?per_page=200",
        &admin,
        None,
    )
    .await;
    let colleague_id = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "collegue@univ-toulon.demo.guichet")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let colleague = guichet::services::tokens::create(
        &app.state.db,
        colleague_id,
        "t",
        chrono::Duration::days(1),
    )
    .await
    .unwrap()
    .token;

    let request = subcategory(&app, &contact, "SMS-U", "demande de service").await;
    let file = |visibility: &'static str| {
        let app = &app;
        let contact = contact.clone();
        async move {
            call(app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
                "subcategory": request, "title": format!("Ticket {visibility}"), "description": "…",
                "impact": "person", "urgency": "low", "visibility": visibility
            }))).await.1["ref"].as_str().unwrap().to_owned()
        }
    };
    let shared = file("organisation").await;
    let private = file("private").await;
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{shared}"),
            &colleague,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{private}"),
            &colleague,
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = call(&app, Method::GET, "/api/v1/tickets", &colleague, None).await;
    assert_eq!(list["total"], 1);

    // The provider's private note stays on the provider side.
    let agent = app.token("agent.smsu@demo.guichet").await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{shared}/log"),
        &agent,
        Some(json!({"body": "Note interne", "private": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{shared}/log"),
        &contact,
        Some(json!({"body": "x", "private": true})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, seen_by_agent) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{shared}/log"),
        &agent,
        None,
    )
    .await;
    let (_, seen_by_contact) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{shared}/log"),
        &contact,
        None,
    )
    .await;
    assert_eq!(seen_by_agent.as_array().unwrap().len(), 1);
    assert_eq!(seen_by_contact, json!([]));
}

#[tokio::test]
async fn all_sixteen_impact_and_urgency_pairs_give_the_matrix_priority_and_the_matrix_can_change() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let expected = [
        (
            "several_establishments",
            ["critical", "critical", "high", "medium"],
        ),
        ("establishment", ["critical", "high", "medium", "low"]),
        ("service", ["high", "medium", "medium", "low"]),
        ("person", ["high", "medium", "low", "low"]),
    ];
    for (impact, row) in expected {
        for (urgency, priority) in ["critical", "high", "medium", "low"].iter().zip(row) {
            let (status, t) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
                "subcategory": request, "title": format!("{impact} {urgency}"), "description": "…",
                "impact": impact, "urgency": urgency
            }))).await;
            assert_eq!(status, StatusCode::CREATED);
            assert_eq!(t["priority"], priority, "{impact} × {urgency}");
        }
    }

    // Only an administrator changes the matrix; it applies to tickets filed afterwards.
    let admin = app.token("admin@demo.guichet").await;
    let (_, mut matrix) = call(
        &app,
        Method::GET,
        "/api/v1/settings/priority-matrix",
        &admin,
        None,
    )
    .await;
    matrix["cells"][0][0] = json!("critical");
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/settings/priority-matrix",
        &contact,
        Some(matrix.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/settings/priority-matrix",
        &admin,
        Some(matrix),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, t) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": request, "title": "after", "description": "…", "impact": "person", "urgency": "low"
    }))).await;
    assert_eq!(t["priority"], "critical");
    let (_, earlier) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?q=person%20low",
        &contact,
        None,
    )
    .await;
    assert_eq!(earlier["items"][0]["priority"], "low");
}
