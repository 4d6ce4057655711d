//! Webhooks against a local receiver (an axum server in the test): the Standard Webhooks
//! signature, a 500 retried after the back-off, the delivery log, "send again", one
//! organisation's endpoint never hearing of another's tickets, and the other events people are
//! notified of (evolution requests, service status, conventions ending) reaching the endpoints
//! that asked for them.

use std::sync::{Arc, Mutex};

use axum::{Router, http::HeaderMap, http::StatusCode as Answer, routing::post};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::Duration;
use guichet::db::Unscoped;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{TestApp, builders::Person, call};

/// What a receiver got: each request's headers and body.
type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on a free loopback port that answers 500 to its first `failures` requests, then
/// 200; answers its URL and what it got.
async fn receiver(failures: usize) -> (String, Received) {
    let got: Received = Arc::default();
    let kept = got.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                let mut all = kept.lock().unwrap();
                all.push((headers, body));
                if all.len() <= failures {
                    (Answer::INTERNAL_SERVER_ERROR, "en panne")
                } else {
                    (Answer::OK, "reçu")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// The Standard Webhooks check, written from the specification rather than with the code
/// under test.
fn verify(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(
        format!(
            "{}.{}.{body}",
            header("webhook-id"),
            header("webhook-timestamp")
        )
        .as_bytes(),
    );
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header("webhook-signature")
        .split(' ')
        .any(|signature| signature == expected)
}

#[tokio::test]
async fn a_signed_event_is_retried_logged_sent_again_and_kept_to_its_organisation() {
    let app = TestApp::with_settings(false, &[("webhook_allow_loopback_http", "true")]).await;
    let build = app.builder().await;
    let provider = build.provider("FOURNISSEUR").await;
    let agent = build.account(provider, &["agent"]).await;
    let team = build.team(provider, &[&agent]).await;
    let offer = build.offer("OFFRE", provider, team).await;
    let sla = build.sla(provider).await;
    let mut sides = Vec::new();
    for code in ["ETAB-A", "ETAB-B"] {
        let establishment = build.establishment(code, None).await;
        build
            .convention(establishment, provider, &[&offer], Some(sla))
            .await;
        let contact = build.account(establishment, &["contact"]).await;
        // An establishment's coordinator who reads its shared tickets (a contact too): the
        // payload never tells an endpoint's owner more than that.
        let coordinator = build
            .account(establishment, &["contact", "coordinator"])
            .await;
        sides.push((establishment, contact, coordinator));
    }
    let (a, a_contact, a_coordinator) = &sides[0];
    let (_, _, b_coordinator) = &sides[1];
    let (a_url, a_got) = receiver(1).await;
    let (b_url, b_got) = receiver(0).await;

    // Who may register what.
    let kinds = json!(["received", "commented"]);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &a_contact.token,
        Some(json!({"url": a_url, "kinds": kinds})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "contacts register none");
    let (status, refused) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &a_coordinator.token,
        Some(json!({"url": "http://hooks.example.org/x", "kinds": kinds})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &b_coordinator.token,
        Some(json!({"url": b_url, "kinds": kinds, "organisation": a})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another organisation's scope"
    );
    let (status, endpoint) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &a_coordinator.token,
        Some(json!({"url": a_url, "kinds": kinds})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    let endpoint_id = endpoint["id"].as_i64().unwrap();
    let (status, b_endpoint) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &b_coordinator.token,
        Some(json!({"url": b_url, "kinds": kinds})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b_endpoint}");
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v1/webhooks",
        &a_coordinator.token,
        None,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    // A's contact files a ticket: A's endpoint hears of it, B's never.
    let ticket = build
        .ticket(a_contact, offer.incident, "Panne d'export")
        .await;
    let now = chrono::Utc::now();
    app.run_due_jobs(now).await;
    assert_eq!(a_got.lock().unwrap().len(), 1, "the first attempt");
    app.run_due_jobs(now + Duration::seconds(31)).await;
    {
        let got = a_got.lock().unwrap();
        assert_eq!(got.len(), 2, "the 500 was tried again after its back-off");
        for (headers, body) in got.iter() {
            assert!(verify(&secret, headers, body), "signature of {body}");
        }
        assert_eq!(got[0].0["webhook-id"], got[1].0["webhook-id"]);
        let payload: Value = serde_json::from_str(&got[1].1).unwrap();
        assert_eq!(payload["type"], "ticket.received");
        assert_eq!(payload["data"]["reference"], ticket["ref"]);
    }
    assert!(
        b_got.lock().unwrap().is_empty(),
        "B never hears of A's ticket"
    );

    // The log: one delivery, both attempts.
    let log_path = format!("/api/v1/webhooks/{endpoint_id}/deliveries");
    let (status, log) = call(&app, Method::GET, &log_path, &a_coordinator.token, None).await;
    assert_eq!(status, StatusCode::OK);
    let delivery = &log[0];
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert_eq!(delivery["state"], "delivered");
    let statuses: Vec<i64> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, vec![500, 200]);
    assert_eq!(delivery["attempts"][0]["excerpt"], "en panne");
    let (status, _) = call(&app, Method::GET, &log_path, &b_coordinator.token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Send again: the same event once more; B may not.
    let resend = format!("/api/v1/webhook-deliveries/{}/resend", delivery["id"]);
    let (status, _) = call(&app, Method::POST, &resend, &b_coordinator.token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, again) = call(&app, Method::POST, &resend, &a_coordinator.token, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    app.run_due_jobs(now + Duration::seconds(62)).await;
    assert_eq!(a_got.lock().unwrap().len(), 3);
    assert!(b_got.lock().unwrap().is_empty());
}

/// Registers an endpoint for `kinds` as `owner` (its organisation's); answers its secret.
async fn register(app: &TestApp, owner: &Person, url: &str, kinds: Value) -> String {
    let (status, endpoint) = call(
        app,
        Method::POST,
        "/api/v1/webhooks",
        &owner.token,
        Some(json!({"url": url, "kinds": kinds})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{endpoint}");
    endpoint["secret"].as_str().unwrap().to_owned()
}

/// The payloads a receiver got, each checked against the endpoint's secret.
fn payloads(got: &Received, secret: &str) -> Vec<Value> {
    got.lock()
        .unwrap()
        .iter()
        .map(|(headers, body)| {
            assert!(verify(secret, headers, body), "signature of {body}");
            serde_json::from_str(body).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn evolution_and_status_events_reach_the_endpoints_concerned_that_asked_for_them() {
    let app = TestApp::with_settings(false, &[("webhook_allow_loopback_http", "true")]).await;
    let build = app.builder().await;
    let provider = build.provider("FOURNISSEUR").await;
    let agent = build.account(provider, &["agent"]).await;
    let team = build.team(provider, &[&agent]).await;
    let offer = build.offer("OFFRE", provider, team).await;
    let provider_coordinator = build.account(provider, &["coordinator"]).await;
    let (status, evolutions) = call(
        &app,
        Method::POST,
        &format!("/api/v1/offers/{}/subcategories", offer.code),
        &build.admin,
        Some(json!({ "name": "Évolution", "kind": "evolution", "default_team_id": team })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{evolutions}");
    let sla = build.sla(provider).await;
    let mut subscribers = Vec::new();
    for code in ["ETAB-A", "ETAB-B"] {
        let establishment = build.establishment(code, None).await;
        let convention = build
            .convention(establishment, provider, &[&offer], Some(sla))
            .await;
        let contact = build.account(establishment, &["contact"]).await;
        let coordinator = build
            .account(establishment, &["contact", "coordinator"])
            .await;
        subscribers.push((contact, coordinator, convention));
    }
    let (a_contact, a_coordinator, a_convention) = &subscribers[0];
    // B subscribes to the offer too, and so reads A's requests: only its organisation keeps
    // A's events from its endpoint.
    let (_, b_coordinator, _) = &subscribers[1];
    let elsewhere = build.establishment("ETAB-C", None).await;
    let c_coordinator = build.account(elsewhere, &["contact", "coordinator"]).await;
    let both = json!(["evolution", "service_status"]);
    let (a_url, a_got) = receiver(0).await;
    let a_secret = register(&app, a_coordinator, &a_url, both.clone()).await;
    let (tickets_url, tickets_got) = receiver(0).await;
    register(&app, a_coordinator, &tickets_url, json!(["received"])).await;
    let (b_url, b_got) = receiver(0).await;
    let b_secret = register(&app, b_coordinator, &b_url, both.clone()).await;
    let (c_url, c_got) = receiver(0).await;
    register(&app, &c_coordinator, &c_url, both).await;
    let (provider_url, provider_got) = receiver(0).await;
    let provider_secret = register(
        &app,
        &provider_coordinator,
        &provider_url,
        json!(["evolution"]),
    )
    .await;

    // A's contact files a request: A's endpoint and the provider's hear of it.
    let request = build.evolution(a_contact, &offer, "Export CSV").await;
    app.run_due_jobs(chrono::Utc::now()).await;
    for (got, secret) in [(&a_got, &a_secret), (&provider_got, &provider_secret)] {
        let heard = payloads(got, secret);
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert_eq!(heard[0]["type"], "evolution.submitted");
        assert_eq!(heard[0]["data"]["reference"], request["ref"]);
        assert_eq!(heard[0]["data"]["title"], "Export CSV");
        assert_eq!(heard[0]["data"]["state"], "submitted");
    }
    assert!(
        tickets_got.lock().unwrap().is_empty(),
        "an endpoint that asked for ticket events only"
    );
    assert!(
        b_got.lock().unwrap().is_empty(),
        "B's endpoint, though B reads it"
    );
    assert!(c_got.lock().unwrap().is_empty(), "C's endpoint");

    // The provider's agent announces an outage: the subscribers' endpoints hear of it, the
    // endpoint of an organisation that does not subscribe never.
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/offers/{}/status", offer.code),
        &agent.token,
        Some(json!({"status": "major_outage", "message": "Plus rien ne part."})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.run_due_jobs(chrono::Utc::now()).await;
    let heard = payloads(&a_got, &a_secret);
    assert_eq!(heard.len(), 2, "{heard:?}");
    for payload in [&heard[1], &payloads(&b_got, &b_secret)[0]] {
        assert_eq!(payload["type"], "service_status.major_outage");
        assert_eq!(payload["data"]["reference"], offer.code);
        assert_eq!(payload["data"]["detail"], "Plus rien ne part.");
    }
    assert_eq!(b_got.lock().unwrap().len(), 1);
    assert!(c_got.lock().unwrap().is_empty(), "C does not subscribe");
    assert_eq!(
        provider_got.lock().unwrap().len(),
        1,
        "the provider's endpoint asked for requests only"
    );
    assert!(tickets_got.lock().unwrap().is_empty());

    // A's convention ends within a month: the platform's watch tells A's endpoint that asked
    // for it, never B's.
    let (ending_url, ending_got) = receiver(0).await;
    let ending_secret = register(
        &app,
        a_coordinator,
        &ending_url,
        json!(["convention_expiring"]),
    )
    .await;
    let (b_ending_url, b_ending_got) = receiver(0).await;
    register(
        &app,
        b_coordinator,
        &b_ending_url,
        json!(["convention_expiring"]),
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    Unscoped::update_many::<entity::convention::Entity>()
        .col_expr(
            entity::convention::Column::EndDate,
            Expr::value(today + Duration::days(10)),
        )
        .filter(entity::convention::Column::Id.eq(*a_convention))
        .exec(&app.conn)
        .await
        .unwrap();
    app.run_jobs_at(chrono::Utc::now()).await;
    let heard = payloads(&ending_got, &ending_secret);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0]["type"], "convention.expiring");
    assert_eq!(heard[0]["data"]["id"], *a_convention);
    assert!(b_ending_got.lock().unwrap().is_empty(), "B's endpoint");
    assert_eq!(a_got.lock().unwrap().len(), 2, "not asked for");
}

#[tokio::test]
async fn webhooks_through_the_desk() {
    use crate::support::{browser_signed_in, csrf_of};
    let app = TestApp::with_settings(true, &[("webhook_allow_loopback_http", "true")]).await;
    let coordination = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let page = coordination
        .get(app.url("/desk/webhooks"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());
    // No kind ticked: refused, the address kept.
    let refused = coordination
        .post(app.url("/desk/webhooks"))
        .form(&[("_csrf", csrf.as_str()), ("url", "http://127.0.0.1:9/hook")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // What was typed comes back (minijinja escapes its slashes).
    assert!(refused.text().await.unwrap().contains("127.0.0.1:9"));
    let made = coordination
        .post(app.url("/desk/webhooks"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("url", "http://127.0.0.1:9/hook"),
            ("kinds", "received"),
            ("kinds", "commented"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    let html = made.text().await.unwrap();
    assert!(html.contains("whsec_"), "the secret, shown once");
    let token = app.token("coordination@demo.guichet").await;
    let (_, list) = call(&app, Method::GET, "/api/v1/webhooks", &token, None).await;
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["kinds"], json!(["commented", "received"]));
    let log = coordination
        .get(app.url(&format!("/desk/webhooks/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(log.status(), StatusCode::OK);
    let again = coordination
        .get(app.url("/desk/webhooks"))
        .send()
        .await
        .unwrap();
    assert!(
        !again.text().await.unwrap().contains("whsec_"),
        "never again"
    );
    // Another organisation's coordinator finds nothing.
    let build = app.builder().await;
    let elsewhere = build.establishment("AILLEURS", None).await;
    let outsider = build.account(elsewhere, &["contact", "coordinator"]).await;
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/webhooks/{id}/deliveries"),
        &outsider.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_parent_incidents_public_word_reaches_webhooks_for_each_open_child() {
    use crate::status::{AGENT, ROCHELLE, sms_u_major_incident};
    let app = TestApp::with_settings(true, &[("webhook_allow_loopback_http", "true")]).await;
    let (master, major) = sms_u_major_incident(&app).await;
    let rochelle = app.token(ROCHELLE).await;
    let join = format!("/api/v1/major-incidents/{}/join", major["id"]);
    let (status, child) = call(&app, Method::POST, &join, &rochelle, None).await;
    assert_eq!(status, StatusCode::OK, "{child}");
    // The consortium's administrator listens to every organisation below it.
    let admin = app.token("admin@demo.guichet").await;
    let (url, got) = receiver(0).await;
    let (status, endpoint) = call(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &admin,
        Some(json!({"url": url, "kinds": ["commented"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_owned();

    let agent = app.token(AGENT).await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{master}/log"),
        &agent,
        Some(json!({"body": "Cause trouvée : la passerelle SMS"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    app.run_due_jobs(chrono::Utc::now()).await;
    let heard = payloads(&got, &secret);
    let about = |reference: &str| {
        heard
            .iter()
            .filter(|p| p["type"] == "ticket.commented" && p["data"]["reference"] == reference)
            .count()
    };
    assert_eq!(about(child["ref"].as_str().unwrap()), 1, "{heard:?}");
}
