//! Evolution requests and the committees, over HTTP: the whole flow from Toulon's idea to a
//! released version, with the mails each step sends; duplicates; who may do what.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const ROCHELLE_2: &str = "contact2@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const COMMITTEE: &str = "comite@demo.guichet";
const COMMITTEE_TOULON: &str = "comite.toulon@demo.guichet";
const CHAIR: &str = "copil@demo.guichet";
const STEERING_2: &str = "copil2@demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";

async fn file(app: &TestApp, token: &str, title: &str) -> Value {
    let (status, body) = call(app, Method::POST, "/api/v1/evolutions", token, Some(json!({
        "offer": "SMS-U", "title": title, "description": format!("{title} : pourquoi et pour qui."),
        "module": "Envoi"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn act(
    app: &TestApp,
    token: &str,
    reference: &str,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        &format!("/api/v1/evolutions/{reference}/actions/{action}"),
        token,
        Some(body),
    )
    .await
}

async fn get(app: &TestApp, token: &str, reference: &str) -> Value {
    let (status, body) = call(
        app,
        Method::GET,
        &format!("/api/v1/evolutions/{reference}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Review, assess, qualify as the committee; answers the reference.
async fn qualified(app: &TestApp, committee: &str, reference: &str, value: u8) {
    let current = get(app, committee, reference).await;
    let (status, body) = act(
        app,
        committee,
        reference,
        "review",
        json!({ "revision": current["revision"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(
        app,
        Method::PUT,
        &format!("/api/v1/evolutions/{reference}/assessment"),
        committee,
        Some(json!({ "value": value, "clarity": 4, "complexity_days": 5, "regulatory": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = act(
        app,
        committee,
        reference,
        "qualify",
        json!({ "revision": body["revision"], "reason": "Utile à tous." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "qualified");
}

/// The `.eml` files written since the start, as (recipient, subject).
fn mails(app: &TestApp) -> Vec<(String, String)> {
    let dir = app.state.config.data_dir.join("mail");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let raw = std::fs::read(entry.path()).unwrap();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        let header = |name: &str| {
            parsed
                .headers
                .iter()
                .find(|h| h.get_key().eq_ignore_ascii_case(name))
                .map(|h| h.get_value())
                .unwrap_or_default()
        };
        found.push((header("To"), header("Subject")));
    }
    found
}

#[tokio::test]
async fn an_idea_goes_from_toulon_to_a_released_version() {
    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let rochelle = app.token(ROCHELLE).await;
    let rochelle_2 = app.token(ROCHELLE_2).await;
    let rennes = app.token(RENNES).await;
    let committee = app.token(COMMITTEE).await;
    let committee_toulon = app.token(COMMITTEE_TOULON).await;
    let chair = app.token(CHAIR).await;
    let steering_2 = app.token(STEERING_2).await;

    // Toulon files; the reference is E-…, Toulon is the first supporter.
    let filed = file(&app, &toulon, "Envoi programmé récurrent").await;
    let reference = filed["ref"].as_str().unwrap().to_owned();
    assert!(
        reference.starts_with("E-") && reference.len() == 8,
        "{reference}"
    );
    assert_eq!(
        (
            filed["state"].as_str(),
            filed["supporting_organisations"].as_i64()
        ),
        (Some("submitted"), Some(1))
    );
    for field in [
        "ref",
        "offer",
        "title",
        "description",
        "state",
        "organisation",
        "supporting_organisations",
        "supported_by_me",
        "score",
        "release",
        "revision",
    ] {
        assert!(filed.get(field).is_some(), "{field} in {filed}");
    }

    // La Rochelle supports it, from two contacts: counted once. It reads no personal details.
    for token in [&rochelle, &rochelle_2] {
        let (status, body) = call(
            &app,
            Method::POST,
            &format!("/api/v1/evolutions/{reference}/support"),
            token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["supporting_organisations"], 2);
        assert_eq!(body["supported_by_me"], true);
        assert_eq!(body["requester"], Value::Null);
        assert_eq!(body["analysis"], Value::Null);
    }
    // Rennes 2 has no convention on SMS-U: 404, on the request and on supporting it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/evolutions/{reference}")),
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/support"),
        ),
        (
            Method::GET,
            format!("/api/v1/evolutions/{reference}/history"),
        ),
    ] {
        let (status, _) = call(&app, method, &path, &rennes, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v1/evolutions?offer=SMS-U",
        &rennes,
        None,
    )
    .await;
    assert!(listed.get("items").is_none_or(|i| {
        i.as_array()
            .unwrap()
            .iter()
            .all(|e| e["ref"] != reference.as_str())
    }));

    // The committee reviews; the Toulon member may not assess a Toulon request; others do.
    let (status, reviewed) = act(
        &app,
        &committee,
        &reference,
        "review",
        json!({ "revision": filed["revision"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    let (status, refused) = act(
        &app,
        &toulon,
        &reference,
        "qualify",
        json!({ "revision": reviewed["revision"] }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let assessment = json!({ "value": 5, "clarity": 4, "complexity_days": 8, "regulatory": false, "comment": "Attendu." });
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/evolutions/{reference}/assessment"),
        &committee_toulon,
        Some(assessment.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "recusal: {body}");
    let (status, assessed) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/evolutions/{reference}/assessment"),
        &committee,
        Some(assessment),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{assessed}");
    assert!(assessed["score"].as_f64().unwrap() > 0.0);
    assert_eq!(assessed["score_breakdown"]["assessments"], 1);
    let (status, qualified_now) = act(&app, &committee, &reference, "qualify",
        json!({ "revision": assessed["revision"], "reason": "Demande mutualisable, peu coûteuse." })).await;
    assert_eq!(status, StatusCode::OK, "{qualified_now}");
    assert_eq!(
        qualified_now["analysis"],
        "Demande mutualisable, peu coûteuse."
    );
    // Stale revision: 409, nothing changes.
    let (status, _) = act(
        &app,
        &committee,
        &reference,
        "defer",
        json!({ "revision": reviewed["revision"], "reason": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Two more qualified requests; a release with the three, over its capacity (shown).
    let second = file(&app, &rochelle, "Accusés de réception par campagne").await["ref"]
        .as_str()
        .unwrap()
        .to_owned();
    let third = file(&app, &rochelle, "Modèles de messages partagés").await["ref"]
        .as_str()
        .unwrap()
        .to_owned();
    qualified(&app, &committee, &second, 3).await;
    qualified(&app, &committee, &third, 2).await;
    let (_, queue) = call(
        &app,
        Method::GET,
        "/api/v1/evolutions?offer=SMS-U&state=qualified&sort=queue",
        &committee,
        None,
    )
    .await;
    let order: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        order.first(),
        Some(&reference.as_str()),
        "highest score first: {order:?}"
    );
    let (status, release) = call(&app, Method::POST, "/api/v1/releases", &committee, Some(json!({
        "offer": "SMS-U", "version": "3.1.0", "kind": "major", "target_date": "2027-03-01", "capacity_days": 12
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{release}");
    let id = release["id"].as_i64().unwrap();
    let items = json!({ "revision": release["revision"], "items": [reference, second, third] });
    let (status, built) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/releases/{id}/items"),
        &committee,
        Some(items),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{built}");
    assert_eq!(built["total_estimated_days"], 18.0);
    assert_eq!(built["over_capacity"], true);
    let (status, proposed) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/actions/propose"),
        &committee,
        Some(json!({ "revision": built["revision"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{proposed}");
    assert_eq!(proposed["state"], "proposed");
    assert_eq!(get(&app, &toulon, &reference).await["state"], "proposed");
    // The committee can no longer edit the list.
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/releases/{id}/items"),
        &committee,
        Some(json!({ "revision": proposed["revision"], "items": [reference] })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Two steering members vote, one removing an item: approved with amendments.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/ballots"),
        &committee,
        Some(json!({ "vote": "approve" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, after_one) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/ballots"),
        &chair,
        Some(json!({ "vote": "approve", "comment": "D'accord." })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after_one}");
    assert_eq!(after_one["state"], "proposed", "no quorum yet");
    assert_eq!(after_one["tally"]["cast"], 1);
    let (status, decided) = call(&app, Method::POST, &format!("/api/v1/releases/{id}/ballots"), &steering_2,
        Some(json!({ "vote": "approve_with_amendments", "removed": [third], "comment": "Trop chargé." }))).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["state"], "approved");
    let (status, record) = call(
        &app,
        Method::GET,
        &format!("/api/v1/releases/{id}/decision"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["outcome"], "approved_with_amendments");
    assert_eq!(record["proposed"], json!([reference, second, third]));
    assert_eq!(record["approved"], json!([reference, second]));
    assert_eq!(record["removed"], json!([third]));
    assert_eq!(record["ballots"].as_array().unwrap().len(), 2);
    assert_eq!(get(&app, &toulon, &reference).await["state"], "planned");
    assert_eq!(get(&app, &rochelle, &second).await["state"], "planned");
    let removed = get(&app, &rochelle, &third).await;
    assert_eq!(removed["state"], "deferred");
    assert!(
        removed["state_reason"]
            .as_str()
            .unwrap()
            .contains("comité de pilotage")
    );
    // The decision cannot be changed: no more ballots, no chair decision, no route to rewrite it.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/ballots"),
        &chair,
        Some(json!({ "vote": "against" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/decision"),
        &chair,
        Some(json!({ "outcome": "sent_back" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let (status, _) = call(
            &app,
            method.clone(),
            &format!("/api/v1/releases/{id}/decision"),
            &chair,
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let (_, again) = call(
        &app,
        Method::GET,
        &format!("/api/v1/releases/{id}/decision"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(again, record);

    // Built and shipped: the request is delivered; the roadmap says so.
    let current: Value = call(
        &app,
        Method::GET,
        &format!("/api/v1/releases/{id}"),
        &committee,
        None,
    )
    .await
    .1;
    let (status, started) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/actions/start"),
        &committee,
        Some(json!({ "revision": current["revision"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(
        get(&app, &toulon, &reference).await["state"],
        "in_development"
    );
    let (status, shipped) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/actions/release"),
        &committee,
        Some(json!({ "revision": started["revision"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shipped}");
    assert_eq!(get(&app, &toulon, &reference).await["state"], "delivered");
    // Its delivery confirmed, the committee closes it; the requester may not.
    let delivered = get(&app, &committee, &reference).await;
    let (status, _) = act(
        &app,
        &toulon,
        &reference,
        "close",
        json!({ "revision": delivered["revision"] }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, closed) = act(
        &app,
        &committee,
        &reference,
        "close",
        json!({ "revision": delivered["revision"] }),
    )
    .await;
    assert_eq!(
        (status, closed["state"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{closed}"
    );
    let (status, _) = act(
        &app,
        &committee,
        &reference,
        "close",
        json!({ "revision": closed["revision"] }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "closed once");
    let (status, roadmap) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/roadmap",
        &rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{roadmap}");
    let released = roadmap["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "3.1.0")
        .unwrap();
    assert_eq!(released["state"], "released");
    assert_eq!(released["items"].as_array().unwrap().len(), 2);
    assert!(
        roadmap["mine"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["ref"] == third.as_str() && e["state"] == "deferred")
    );
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/roadmap",
        &rennes,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The requester and the supporters got a mail at each step of the request.
    app.run_due_jobs(chrono::Utc::now() + chrono::Duration::minutes(1))
        .await;
    let sent = mails(&app);
    let about = |to: &str| -> usize {
        sent.iter()
            .filter(|(rcpt, subject)| rcpt.contains(to) && subject.contains(&reference))
            .count()
    };
    // submitted → under_review → qualified → proposed → approved → planned → in_development →
    // delivered → closed
    assert!(
        about(TOULON) >= 8,
        "requester: {} of {sent:?}",
        about(TOULON)
    );
    assert!(about(ROCHELLE) >= 7, "supporter: {}", about(ROCHELLE));
    assert_eq!(
        about(ROCHELLE_2),
        0,
        "support is La Rochelle's, given by its first contact"
    );
}

#[tokio::test]
async fn a_duplicate_hands_its_supporters_to_the_survivor_once() {
    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let rochelle = app.token(ROCHELLE).await;
    let committee = app.token(COMMITTEE).await;
    let survivor = file(&app, &toulon, "Export des statistiques d'envoi").await;
    let duplicate = file(&app, &rochelle, "Statistiques d'envoi exportables").await;
    let (survivor, duplicate) = (
        survivor["ref"].as_str().unwrap().to_owned(),
        duplicate["ref"].as_str().unwrap().to_owned(),
    );
    // La Rochelle supports both; Toulon supports the duplicate too.
    call(
        &app,
        Method::POST,
        &format!("/api/v1/evolutions/{survivor}/support"),
        &rochelle,
        None,
    )
    .await;
    call(
        &app,
        Method::POST,
        &format!("/api/v1/evolutions/{duplicate}/support"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(
        get(&app, &toulon, &duplicate).await["supporting_organisations"],
        2
    );

    let current = get(&app, &committee, &duplicate).await;
    let (status, body) = act(
        &app,
        &committee,
        &duplicate,
        "mark_duplicate",
        json!({ "revision": current["revision"] }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "of is required: {body}"
    );
    let (status, body) = act(
        &app,
        &committee,
        &duplicate,
        "mark_duplicate",
        json!({ "revision": current["revision"], "of": duplicate }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not itself: {body}"
    );
    let (status, merged) = act(
        &app,
        &committee,
        &duplicate,
        "mark_duplicate",
        json!({ "revision": current["revision"], "of": survivor }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(
        (merged["state"].as_str(), merged["duplicate_of"].as_str()),
        (Some("duplicate"), Some(survivor.as_str()))
    );
    assert_eq!(merged["supporting_organisations"], 0);
    // Toulon and La Rochelle: two establishments, not four.
    assert_eq!(
        get(&app, &toulon, &survivor).await["supporting_organisations"],
        2
    );
    // A merged request takes no more support.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/evolutions/{duplicate}/support"),
        &rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn each_route_refuses_the_wrong_role_or_organisation_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let toulon = app.token(TOULON).await;
    let rochelle = app.token(ROCHELLE).await;
    let rennes = app.token(RENNES).await;
    let committee = app.token(COMMITTEE).await;
    let chair = app.token(CHAIR).await;
    let agent = app.token(SMSU_AGENT).await;
    let filed = file(&app, &toulon, "Filtre par composante").await;
    let reference = filed["ref"].as_str().unwrap().to_owned();
    let rev = json!({ "revision": filed["revision"] });

    // Rennes 2 reads nothing of it: 404 everywhere.
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/evolutions/{reference}"), None),
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/actions/review"),
            Some(rev.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/actions/close"),
            Some(rev.clone()),
        ),
        (
            Method::PUT,
            format!("/api/v1/evolutions/{reference}/assessment"),
            Some(json!({ "value": 1, "clarity": 1, "complexity_days": 1, "regulatory": false })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/evolutions/{reference}/support"),
            None,
        ),
    ] {
        let (status, _) = call(&app, method, &path, &rennes, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Rennes 2 cannot file on SMS-U either.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/evolutions",
        &rennes,
        Some(json!({
        "offer": "SMS-U", "title": "x", "description": "y" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // La Rochelle reads it, but its role lacks the committee's actions and assessments: 403.
    for (method, path, body) in [
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/actions/review"),
            Some(rev.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/actions/reject"),
            Some(json!({ "revision": 1, "reason": "non" })),
        ),
        (
            Method::POST,
            format!("/api/v1/evolutions/{reference}/actions/close"),
            Some(rev.clone()),
        ),
        (
            Method::PUT,
            format!("/api/v1/evolutions/{reference}/assessment"),
            Some(json!({ "value": 1, "clarity": 1, "complexity_days": 1, "regulatory": false })),
        ),
    ] {
        let (status, _) = call(&app, method, &path, &rochelle, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // The committee does not support requests (a contact's act), nor answer for the requester.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/evolutions/{reference}/support"),
        &committee,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = act(&app, &committee, &reference, "provide_info", rev.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The requesting establishment cannot withdraw its own support.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/evolutions/{reference}/support"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Reject needs a reason; an unknown action is a 404.
    let (status, _) = act(&app, &committee, &reference, "reject", rev.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = act(&app, &committee, &reference, "approve", rev.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, &toulon, &reference).await["state"],
        "submitted",
        "nothing changed"
    );

    // Releases: contacts and agents do not build them; steering members do not either.
    for token in [&toulon, &agent, &chair] {
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/releases",
            token,
            Some(json!({
            "offer": "SMS-U", "version": "9.9", "kind": "minor", "capacity_days": 5 })),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/releases",
        &rennes,
        Some(json!({
        "offer": "SMS-U", "version": "9.9", "kind": "minor", "capacity_days": 5 })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, release) = call(
        &app,
        Method::POST,
        "/api/v1/releases",
        &committee,
        Some(json!({
        "offer": "SMS-U", "version": "9.9", "kind": "minor", "capacity_days": 5 })),
    )
    .await;
    let id = release["id"].as_i64().unwrap();
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/releases/{id}"), None),
        (
            Method::PUT,
            format!("/api/v1/releases/{id}/items"),
            Some(json!({ "revision": 1, "items": [] })),
        ),
        (
            Method::POST,
            format!("/api/v1/releases/{id}/ballots"),
            Some(json!({ "vote": "approve" })),
        ),
        (Method::GET, format!("/api/v1/releases/{id}/decision"), None),
    ] {
        let (status, _) = call(&app, method, &path, &rennes, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/releases/{id}/items"),
        &toulon,
        Some(json!({ "revision": 1, "items": [] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/ballots"),
        &chair,
        Some(json!({ "vote": "approve" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a draft takes no ballots");
    // A submitted request cannot enter a release.
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/releases/{id}/items"),
        &committee,
        Some(json!({ "revision": 1, "items": [reference] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Criteria and steering settings: read by who reads the offer, set by its provider's
    // coordinators and the administrators; the chair's decision is the chair's.
    let weights = json!({ "value": 2.0, "clarity": 1.0, "complexity": 1.0, "regulatory": 1.0, "support": 3.0 });
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/criteria",
        &rennes,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/offers/SMS-U/criteria",
        &rennes,
        Some(weights.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for token in [&toulon, &committee, &agent] {
        let (status, _) = call(
            &app,
            Method::PUT,
            "/api/v1/offers/SMS-U/criteria",
            token,
            Some(weights.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let coordination = app.token("coordination@demo.guichet").await;
    let (status, set) = call(
        &app,
        Method::PUT,
        "/api/v1/offers/SMS-U/criteria",
        &coordination,
        Some(weights.clone()),
    )
    .await;
    assert_eq!((status, set), (StatusCode::OK, weights.clone()));
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/settings/steering",
        &chair,
        Some(json!({ "quorum": 3, "majority_percent": 50, "chair": null })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let steering_2 = app.token(STEERING_2).await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/decision"),
        &steering_2,
        Some(json!({ "outcome": "approved" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the chair");

    // Sessions: the committees' own.
    let (status, session) = call(&app, Method::POST, "/api/v1/committee-sessions", &committee, Some(json!({
        "committee": "project", "held_on": "2026-11-20", "title": "Priorisation SMS-U",
        "attendees": ["Camille Comité"], "agenda": [reference], "decisions": "Étudiée.", "minutes": "**RAS**"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let sid = session["id"].as_i64().unwrap();
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/committee-sessions",
        &toulon,
        Some(json!({
        "committee": "project", "held_on": "2026-11-20", "title": "Intrus" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for token in [&toulon, &agent] {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/committee-sessions/{sid}"),
            token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = call(&app, Method::GET, "/api/v1/committee-sessions", token, None).await;
        assert_eq!(list["total"], 0);
    }
    let response = app
        .api(
            Method::GET,
            &format!("/api/v1/committee-sessions/{sid}/minutes.md"),
            &chair,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("# Priorisation SMS-U")
    );
}
