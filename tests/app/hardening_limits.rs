//! Limits an attacker meets: the per-account rate of creations, no caching of what a signed-in
//! caller reads, bodies over the limit refused with 413 however they are sent, and downloads
//! that a browser never runs.

use futures::stream;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call, csrf_of, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const ROCHELLE_2: &str = "contact2@univ-larochelle.demo.guichet";

/// The size an attacker sent: far over `body_limit_bytes`.
const HUGE: usize = 64 * 1024 * 1024;
const BOUNDARY: &str = "hardening-boundary";

/// A body sent chunked (no Content-Length): `head`, `size` bytes of `fill`, then `tail`, in
/// 64 KiB chunks made as they are sent.
fn chunked(head: String, fill: u8, size: usize, tail: String) -> reqwest::Body {
    const CHUNK: usize = 64 * 1024;
    let middle = (0..size / CHUNK).map(move |_| vec![fill; CHUNK]);
    let parts = std::iter::once(head.into_bytes())
        .chain(middle)
        .chain(std::iter::once(tail.into_bytes()))
        .map(Ok::<_, std::io::Error>);
    reqwest::Body::wrap_stream(stream::iter(parts))
}

/// The opening of a multipart body: the fields given, then the head of a `file` part.
fn multipart_head(fields: &[(&str, &str)]) -> String {
    let mut head = String::new();
    for (name, value) in fields {
        head.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    ));
    head
}

fn multipart_tail() -> String {
    format!("\r\n--{BOUNDARY}--\r\n")
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Asserts a 413 in the API's error shape.
async fn assert_json_too_large(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{what}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large", "{what}: {body}");
}

/// Asserts a 413 shown as the French error page.
async fn assert_page_too_large(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{what}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{what}"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("Envoi trop volumineux"), "{what}: {page}");
}

/// The first open ticket `token` reads.
async fn open_ticket(app: &TestApp, token: &str) -> String {
    let (_, list) = call(app, Method::GET, "/api/v1/tickets?status=open", token, None).await;
    list["items"][0]["ref"].as_str().unwrap().to_owned()
}

/// How many log entries and attachments a ticket has.
async fn stored(app: &TestApp, token: &str, reference: &str) -> (usize, usize) {
    let path = format!("/api/v1/tickets/{reference}");
    let (_, ticket) = call(app, Method::GET, &path, token, None).await;
    let (_, log) = call(app, Method::GET, &format!("{path}/log"), token, None).await;
    (
        log.as_array().unwrap().len(),
        ticket["attachments"].as_array().unwrap().len(),
    )
}

async fn ticket_total(app: &TestApp, token: &str) -> u64 {
    let (_, list) = call(app, Method::GET, "/api/v1/tickets", token, None).await;
    list["total"].as_u64().unwrap()
}

/// The form token of the page at `path`, as `browser` reads it.
async fn form_token(browser: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let page = browser.get(app.url(path)).send().await.unwrap();
    csrf_of(&page.text().await.unwrap())
}

async fn evolution_total(app: &TestApp, token: &str) -> u64 {
    let (_, list) = call(app, Method::GET, "/api/v1/evolutions", token, None).await;
    list["total"].as_u64().unwrap()
}

#[tokio::test]
async fn bodies_over_the_limit_answer_413_whether_chunked_or_not_and_store_nothing() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let reference = open_ticket(&app, &contact).await;
    let before = stored(&app, &contact, &reference).await;
    let attach = app.url(&format!("/api/v1/tickets/{reference}/attachments"));

    // A chunked multipart upload to the API.
    let response = app
        .client
        .post(&attach)
        .bearer_auth(&contact)
        .header("content-type", multipart_type())
        .body(chunked(multipart_head(&[]), 0, HUGE, multipart_tail()))
        .send()
        .await
        .unwrap();
    assert_json_too_large(response, "chunked multipart").await;

    // The same with its Content-Length.
    let mut whole = multipart_head(&[]).into_bytes();
    whole.resize(whole.len() + HUGE, 0);
    whole.extend_from_slice(multipart_tail().as_bytes());
    let response = app
        .client
        .post(&attach)
        .bearer_auth(&contact)
        .header("content-type", multipart_type())
        .body(whole)
        .send()
        .await
        .unwrap();
    assert_json_too_large(response, "multipart with a length").await;
    assert_eq!(stored(&app, &contact, &reference).await, before);

    // A chunked JSON body.
    let tickets = ticket_total(&app, &contact).await;
    let sub = subcategory(&app, &contact, "ESUP-HEB", "demande générale").await;
    let head = format!(
        r#"{{"subcategory": {sub}, "impact": "person", "urgency": "low", "description": "x", "title": ""#
    );
    let response = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&contact)
        .header("content-type", "application/json")
        .body(chunked(head, b'a', HUGE, "\"}".to_owned()))
        .send()
        .await
        .unwrap();
    assert_json_too_large(response, "chunked JSON").await;
    assert_eq!(ticket_total(&app, &contact).await, tickets);

    // The pages: a chunked multipart log entry and a chunked form, each shown the error page.
    let browser = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let csrf = form_token(&browser, &app, &format!("/portal/tickets/{reference}")).await;
    let response = browser
        .post(app.url(&format!("/tickets/{reference}/log")))
        .header("content-type", multipart_type())
        .body(chunked(
            multipart_head(&[("_csrf", &csrf), ("body", "gros fichier")]),
            0,
            HUGE,
            multipart_tail(),
        ))
        .send()
        .await
        .unwrap();
    assert_page_too_large(response, "chunked multipart page").await;
    let response = browser
        .post(app.url(&format!("/portal/new/{sub}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(chunked(
            format!("_csrf={csrf}&impact=person&urgency=low&description=x&title="),
            b'a',
            HUGE,
            String::new(),
        ))
        .send()
        .await
        .unwrap();
    assert_page_too_large(response, "chunked form page").await;
    assert_eq!(stored(&app, &contact, &reference).await, before);
    assert_eq!(ticket_total(&app, &contact).await, tickets);
}

#[tokio::test]
async fn creations_beyond_the_per_account_rate_answer_429_and_create_nothing() {
    let app = TestApp::with_settings(
        true,
        &[("create_burst", "2"), ("create_rate_per_minute", "1")],
    )
    .await;
    let toulon = app.token(TOULON).await;
    let sub = subcategory(&app, &toulon, "ESUP-HEB", "demande générale").await;
    let new_ticket = json!({ "subcategory": sub, "title": "Encore une", "description": "…",
                             "impact": "person", "urgency": "low" });
    for _ in 0..2 {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/tickets",
            &toulon,
            Some(new_ticket.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let tickets = ticket_total(&app, &toulon).await;
    let reference = open_ticket(&app, &toulon).await;
    let before = stored(&app, &toulon, &reference).await;
    let evolutions = evolution_total(&app, &toulon).await;

    // Every kind of creation now waits, with Retry-After and the error shape.
    let file = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
    );
    let attempts = [
        app.api(Method::POST, "/api/v1/tickets", &toulon)
            .json(&new_ticket),
        app.api(
            Method::POST,
            &format!("/api/v1/tickets/{reference}/log"),
            &toulon,
        )
        .json(&json!({ "body": "relance" })),
        app.api(
            Method::POST,
            &format!("/api/v1/tickets/{reference}/attachments"),
            &toulon,
        )
        .multipart(file),
        app.api(Method::POST, "/api/v1/evolutions", &toulon)
            .json(&json!({ "offer": "SMS-U", "title": "Encore", "description": "…" })),
    ];
    for attempt in attempts {
        let response = attempt.send().await.unwrap();
        let url = response.url().path().to_owned();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{url}");
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "{url}: {wait}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "too_many_requests", "{url}");
    }
    assert_eq!(ticket_total(&app, &toulon).await, tickets);
    assert_eq!(stored(&app, &toulon, &reference).await, before);
    assert_eq!(evolution_total(&app, &toulon).await, evolutions);

    // Reading is not limited, and the limit is the account's own: another one still creates.
    let (status, _) = call(&app, Method::GET, "/api/v1/tickets", &toulon, None).await;
    assert_eq!(status, StatusCode::OK);
    let rochelle = app.token(ROCHELLE).await;
    let sub = subcategory(&app, &rochelle, "SMS-U", "demande de service").await;
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &rochelle,
        Some(
            json!({ "subcategory": sub, "title": "La mienne", "description": "…",
                     "impact": "person", "urgency": "low" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The pages: a third request form within the minute gets the French error page (the
    // colleague's own limit: La Rochelle's first contact spent one of theirs above).
    let colleague = app.token(ROCHELLE_2).await;
    let tickets = ticket_total(&app, &colleague).await;
    let browser = browser_signed_in(&app, ROCHELLE_2, guichet::demo::PASSWORD).await;
    let form_path = format!("/portal/new/{sub}");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let csrf = form_token(&browser, &app, &form_path).await;
        let response = browser
            .post(app.url(&form_path))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("title", "Par le portail"),
                ("description", "…"),
                ("impact", "person"),
                ("urgency", "low"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            let page = response.text().await.unwrap();
            assert!(page.contains("Trop de tentatives"), "{page}");
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(ticket_total(&app, &colleague).await, tickets + 2);
}

#[tokio::test]
async fn what_a_signed_in_caller_reads_is_never_cached_and_assets_are() {
    let app = TestApp::with_demo().await;
    let token = app.token(TOULON).await;
    for path in ["/api/v1/tickets", "/api/v1/me", "/api/v1/tickets/I-999999"] {
        let response = app.api(Method::GET, path, &token).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let browser = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    for path in ["/portal", "/portal/tickets", "/portal/tickets/I-999999"] {
        let response = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    // Assets keep their long caching, signed in or not.
    for client in [&browser, &app.client] {
        let response = client.get(app.url("/static/app.css")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
    }
}

#[tokio::test]
async fn downloads_of_html_and_svg_files_are_sandboxed() {
    let app = TestApp::with_demo().await;
    let contact = app.token(TOULON).await;
    let reference = open_ticket(&app, &contact).await;
    let files = [
        (
            "page.html",
            "text/html",
            "<script>alert(document.cookie)</script>",
        ),
        (
            "image.svg",
            "image/svg+xml",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
    ];
    let browser = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let outsider = app.token(ROCHELLE).await;
    for (name, mime, content) in files {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(content.as_bytes().to_vec())
                .file_name(name)
                .mime_str(mime)
                .unwrap(),
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
        assert_eq!(response.status(), StatusCode::CREATED, "{name}");
        let id = response.json::<Value>().await.unwrap()["id"].clone();
        let api = app
            .api(Method::GET, &format!("/api/v1/attachments/{id}"), &contact)
            .send()
            .await
            .unwrap();
        let page = browser
            .get(app.url(&format!("/attachments/{id}")))
            .send()
            .await
            .unwrap();
        for response in [api, page] {
            let url = response.url().path().to_owned();
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            let headers = response.headers();
            assert_eq!(
                headers["content-security-policy"], "sandbox; default-src 'none'",
                "{url}"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
            assert!(
                headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment"),
                "{url}"
            );
            assert_eq!(response.bytes().await.unwrap(), content.as_bytes(), "{url}");
        }
        let response = app
            .api(Method::GET, &format!("/api/v1/attachments/{id}"), &outsider)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{name}");
    }
}
