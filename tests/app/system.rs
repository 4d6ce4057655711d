//! Health, the OpenAPI document, the error shape and the security headers.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok", "database": "ok"}));

    app.conn.close_by_ref().await.unwrap();
    // The probe's answer is kept for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
}

#[tokio::test]
async fn the_openapi_document_is_generated_and_browsable() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/healthz"]["get"].is_object(), "{doc}");
    // Every capability is in the document, with its operations.
    for (path, method) in [
        ("/api/v1/tickets", "post"),
        ("/api/v1/tickets/{ref}", "patch"),
        ("/api/v1/tickets/{ref}/actions/{action}", "post"),
        ("/api/v1/tickets/{ref}/attachments", "post"),
        ("/api/v1/ticket-views", "post"),
        ("/api/v1/ticket-views/{id}", "delete"),
        ("/api/v1/slas/{id}", "get"),
        ("/api/v1/reports/sla", "get"),
        ("/api/v1/me/notifications", "put"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }

    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
}

#[test]
fn no_two_types_share_a_schema_name() {
    // Two types of one name (the ticket's and the FAQ's `Visibility`) would leave one of them
    // documented as the other: a generated client would then send values the API refuses.
    let clashes = guichet::api::v1::schema_name_clashes();
    assert!(
        clashes.is_empty(),
        "schema names claimed by several types: {clashes:#?}"
    );
}

#[tokio::test]
async fn operation_ids_are_unique_and_every_response_is_described() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                ids.insert(id.clone()),
                "{method} {path}: operation id {id} used twice"
            );
            for (status, response) in operation["responses"].as_object().unwrap() {
                let described = response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty());
                assert!(described, "{method} {path} {status}: no description");
            }
        }
    }
    assert_eq!(
        doc["components"]["schemas"]["NewFaq"]["properties"]["visibility"]["oneOf"][0]["$ref"],
        "#/components/schemas/FaqVisibility"
    );
}

#[tokio::test]
async fn api_errors_have_one_json_shape() {
    let app = TestApp::spawn().await;
    let cases = [
        (app.get("/api/v1/no-such-thing").await, 404, "not_found"),
        (
            app.client
                .delete(app.url("/api/v1/openapi.json"))
                .send()
                .await
                .unwrap(),
            405,
            "method_not_allowed",
        ),
    ];
    for (response, status, code) in cases {
        assert_eq!(response.status().as_u16(), status);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["message"].is_string());
        assert!(body["error"]["details"].is_object());
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let limit = app.state.config.body_limit_bytes;
    let response = app
        .client
        .post(app.url("/api/v1/no-such-thing"))
        .header("content-type", "application/json")
        .body(vec![b' '; limit + 1])
        .send()
        .await
        .unwrap();
    // The declared length alone is refused, before any route or handler reads the body.
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    for path in ["/login", "/healthz", "/api/v1/nothing", "/nothing"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(!headers["x-request-id"].is_empty(), "{path}");
    }
}

#[tokio::test]
async fn a_request_id_sent_by_a_proxy_is_kept() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-1234");
}
