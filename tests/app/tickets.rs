//! Tickets through the API: filing, the lifecycle walk, logs, history, visibility, the matrix.

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, call, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

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
    // Errors name the fields as documented (and as read back): `affected_version`, not `version`.
    assert_eq!(fields, ["affected_version", "module", "page_url"]);

    let (status, ticket) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Inscriptions impossibles", "description": "Erreur **500** à l'inscription",
        "impact": "establishment", "urgency": "high", "affected_version": "2.4", "module": "Inscriptions",
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
        // Searching for it by reference finds nothing, not even a count.
        let search = format!("/api/v1/tickets?q={}", ticket["ref"].as_str().unwrap());
        let (_, list) = call(&app, Method::GET, &search, &token, None).await;
        assert_eq!(list["total"], 0, "{outsider}");
        assert_eq!(list["items"], json!([]), "{outsider}");
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
        &app.state.platform(),
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
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?per_page=200",
        &colleague,
        None,
    )
    .await;
    let refs: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ref"].as_str().unwrap())
        .collect();
    assert!(
        refs.contains(&shared.as_str()) && !refs.contains(&private.as_str()),
        "{refs:?}"
    );
    assert_eq!(list["total"].as_u64().unwrap(), refs.len() as u64);

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

#[tokio::test]
async fn changes_parents_participants_caps_and_auto_close() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let incident = subcategory(&app, &contact, "GEFORP", "incident").await;
    let file = |title: &'static str| {
        let app = &app;
        let contact = contact.clone();
        async move {
            call(app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
                "subcategory": incident, "title": title, "description": "…", "impact": "person", "urgency": "low",
                "affected_version": "2.4", "module": "Catalogue", "page_url": "https://geforp.example/"
            }))).await.1
        }
    };
    let parent = file("Panne générale").await;
    let child = file("Page blanche").await;
    let parent_ref = parent["ref"].as_str().unwrap().to_owned();
    let child_ref = child["ref"].as_str().unwrap().to_owned();

    // The provider qualifies: impact and urgency change, the priority follows.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/tickets/{parent_ref}"),
        &contact,
        Some(json!({"revision": parent["revision"], "urgency": "critical"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, t) = call(&app, Method::PATCH, &format!("/api/v1/tickets/{parent_ref}"), &agent,
        Some(json!({"revision": parent["revision"], "impact": "several_establishments", "urgency": "critical"}))).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["priority"], "critical");
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/tickets/{parent_ref}"),
        &agent,
        Some(json!({"revision": parent["revision"], "urgency": "low"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Linked child: a public entry on the parent is copied to it, resolving the parent resolves it.
    let (status, linked) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/tickets/{child_ref}"),
        &agent,
        Some(json!({"revision": child["revision"], "parent": parent_ref})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked["parent"], parent_ref.as_str());
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{parent_ref}/log"),
        &agent,
        Some(json!({"body": "Nous investiguons"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, child_log) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{child_ref}/log"),
        &contact,
        None,
    )
    .await;
    assert!(
        child_log[0]["body"]
            .as_str()
            .unwrap()
            .starts_with("Nous investiguons")
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{parent_ref}/actions/resolve"),
        &agent,
        Some(json!({"solution": "Serveur redémarré"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, resolved_child) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{child_ref}"),
        &contact,
        None,
    )
    .await;
    assert_eq!(resolved_child["status"], "resolved");
    assert!(
        resolved_child["solution"]
            .as_str()
            .unwrap()
            .contains(&parent_ref)
    );

    // A participant follows a private ticket.
    let admin = app.token("admin@demo.guichet").await;
    let (_, accounts) = call(
        &app,
        Method::GET,
        "/api/v1/accounts?per_page=200",
        &admin,
        None,
    )
    .await;
    let comite_toulon = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "comite.toulon@demo.guichet")
        .unwrap()["id"]
        .clone();
    let (_, private) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Privé", "description": "…", "impact": "person", "urgency": "low",
        "affected_version": "2.4", "module": "Catalogue", "page_url": "https://geforp.example/", "visibility": "private"
    }))).await;
    let private_ref = private["ref"].as_str().unwrap().to_owned();
    let follower = app.token("comite.toulon@demo.guichet").await;
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{private_ref}"),
            &follower,
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/tickets/{private_ref}"),
        &contact,
        Some(json!({"revision": private["revision"], "add_participants": [comite_toulon]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{private_ref}"),
            &follower,
            None
        )
        .await
        .0,
        StatusCode::OK
    );

    // Auto-close: a ticket resolved long enough ago is closed by the platform, with history.
    guichet::db::Unscoped::update_many::<entity::ticket::Entity>()
        .col_expr(
            entity::ticket::Column::ResolvedAt,
            sea_orm::sea_query::Expr::value(
                chrono::Utc::now() - chrono::Duration::days(app.state.config.auto_close_days + 1),
            ),
        )
        .filter(entity::ticket::Column::Reference.eq(parent_ref.clone()))
        .exec(&app.conn)
        .await
        .unwrap();
    // As a server does it: the periodic slot is queued, then leased and run.
    let now = chrono::Utc::now();
    app.run_jobs_at(now).await;
    let auto_close_jobs = guichet::db::Unscoped::find::<entity::job::Entity>()
        .filter(entity::job::Column::Kind.eq(entity::job::Kind::AutoClose))
        .all(&app.conn)
        .await
        .unwrap();
    assert_eq!(auto_close_jobs.len(), 1);
    assert_eq!(auto_close_jobs[0].state, entity::job::State::Done);
    let told = guichet::db::Unscoped::find::<entity::notification::Entity>()
        .filter(entity::notification::Column::Kind.eq("closed"))
        .all(&app.conn)
        .await
        .unwrap();
    assert!(
        told.iter()
            .any(|n| n.subject.contains(&parent_ref) && n.email == TOULON),
        "the requester is told of the close"
    );
    let (_, parent_now) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{parent_ref}"),
        &contact,
        None,
    )
    .await;
    assert_eq!(parent_now["status"], "closed");
    assert!(parent_now["satisfaction"].is_null());
    let (_, history) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{parent_ref}/history"),
        &contact,
        None,
    )
    .await;
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["new_value"].as_str(), last["actor"].is_null()),
        (Some("closed"), true)
    );
}

#[tokio::test]
async fn a_convention_cap_of_open_tickets_is_enforced_with_a_clear_error() {
    let app = TestApp::with_demo().await;
    let coordinator = app.token("coordination@demo.guichet").await;
    let rochelle = app.token("contact@univ-larochelle.demo.guichet").await;
    let (_, open) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?status=open",
        &rochelle,
        None,
    )
    .await;
    let already = open["total"].as_i64().unwrap();
    let (_, conventions) = call(&app, Method::GET, "/api/v1/conventions", &rochelle, None).await;
    let convention = conventions["items"][0].clone();
    let body = json!({
        "revision": convention["revision"], "kind": "usage", "title": convention["title"],
        "client_id": convention["client"]["id"], "provider_id": convention["provider"]["id"],
        "offers": convention["offers"], "status": "production", "start_date": convention["start_date"],
        "end_date": convention["end_date"], "sla_id": convention["sla_id"], "open_ticket_cap": already + 1
    });
    let (status, updated) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/conventions/{}", convention["id"]),
        &coordinator,
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let request = subcategory(&app, &rochelle, "SMS-U", "demande de service").await;
    let new = json!({"subcategory": request, "title": "Quota", "description": "…", "impact": "person", "urgency": "low"});
    let (status, first) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &rochelle,
        Some(new.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &rochelle,
        Some(new.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["details"]["fields"][0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("autorise {} tickets ouverts", already + 1)),
        "{refused}"
    );
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?status=open",
        &rochelle,
        None,
    )
    .await;
    assert_eq!(list["total"].as_i64().unwrap(), already + 1);

    // Once the first is resolved, there is room again.
    let agent = app.token("agent.smsu@demo.guichet").await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!(
            "/api/v1/tickets/{}/actions/resolve",
            first["ref"].as_str().unwrap()
        ),
        &agent,
        Some(json!({"solution": "Quota relevé"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&app, Method::POST, "/api/v1/tickets", &rochelle, Some(new)).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn files_attach_to_tickets_and_download_only_for_who_reads_the_ticket() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?status=open",
        &contact,
        None,
    )
    .await;
    let reference = list["items"][0]["ref"].as_str().unwrap().to_owned();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"journal d'erreurs".to_vec()).file_name("erreurs.log"),
    );
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tickets/{reference}/attachments"),
            &contact,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    let (_, ticket) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{reference}"),
        &contact,
        None,
    )
    .await;
    assert_eq!(ticket["attachments"][0]["file_name"], "erreurs.log");
    let (_, log) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{reference}/log"),
        &contact,
        None,
    )
    .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["body"].as_str().unwrap().contains("erreurs.log"))
    );

    let download = format!("/api/v1/attachments/{}", stored["id"]);
    let response = app
        .api(Method::GET, &download, &contact)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"journal d'erreurs"
    );
    let outsider = app.token("contact@univ-larochelle.demo.guichet").await;
    assert_eq!(
        app.api(Method::GET, &download, &outsider)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x"),
    );
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/tickets/{reference}/attachments"),
            &outsider,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_retried_creation_with_the_same_idempotency_key_creates_once() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let body = json!({"subcategory": request, "title": "Réessai réseau", "description": "…", "impact": "person", "urgency": "low"});
    let post = |key: &'static str| {
        let app = &app;
        let contact = contact.clone();
        let body = body.clone();
        async move {
            let response = app
                .api(Method::POST, "/api/v1/tickets", &contact)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (first_status, first) = post("abc-123").await;
    let (second_status, second) = post("abc-123").await;
    assert_eq!(
        (first_status, second_status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first["ref"], second["ref"]);
    let (_, other) = post("abc-456").await;
    assert_ne!(first["ref"], other["ref"]);
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?q=r%C3%A9essai",
        &contact,
        None,
    )
    .await;
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn the_provider_files_for_a_contact_under_the_contacts_conventions() {
    let app = TestApp::with_demo().await;
    let agent = app.token(GEFORP_AGENT).await;
    let contact = app.token(TOULON).await;
    let toulon_id = me(&app, &contact).await["id"].clone();
    let incident = subcategory(&app, &agent, "GEFORP", "incident").await;
    let body = |requester: &Value| {
        json!({ "subcategory": incident, "title": "Appel téléphonique", "description": "Signalé par téléphone",
                "impact": "person", "urgency": "high", "affected_version": "2.4", "module": "Catalogue",
                "page_url": "https://geforp.example/", "requester": requester })
    };
    let (status, ticket) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &agent,
        Some(body(&toulon_id)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["requester"]["id"], toulon_id);
    assert_eq!(ticket["organisation"]["name"], "Université de Toulon");
    let (status, seen) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{}", ticket["ref"].as_str().unwrap()),
        &contact,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["title"], "Appel téléphonique");

    // The rule is the contact's organisation's: Rennes 2's GEFORP convention has expired.
    let rennes = app.token("contact@univ-rennes2.demo.guichet").await;
    let rennes_id = me(&app, &rennes).await["id"].clone();
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &agent,
        Some(body(&rennes_id)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // Only contacts are filed for.
    let smsu_agent = app.token("agent.smsu@demo.guichet").await;
    let smsu_id = me(&app, &smsu_agent).await["id"].clone();
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &agent,
        Some(body(&smsu_id)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["error"]["details"]["fields"][0]["field"],
        "requester"
    );
    // Neither another provider's agent nor another establishment's contact files for Toulon:
    // 404 where the offer is out of their reach, 403 where they read it but do not provide it.
    let la_rochelle = app.token("contact@univ-larochelle.demo.guichet").await;
    for (who, token) in [("smsu agent", &smsu_agent), ("La Rochelle", &la_rochelle)] {
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/tickets",
            token,
            Some(body(&toulon_id)),
        )
        .await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
            "{who}: {status}"
        );
    }
    let (_, mine) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?per_page=100",
        &contact,
        None,
    )
    .await;
    let filed_for_me = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["title"] == "Appel téléphonique")
        .count();
    assert_eq!(filed_for_me, 1, "refused filings changed nothing");
}

#[tokio::test]
async fn saved_views_are_personal_filters_of_the_lists() {
    let app = TestApp::with_demo().await;
    let agent = app.token(GEFORP_AGENT).await;
    let (status, view) = call(
        &app,
        Method::POST,
        "/api/v1/ticket-views",
        &agent,
        Some(json!({"name": "En attente GEFORP", "query": "?status=pending&offer=GEFORP&page=4"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["query"], "status=pending&offer=GEFORP");
    // The view's query is a list's query: it filters as it says.
    let (_, listed) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets?{}", view["query"].as_str().unwrap()),
        &agent,
        None,
    )
    .await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "pending")
    );
    // Bad input: an unknown filter, an empty name, a name used twice; nothing is saved.
    for (body, field) in [
        (json!({"name": "x", "query": "colour=blue"}), "query"),
        (json!({"name": " ", "query": "status=open"}), "name"),
        (
            json!({"name": "En attente GEFORP", "query": "status=open"}),
            "name",
        ),
    ] {
        let (status, refused) = call(
            &app,
            Method::POST,
            "/api/v1/ticket-views",
            &agent,
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["error"]["details"]["fields"][0]["field"], field);
    }
    let (_, mine) = call(&app, Method::GET, "/api/v1/ticket-views", &agent, None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    // Another person neither sees nor deletes it (an administrator neither: it is personal).
    let path = format!("/api/v1/ticket-views/{}", view["id"]);
    for email in [
        "agent.smsu@demo.guichet",
        "contact@univ-larochelle.demo.guichet",
        "admin@demo.guichet",
    ] {
        let other = app.token(email).await;
        let (_, theirs) = call(&app, Method::GET, "/api/v1/ticket-views", &other, None).await;
        assert_eq!(theirs, json!([]), "{email}");
        let (status, _) = call(&app, Method::DELETE, &path, &other, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email}");
    }
    let (status, _) = call(&app, Method::DELETE, &path, &agent, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, mine) = call(&app, Method::GET, "/api/v1/ticket-views", &agent, None).await;
    assert_eq!(mine, json!([]));
}

/// The number of a reference (`R-000042` → 42).
fn number_of(ticket: &Value) -> i64 {
    ticket["ref"].as_str().unwrap()[2..].parse().unwrap()
}

#[tokio::test]
async fn parallel_creations_take_unique_numbers_that_follow_each_other() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let request = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let body = |n: usize| {
        Some(
            json!({"subcategory": request, "title": format!("En même temps {n}"),
            "description": "Douze à la fois", "impact": "person", "urgency": "low"}),
        )
    };
    let (status, first) = call(&app, Method::POST, "/api/v1/tickets", &contact, body(0)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let answers = futures::future::join_all(
        (1..=12).map(|n| call(&app, Method::POST, "/api/v1/tickets", &contact, body(n))),
    )
    .await;
    let mut numbers = Vec::new();
    for (status, ticket) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{ticket}");
        assert!(
            ticket["ref"].as_str().unwrap().starts_with("R-"),
            "{ticket}"
        );
        numbers.push(number_of(ticket));
    }
    numbers.sort_unstable();
    // None lost, none given twice: the twelve numbers after the first, whatever the order.
    let expected: Vec<i64> = (1..=12).map(|n| number_of(&first) + n).collect();
    assert_eq!(numbers, expected);
    let (_, next) = call(&app, Method::POST, "/api/v1/tickets", &contact, body(13)).await;
    assert_eq!(number_of(&next), number_of(&first) + 13);
}
