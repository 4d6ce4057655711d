//! A new password ends the account's other browser sessions, through the API and through the
//! account page; the page that made the change stays signed in under a new session id; API
//! tokens stay valid (each is a credential of its own, listed and revoked one by one).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, browser_signed_in, call, csrf_of};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const NEW_PASSWORD: &str = "une phrase de passe bien plus longue";

/// Whether `browser` is still signed in: `/account` answers its page, or sends to sign-in.
async fn signed_in(app: &TestApp, browser: &reqwest::Client) -> bool {
    let response = browser.get(app.url("/account")).send().await.unwrap();
    match response.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER | StatusCode::FOUND | StatusCode::UNAUTHORIZED => false,
        other => panic!("/account answered {other}"),
    }
}

#[tokio::test]
async fn a_new_password_through_the_api_signs_out_every_session_and_keeps_tokens() {
    let app = TestApp::with_demo().await;
    let office = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let laptop = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let colleague = browser_signed_in(&app, RENNES, guichet::demo::PASSWORD).await;
    let token = app.token(TOULON).await;
    let script = app.token(TOULON).await;
    assert!(signed_in(&app, &office).await && signed_in(&app, &laptop).await);

    let (_, me) = call(&app, Method::GET, "/api/v1/me", &token, None).await;
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &token,
        Some(json!({
            "revision": me["revision"], "new_password": NEW_PASSWORD,
            "current_password": guichet::demo::PASSWORD
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert!(
        !signed_in(&app, &office).await,
        "a session outlived the change"
    );
    assert!(
        !signed_in(&app, &laptop).await,
        "a session outlived the change"
    );
    // Another account's session is not touched.
    assert!(signed_in(&app, &colleague).await);
    // Both tokens still answer: the one the change came with and another.
    for token in [&token, &script] {
        let (status, _) = call(&app, Method::GET, "/api/v1/me", token, None).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_new_password_on_the_account_page_keeps_this_session_under_a_new_id() {
    let app = TestApp::with_demo().await;
    let here = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let elsewhere = browser_signed_in(&app, TOULON, guichet::demo::PASSWORD).await;
    let token = app.token(TOULON).await;
    let page = here
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let revision = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("input[name=revision]").unwrap())
        .next()
        .and_then(|input| input.value().attr("value"))
        .unwrap()
        .to_owned();
    let form = |current: &str| {
        vec![
            ("_csrf", csrf_of(&page)),
            ("revision", revision.clone()),
            ("display_name", "Thomas Toulon".to_owned()),
            ("language", "fr".to_owned()),
            ("current_password", current.to_owned()),
            ("new_password", NEW_PASSWORD.to_owned()),
        ]
    };

    // A wrong current password: refused beside its field, nobody signed out.
    let refused = here
        .post(app.url("/account"))
        .form(&form("pas le bon"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("id=\"current_password-error\"")
    );
    assert!(signed_in(&app, &elsewhere).await);

    let changed = here
        .post(app.url("/account"))
        .form(&form(guichet::demo::PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let rotated = crate::support::set_cookie(&changed, "guichet_session");
    assert!(rotated.is_some(), "the session was not moved to a new id");

    assert!(
        signed_in(&app, &here).await,
        "the page that changed it was signed out"
    );
    assert!(
        !signed_in(&app, &elsewhere).await,
        "another session outlived the change"
    );
    let (status, _) = call(&app, Method::GET, "/api/v1/me", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    // The new password is the one that signs in now.
    browser_signed_in(&app, TOULON, NEW_PASSWORD).await;
}
