//! The catalogue and agreements through HTTP: offers, subcategories, SLAs, conventions and
//! their documents, the filing rule, and who sees what.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call};

const COORDINATOR: &str = "coordination@demo.guichet";
const TOULON: &str = "contact@univ-toulon.demo.guichet";
const LA_ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";

async fn org_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let (_, list) = call(
        app,
        Method::GET,
        "/api/v1/organisations?per_page=200",
        token,
        None,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn codes(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap().to_owned())
        .collect()
}

fn today() -> chrono::NaiveDate {
    guichet::services::catalogue::today(chrono::Utc::now())
}

#[tokio::test]
async fn a_coordinator_builds_an_offer_and_only_the_subscribing_client_sees_it() {
    let app = TestApp::with_demo().await;
    let coordinator = app.token(COORDINATOR).await;
    let amu = org_id(&app, &coordinator, "AMU").await;
    let ulr = org_id(&app, &coordinator, "ULR").await;
    let (_, teams) = call(&app, Method::GET, "/api/v1/teams", &coordinator, None).await;
    let team = teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Équipe GEFORP")
        .unwrap()["id"]
        .clone();

    let (status, offer) = call(&app, Method::POST, "/api/v1/offers", &coordinator, Some(json!({
        "code": "esup-signature", "name": "ESUP Signature", "description": "Signature électronique",
        "provider_id": amu, "status": "production", "app_url": "https://signature.example",
        "versions": ["1.30", "1.29"], "modules": ["Parapheur"], "environments": ["production", "test"]
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{offer}");
    assert_eq!(offer["code"], "ESUP-SIGNATURE");
    assert_eq!(offer["provider"]["code"], "AMU");

    let (status, incident) = call(&app, Method::POST, "/api/v1/offers/ESUP-SIGNATURE/subcategories", &coordinator, Some(json!({
        "name": "Déclarer un incident sur Signature", "kind": "incident", "default_team_id": team,
        "required_fields": ["version", "module", "page_url"]
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{incident}");
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/offers/ESUP-SIGNATURE/subcategories",
        &coordinator,
        Some(json!({
            "name": "Demande de service Signature", "kind": "request"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, sla) = call(&app, Method::POST, "/api/v1/slas", &coordinator, Some(json!({
        "name": "SLA Signature", "provider_id": amu,
        "targets": [{"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 30}],
        "coverage_window": {"time_zone": "Europe/Paris",
            "intervals": [{"weekday": 0, "start": "08:00", "end": "18:00"}], "holidays": ["2026-12-25"]}
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{sla}");

    let (status, convention) = call(&app, Method::POST, "/api/v1/conventions", &coordinator, Some(json!({
        "kind": "usage", "title": "CGU Signature La Rochelle", "client_id": ulr, "provider_id": amu,
        "offers": ["ESUP-SIGNATURE"], "status": "production",
        "start_date": (today() - chrono::Duration::days(10)).to_string(),
        "end_date": (today() + chrono::Duration::days(300)).to_string(),
        "sla_id": sla["id"], "open_ticket_cap": 10
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{convention}");
    assert_eq!(convention["status"], "production");
    assert_eq!(convention["offers"], json!(["ESUP-SIGNATURE"]));

    // La Rochelle's contact now finds it under "New request", with its subcategories.
    let rochelle = app.token(LA_ROCHELLE).await;
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &rochelle, None).await;
    assert_eq!(codes(&offers), ["ESUP-SIGNATURE", "SMS-U"]);
    let signature = &offers["items"][0];
    assert_eq!(signature["subcategories"].as_array().unwrap().len(), 2);
    for field in ["code", "name", "provider", "status"] {
        assert!(!signature[field].is_null(), "{field}");
    }
    let sub = &signature["subcategories"][0];
    assert!(sub["id"].is_i64() && sub["name"].is_string() && sub["kind"].is_string());
    let (status, allowed) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{}/filing", incident["id"]),
        &rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{allowed}");
    assert_eq!(allowed["convention_id"], convention["id"]);
    assert_eq!(allowed["sla_id"], sla["id"]);
    // The SLA reads for the contacts it applies to.
    let (status, read) = call(
        &app,
        Method::GET,
        &format!("/api/v1/slas/{}", sla["id"]),
        &rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["coverage_window"]["intervals"][0]["weekday"], 0);
    assert_eq!(read["targets"][0]["minutes"], 30);

    // Another organisation's contact sees none of it.
    let rennes = app.token(RENNES).await;
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &rennes, None).await;
    assert!(!codes(&offers).contains(&"ESUP-SIGNATURE".to_owned()));
    for path in [
        "/api/v1/offers/ESUP-SIGNATURE".to_owned(),
        format!("/api/v1/subcategories/{}", incident["id"]),
        format!("/api/v1/subcategories/{}/filing", incident["id"]),
        format!("/api/v1/slas/{}", sla["id"]),
        format!("/api/v1/conventions/{}", convention["id"]),
    ] {
        let (status, body) = call(&app, Method::GET, &path, &rennes, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // A contact may not change the catalogue it reads: 403; nothing changes.
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/api/v1/offers/ESUP-SIGNATURE",
        &rochelle,
        Some(json!({"revision": offer["revision"], "name": "Piraté"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/api/v1/offers/ESUP-SIGNATURE",
        &rennes,
        Some(json!({"revision": offer["revision"], "name": "Piraté"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, again) = call(
        &app,
        Method::GET,
        "/api/v1/offers/ESUP-SIGNATURE",
        &coordinator,
        None,
    )
    .await;
    assert_eq!(again["name"], "ESUP Signature");

    // Terminating the convention takes the offer away at once; twice is a conflict.
    let (status, ended) = call(
        &app,
        Method::POST,
        &format!("/api/v1/conventions/{}/actions/terminate", convention["id"]),
        &coordinator,
        Some(json!({"revision": convention["revision"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ended["status"], "terminated");
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &rochelle, None).await;
    assert_eq!(codes(&offers), ["SMS-U"]);
    let (status, refused) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{}/filing", incident["id"]),
        &rochelle,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["details"]["fields"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("CGU Signature La Rochelle"),
        "{refused}"
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/conventions/{}/actions/terminate", convention["id"]),
        &coordinator,
        Some(json!({"revision": ended["revision"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_convention_past_its_end_date_stops_the_offer_and_the_filing_rule_says_why() {
    let app = TestApp::with_demo().await;
    let rennes = app.token(RENNES).await;
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &rennes, None).await;
    assert!(codes(&offers).is_empty(), "{offers}");
    let (_, conventions) = call(&app, Method::GET, "/api/v1/conventions", &rennes, None).await;
    let expired = &conventions["items"][0];
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["offers"], json!(["GEFORP"]));

    let toulon = app.token(TOULON).await;
    let (_, toulon_offers) = call(&app, Method::GET, "/api/v1/offers", &toulon, None).await;
    assert_eq!(
        codes(&toulon_offers),
        ["ESUP-HEB", "EVA", "GEFORP", "SMS-U"]
    );
    let geforp = toulon_offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "GEFORP")
        .unwrap();
    let incident = geforp["subcategories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "incident")
        .unwrap()["id"]
        .clone();

    // Toulon may file; Rennes 2 is told which convention is not in force.
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{incident}/filing"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{incident}/filing"),
        &rennes,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = refused["error"]["details"]["fields"][0]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("aucune convention en vigueur couvrant GEFORP"),
        "{reason}"
    );
    assert!(
        reason.contains("Conditions Générales d'Utilisation Offre hébergée GEFORP"),
        "{reason}"
    );

    // A subcategory that is switched off is not open, even with a convention.
    let coordinator = app.token(COORDINATOR).await;
    let (_, sub) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{incident}"),
        &coordinator,
        None,
    )
    .await;
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/subcategories/{incident}"),
        &coordinator,
        Some(json!({"revision": sub["revision"], "status": "inactive"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = call(
        &app,
        Method::GET,
        &format!("/api/v1/subcategories/{incident}/filing"),
        &toulon,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["details"]["fields"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("ne sont pas ouvertes")
    );
    // A stale revision is refused.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/subcategories/{incident}"),
        &coordinator,
        Some(json!({"revision": sub["revision"], "status": "active"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_catalogue_input_names_the_field_and_writes_nothing() {
    let app = TestApp::with_demo().await;
    let coordinator = app.token(COORDINATOR).await;
    let amu = org_id(&app, &coordinator, "AMU").await;
    let ulr = org_id(&app, &coordinator, "ULR").await;
    let count = |path: &'static str| {
        let app = &app;
        let token = coordinator.clone();
        async move {
            let (_, list) = call(app, Method::GET, path, &token, None).await;
            list["total"].as_u64().unwrap()
        }
    };
    let before = (
        count("/api/v1/offers").await,
        count("/api/v1/slas").await,
        count("/api/v1/conventions").await,
    );

    let cases = [
        (
            "/api/v1/offers",
            json!({"code": "bad code!", "name": "", "provider_id": amu, "app_url": "ftp://x"}),
            vec!["code", "name", "app_url"],
        ),
        (
            "/api/v1/offers",
            json!({"code": "GEFORP", "name": "Doublon", "provider_id": amu}),
            vec!["code"],
        ),
        (
            "/api/v1/offers",
            json!({"code": "NEW", "name": "Nouveau", "provider_id": 999_999}),
            vec!["provider_id"],
        ),
        (
            "/api/v1/slas",
            json!({"name": "x", "provider_id": amu,
            "targets": [{"kind": "incident", "priority": "low", "metric": "ttr", "minutes": 0}],
            "coverage_window": {"time_zone": "Europe/Pariss", "intervals": [{"weekday": 0, "start": "18:00", "end": "24:30"}], "holidays": []}}),
            vec!["time_zone", "intervals[0]", "targets[0].minutes"],
        ),
        (
            "/api/v1/conventions",
            json!({"kind": "usage", "title": "x", "client_id": 999_999, "provider_id": amu,
            "offers": ["NOPE"], "start_date": "2026-06-01", "end_date": "2026-05-01", "open_ticket_cap": 0}),
            vec!["end_date", "open_ticket_cap", "client_id", "offers"],
        ),
        (
            "/api/v1/conventions",
            json!({"kind": "usage", "title": "x", "client_id": ulr, "provider_id": amu,
            "offers": ["GEFORP"], "start_date": "2026-01-01", "end_date": "2027-01-01", "status": "expired"}),
            vec!["status"],
        ),
    ];
    for (path, body, fields) in cases {
        let (status, answer) =
            call(&app, Method::POST, path, &coordinator, Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {body}: {answer}"
        );
        let named: Vec<&str> = answer["error"]["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        for field in fields {
            assert!(named.contains(&field), "{path}: {field} not in {named:?}");
        }
    }
    let after = (
        count("/api/v1/offers").await,
        count("/api/v1/slas").await,
        count("/api/v1/conventions").await,
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn convention_documents_download_safely_and_only_for_who_reads_the_convention() {
    let app = TestApp::with_demo().await;
    let coordinator = app.token(COORDINATOR).await;
    let toulon = app.token(TOULON).await;
    let (_, mine) = call(&app, Method::GET, "/api/v1/conventions", &toulon, None).await;
    let convention = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["offers"] == json!(["GEFORP"]))
        .unwrap()
        .clone();
    let content = b"<html><script>alert(1)</script>CGU</html>".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(content.clone())
            .file_name("../CGU \"GEFORP\".html")
            .mime_str("text/html")
            .unwrap(),
    );
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/conventions/{}/documents", convention["id"]),
            &coordinator,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["file_name"], "CGU GEFORP.html");
    assert_eq!(stored["size"], content.len());
    assert_eq!(stored["sha256"].as_str().unwrap().len(), 64);

    // The contact cannot add documents to it.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
    );
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/conventions/{}/documents", convention["id"]),
            &toulon,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let path = format!("/api/v1/attachments/{}", stored["id"]);
    let response = app.api(Method::GET, &path, &toulon).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert_eq!(response.bytes().await.unwrap().to_vec(), content);

    let rennes = app.token(RENNES).await;
    let response = app.api(Method::GET, &path, &rennes).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Too large: refused by name, nothing stored.
    let limit = app.state.config.attachment_max_bytes;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(vec![b'a'; limit + 1]).file_name("big.bin"),
    );
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/conventions/{}/documents", convention["id"]),
            &coordinator,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, read) = call(
        &app,
        Method::GET,
        &format!("/api/v1/conventions/{}", convention["id"]),
        &toulon,
        None,
    )
    .await;
    assert_eq!(read["documents"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_committee_member_can_be_limited_to_some_offers() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    // A committee member from Rouen, whose establishment subscribes to nothing: what it reads
    // comes from the committee role alone.
    let rouen = org_id(&app, &admin, "URN").await;
    let (status, member) = call(&app, Method::POST, "/api/v1/accounts", &admin, Some(json!({
        "email": "comite.rouen@demo.guichet", "display_name": "Comité Rouen", "organisation_id": rouen,
        "roles": ["committee"]
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    let path = format!("/api/v1/accounts/{}", member["id"]);
    let token = guichet::services::tokens::create(
        &app.state.platform(),
        member["id"].as_i64().unwrap(),
        "test",
        chrono::Duration::days(1),
    )
    .await
    .unwrap();
    let comite = token.token;
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &comite, None).await;
    assert_eq!(codes(&offers), ["ESUP-HEB", "EVA", "GEFORP", "SMS-U"]);

    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(json!({"revision": member["revision"], "committee_offers": ["NOPE"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, limited) = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(json!({"revision": member["revision"], "committee_offers": ["sms-u"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{limited}");
    assert_eq!(limited["committee_offers"], json!(["SMS-U"]));
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &comite, None).await;
    assert_eq!(codes(&offers), ["SMS-U"]);
    let (status, _) = call(&app, Method::GET, "/api/v1/offers/GEFORP", &comite, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(json!({"revision": limited["revision"], "committee_offers": []})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, offers) = call(&app, Method::GET, "/api/v1/offers", &comite, None).await;
    assert_eq!(codes(&offers).len(), 4);
}
