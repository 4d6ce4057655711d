//! Sign-in under hostile load, as an attacker would try it from outside: parallel guesses, a
//! flood of unknown addresses, over-long passwords, reset-mail floods, forged forwarding
//! headers, and demo accounts left where anyone can reach them.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, client, csrf_of};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const ADMIN: &str = "admin@demo.guichet";

fn login_request(app: &TestApp, email: &str, password: &str) -> reqwest::RequestBuilder {
    client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
}

/// Sends every request at once and answers their statuses, in order.
async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|r| tokio::spawn(async move { r.send().await.unwrap().status() }))
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn failures_of(app: &TestApp, key: &str) -> i32 {
    guichet::db::Unscoped::find::<entity::login_throttle::Entity>()
        .filter(entity::login_throttle::Column::Key.eq(key))
        .one(&app.conn)
        .await
        .unwrap()
        .map_or(0, |row| row.failures)
}

#[tokio::test]
async fn thirty_parallel_guesses_are_evaluated_up_to_the_threshold_and_no_further() {
    // Hashing never turns anyone away here: every guess that is let through is evaluated.
    let app = TestApp::with_settings(true, &[("password_hash_wait_ms", "60000")]).await;
    let max = app.state.config.login_max_failures;
    let guesses = (0..30)
        .map(|i| login_request(&app, TOULON, &format!("guess number {i}")))
        .collect();
    let statuses = all_at_once(guesses).await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        usize::try_from(max).unwrap(),
        "{statuses:?}"
    );
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        30 - usize::try_from(max).unwrap(),
        "{statuses:?}"
    );
    // Locked: even the right password is refused now.
    let right = login_request(&app, TOULON, "demo").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn parallel_failures_count_one_each() {
    let app = TestApp::with_settings(
        true,
        &[
            ("password_hash_wait_ms", "60000"),
            ("login_max_failures", "100"),
        ],
    )
    .await;
    let guesses = (0..30)
        .map(|i| login_request(&app, TOULON, &format!("guess number {i}")))
        .collect();
    let statuses = all_at_once(guesses).await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        30,
        "{statuses:?}"
    );
    assert_eq!(failures_of(&app, &format!("email:{TOULON}")).await, 30);
    assert_eq!(failures_of(&app, "ip:127.0.0.1").await, 30);

    // A right password clears the account's count and is no failure of the address.
    let right = login_request(&app, TOULON, "demo").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(failures_of(&app, &format!("email:{TOULON}")).await, 0);
    assert_eq!(failures_of(&app, "ip:127.0.0.1").await, 30);
}

#[tokio::test]
async fn a_flood_of_unknown_addresses_is_turned_away_quickly_while_the_site_answers() {
    let app = TestApp::with_settings(
        true,
        &[
            ("password_hash_slots", "1"),
            ("password_hash_wait_ms", "50"),
            ("login_max_failures", "1000"),
        ],
    )
    .await;
    let flood: Vec<_> = (0..100)
        .map(|i| login_request(&app, &format!("nobody{i}@example.org"), "whatever it is"))
        .collect();
    let started = Instant::now();
    let flood = tokio::spawn(all_at_once(flood));
    // The rest of the site does not wait for the hashing.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let health_started = Instant::now();
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health_started.elapsed() < Duration::from_secs(2));
    let statuses = flood.await.unwrap();
    let busy = count(&statuses, StatusCode::SERVICE_UNAVAILABLE);
    let refused = count(&statuses, StatusCode::UNAUTHORIZED);
    assert_eq!(busy + refused, 100, "{statuses:?}");
    assert!(busy > 0, "{statuses:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // Turned away is not counted against the address: only the evaluated failures are.
    assert_eq!(
        failures_of(&app, "ip:127.0.0.1").await,
        i32::try_from(refused).unwrap()
    );

    // The answer itself: 503, Retry-After and the error shape in the API; a French page with
    // Retry-After from the form.
    let api = (0..30)
        .map(|i| login_request(&app, &format!("api{i}@example.org"), "whatever it is"))
        .collect();
    let forms = signed_out_forms(&app, 30).await;
    let (api, forms) = tokio::join!(answers_at_once(api), answers_at_once(forms));
    let (retry, body) = api
        .iter()
        .find(|(status, ..)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .map(|(_, retry, body)| (retry.clone(), body.clone()))
        .expect("a 503 from the API while hashing is saturated");
    assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "overloaded");
    let (_, retry, page) = forms
        .iter()
        .find(|(status, ..)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .expect("a 503 from the form while hashing is saturated");
    assert!(retry.is_some());
    assert!(page.contains("Réessayez dans quelques secondes"), "{page}");
}

/// Sign-in form posts from `n` browsers, each with its own session and form token.
async fn signed_out_forms(app: &TestApp, n: usize) -> Vec<reqwest::RequestBuilder> {
    let mut posts = Vec::new();
    for i in 0..n {
        let browser = client();
        let page = browser.get(app.url("/login")).send().await.unwrap();
        let csrf = csrf_of(&page.text().await.unwrap());
        let form = [
            ("_csrf", csrf),
            ("email", format!("form{i}@example.org")),
            ("password", "whatever it is".to_owned()),
        ];
        posts.push(browser.post(app.url("/login")).form(&form));
    }
    posts
}

/// Sends every request at once: each answer's status, Retry-After and body.
async fn answers_at_once(
    requests: Vec<reqwest::RequestBuilder>,
) -> Vec<(StatusCode, Option<String>, String)> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|r| {
            tokio::spawn(async move {
                let response = r.send().await.unwrap();
                let retry = response
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_owned());
                (response.status(), retry, response.text().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for handle in handles {
        answers.push(handle.await.unwrap());
    }
    answers
}

#[tokio::test]
async fn an_over_long_password_is_refused_in_the_readers_language_and_never_hashed() {
    let app = TestApp::with_demo().await;
    let huge = "a".repeat(1 << 20);

    // Sign-in: 422 before any counting or hashing.
    let response = login_request(&app, TOULON, &huge)
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "password");
    assert_eq!(
        body["error"]["details"]["fields"][0]["reason"],
        "ne doit pas dépasser 128 caractères"
    );
    assert_eq!(failures_of(&app, &format!("email:{TOULON}")).await, 0);

    // Reset: the same cap, in English for an English reader, and the password stays as it was.
    let (status, _) = crate::support::call(
        &app,
        Method::POST,
        "/api/v1/auth/password/forgot",
        "",
        Some(json!({ "email": TOULON })),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let token = last_reset_token(&app, TOULON);
    let response = client()
        .post(app.url("/api/v1/auth/password/reset"))
        .header("accept-language", "en")
        .json(&json!({ "token": token, "password": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["details"]["fields"][0]["reason"],
        "must be at most 128 characters"
    );
    let exactly = "b".repeat(128);
    let over = "b".repeat(129);

    // The reset form says it in French, beside the field.
    let browser = client();
    let page = browser
        .get(app.url(&format!("/password/reset?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let response = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", over.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("ne doit pas dépasser 128 caractères")
    );
    assert_eq!(
        login_request(&app, TOULON, "demo")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK,
        "nothing changed"
    );

    // 128 characters are accepted, and sign in.
    let response = client()
        .post(app.url("/api/v1/auth/password/reset"))
        .json(&json!({ "token": token, "password": exactly }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        login_request(&app, TOULON, &exactly)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

/// The reset tokens mailed to `email` (through the `.eml` folder), oldest first.
fn reset_tokens(app: &TestApp, email: &str) -> Vec<String> {
    let folder = app.state.config.data_dir.join("mail");
    let Ok(entries) = std::fs::read_dir(folder) else {
        return vec![];
    };
    let mut mails: Vec<(std::time::SystemTime, String)> = entries
        .map(|e| e.unwrap())
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            (e.metadata().unwrap().modified().unwrap(), text)
        })
        .filter(|(_, text)| {
            text.contains(&format!("To: {email}")) || text.contains(&format!("<{email}>"))
        })
        .filter_map(|(at, text)| {
            let text = text.replace("=\r\n", "").replace("=3D", "=");
            let start = text.find("token=rst_")? + 6;
            let token = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            Some((at, token))
        })
        .collect();
    mails.sort();
    mails.into_iter().map(|(_, token)| token).collect()
}

fn last_reset_token(app: &TestApp, email: &str) -> String {
    reset_tokens(app, email).pop().expect("a reset mail")
}

async fn forgot(app: &TestApp, email: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut request = client()
        .post(app.url("/api/v1/auth/password/forgot"))
        .json(&json!({ "email": email }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn reset_mails_are_limited_per_account_and_per_address_without_saying_so() {
    let app = TestApp::with_settings(
        true,
        &[
            ("reset_mails_per_account", "3"),
            ("reset_mails_per_address", "5"),
        ],
    )
    .await;
    let statuses = all_at_once(
        (0..6)
            .map(|_| {
                client()
                    .post(app.url("/api/v1/auth/password/forgot"))
                    .json(&json!({ "email": TOULON }))
            })
            .collect(),
    )
    .await;
    assert_eq!(count(&statuses, StatusCode::ACCEPTED), 6, "{statuses:?}");
    assert_eq!(reset_tokens(&app, TOULON).len(), 3);

    // The address has made 6 requests: over its 5, so another account gets nothing either,
    // and the answer is still the same.
    assert_eq!(forgot(&app, ROCHELLE, None).await, StatusCode::ACCEPTED);
    assert_eq!(reset_tokens(&app, ROCHELLE).len(), 0);

    // An administrator's reset for an account is not a public request: not limited.
    let token = app.token(ADMIN).await;
    let (_, accounts) = crate::support::call(
        &app,
        Method::GET,
        "/api/v1/accounts?per_page=100",
        &token,
        None,
    )
    .await;
    let id = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == TOULON)
        .expect("Toulon's contact")["id"]
        .as_i64()
        .unwrap();
    let (status, _) = crate::support::call(
        &app,
        Method::POST,
        &format!("/api/v1/accounts/{id}/password-reset"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(reset_tokens(&app, TOULON).len(), 4);
}

/// A wrong password for `email`, with `X-Forwarded-For: forwarded`: the answer's status.
async fn guess_via(app: &TestApp, email: &str, forwarded: &str) -> StatusCode {
    login_request(app, email, "guess")
        .header("x-forwarded-for", forwarded)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    // One failure per address locks it (4 × 1 for an address), to keep the test short.
    let direct = TestApp::with_settings(true, &[("login_max_failures", "1")]).await;
    for i in 0..4 {
        let forwarded = format!("198.51.100.{i}");
        let email = format!("nobody{i}@example.org");
        assert_eq!(
            guess_via(&direct, &email, &forwarded).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The header was not believed: all four came from 127.0.0.1, which is now locked.
    assert_eq!(
        guess_via(&direct, "someone@example.org", "198.51.100.200").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    let proxied = TestApp::with_settings(
        true,
        &[
            ("login_max_failures", "1"),
            ("trusted_proxies", "[\"127.0.0.1\"]"),
        ],
    )
    .await;
    for i in 0..4 {
        let email = format!("nobody{i}@example.org");
        assert_eq!(
            guess_via(&proxied, &email, "198.51.100.7").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        guess_via(&proxied, "someone@example.org", "198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is not locked out with the first; what that client
    // wrote itself on the left is passed over.
    assert_eq!(
        guess_via(
            &proxied,
            "someone@example.org",
            "198.51.100.7, 198.51.100.8"
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_page_warns_while_demo_accounts_can_sign_in() {
    let demo = TestApp::with_demo().await;
    for path in ["/login", "/nowhere"] {
        let page = demo.get(path).await.text().await.unwrap();
        assert!(page.contains("class=\"demo-banner\""), "{path}");
        assert!(page.contains("comptes de démonstration"), "{path}");
    }
    let empty = TestApp::spawn().await;
    let page = empty.get("/login").await.text().await.unwrap();
    assert!(!page.contains("demo-banner"));
}

#[tokio::test]
async fn a_refused_single_sign_on_return_never_signs_out_whoever_follows_it() {
    let app = TestApp::with_demo().await;
    let browser =
        crate::support::browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    // A link to the callback from anywhere, with a made-up state.
    let answer = browser
        .get(app.url("/login/sso/callback?state=forged&ticket=ST-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let home = browser.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK, "still signed in");
    // Signed out, the same refusal signs nobody in (the login page it shows keeps its CSRF
    // token in a session of its own).
    let anonymous = client();
    let answer = anonymous
        .get(app.url("/login/sso/callback?state=forged&ticket=ST-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let home = anonymous.get(app.url("/portal")).send().await.unwrap();
    assert!(home.status().is_redirection(), "{}", home.status());
}
