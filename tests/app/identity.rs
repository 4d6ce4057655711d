//! Signing in and out, sessions, CSRF, the lock-out, password reset, tokens, deactivation and
//! the contact cap — all through HTTP.

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, client, csrf_of, form_login, set_cookie};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ADMIN: &str = "admin@demo.guichet";

async fn api_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = TestApp::with_demo().await;
    let unknown = api_login(&app, "nobody@nowhere.example", "demo").await;
    let wrong = api_login(&app, TOULON, "not the password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown: Value = unknown.json().await.unwrap();
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(unknown, wrong);
    assert_eq!(unknown["error"]["code"], "invalid_credentials");

    // The same through the form: one page for both, but for the address echoed back.
    let browser = client();
    let mut pages = Vec::new();
    for (email, password) in [("nobody@nowhere.example", "demo"), (TOULON, "wrong")] {
        let response = form_login(&browser, &app, email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let text = response.text().await.unwrap();
        assert!(text.contains("Adresse e-mail ou mot de passe incorrect."));
        pages.push(text.replace(email, ""));
    }
    assert_eq!(pages[0], pages[1]);
}

#[tokio::test]
async fn a_good_sign_in_gives_a_token_that_says_who_i_am() {
    let app = TestApp::with_demo().await;
    let token = app.token("agent.geforp@demo.guichet").await;
    let me: Value = app
        .api(Method::GET, "/api/v1/me", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "agent.geforp@demo.guichet");
    assert_eq!(me["organisation"]["code"], "AMU");
    assert_eq!(me["roles"], json!(["agent"]));
    assert_eq!(me["teams"][0]["name"], "Équipe GEFORP");
    assert!(me["teams"][0]["id"].is_i64());
    assert!(me["id"].is_i64());

    let anonymous = app.get("/api/v1/me").await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = TestApp::with_demo().await;
    let max = app.state.config.login_max_failures;
    for _ in 0..max {
        assert_eq!(
            api_login(&app, TOULON, "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked now, even with the right password, and the answer says for how long.
    let locked = api_login(&app, TOULON, "demo").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let body: Value = locked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");

    // The form says it clearly too.
    let response = form_login(&client(), &app, TOULON, "demo").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Trop de tentatives")
    );

    // Another account from the same address is not locked out.
    assert_eq!(
        api_login(&app, "contact@univ-larochelle.demo.guichet", "demo")
            .await
            .status(),
        StatusCode::OK
    );

    // When the lock has passed, the right password works again.
    guichet::db::Unscoped::update_many::<entity::login_throttle::Entity>()
        .col_expr(
            entity::login_throttle::Column::LockedUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.conn)
        .await
        .unwrap();
    assert_eq!(
        api_login(&app, TOULON, "demo").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn signing_in_changes_the_session_id_and_logging_out_ends_it_on_the_server() {
    let app = TestApp::with_demo().await;
    let browser = client();
    let page = browser.get(app.url("/login")).send().await.unwrap();
    let before = set_cookie(&page, "guichet_session").expect("a session before sign-in");
    let csrf = csrf_of(&page.text().await.unwrap());
    let response = browser
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", ADMIN),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = set_cookie(&response, "guichet_session").expect("a new session id");
    assert_ne!(before, after);
    let cookie = set_cookie_header(&after);
    assert!(response.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.contains("HttpOnly") && c.contains("SameSite=Lax")
    }));

    // The pre-login id signs no one in.
    let stale = client()
        .get(app.url("/desk"))
        .header("cookie", set_cookie_header(&before))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::SEE_OTHER);
    assert!(
        stale.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // The new one does.
    let desk = client()
        .get(app.url("/desk"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(desk.status(), StatusCode::OK);

    // Logging out ends the session on the server: the same cookie replayed is refused.
    let html = browser
        .get(app.url("/desk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let out = browser
        .post(app.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = client()
        .get(app.url("/desk"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
}

fn set_cookie_header(value: &str) -> String {
    format!("guichet_session={value}")
}

#[tokio::test]
async fn a_form_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, ADMIN, "demo").await;
    let html = browser
        .get(app.url("/desk/organisations/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let good = csrf_of(&html);
    let count = || async {
        let token = app.token(ADMIN).await;
        let list: Value = app
            .api(Method::GET, "/api/v1/organisations", &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list["total"].as_u64().unwrap()
    };
    let before = count().await;
    for token in [None, Some("forged"), Some("")] {
        let mut form = vec![("code", "NEW"), ("name", "Nouvelle"), ("parent_id", "1")];
        if let Some(token) = token {
            form.push(("_csrf", token));
        }
        let response = browser
            .post(app.url("/desk/organisations"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{token:?}");
    }
    // A page of another site posting with the right token is refused as well.
    let response = browser
        .post(app.url("/desk/organisations"))
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", good.as_str()),
            ("code", "NEW"),
            ("name", "Nouvelle"),
            ("parent_id", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(count().await, before);

    // With the token, from this site, it goes through.
    let response = browser
        .post(app.url("/desk/organisations"))
        .form(&[
            ("_csrf", good.as_str()),
            ("code", "NEW"),
            ("name", "Nouvelle"),
            ("parent_id", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, before + 1);

    // Sign-in itself needs the token.
    let response = client()
        .post(app.url("/login"))
        .form(&[("email", ADMIN), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// The reset token of the last mail written to the `.eml` folder for `email`.
fn mailed_token(app: &TestApp, email: &str) -> String {
    let folder = app.state.config.data_dir.join("mail");
    let mut found = None;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains(&format!("To: {email}")) || text.contains(&format!("<{email}>")) {
            let unfolded = text.replace("=\r\n", "").replace("=3D", "=");
            if let Some(at) = unfolded.find("token=rst_") {
                let token: String = unfolded[at + 6..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                found = Some(token);
            }
        }
    }
    found.expect("a reset mail")
}

#[tokio::test]
async fn a_reset_link_works_once_ends_every_session_and_expires_after_an_hour() {
    let app = TestApp::with_demo().await;
    let other_browser = browser_signed_in(&app, TOULON, "demo").await;
    assert_eq!(
        other_browser
            .get(app.url("/portal"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Asking says the same for a known and an unknown address.
    for email in [TOULON, "nobody@nowhere.example"] {
        let response = app
            .client
            .post(app.url("/api/v1/auth/password/forgot"))
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let token = mailed_token(&app, TOULON);
    let reset = |token: String, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/password/reset"))
                .json(&json!({ "token": token, "password": password }))
                .send()
                .await
                .unwrap()
        }
    };
    let short = reset(token.clone(), "short").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let used = reset(token.clone(), "a brand new password").await;
    assert_eq!(used.status(), StatusCode::NO_CONTENT);
    let again = reset(token, "yet another password").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "token");

    assert_eq!(
        api_login(&app, TOULON, "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api_login(&app, TOULON, "a brand new password")
            .await
            .status(),
        StatusCode::OK
    );
    // The session opened before the reset is over.
    let after = other_browser.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);

    // A link older than an hour is refused.
    let response = app
        .client
        .post(app.url("/api/v1/auth/password/forgot"))
        .json(&json!({ "email": ADMIN }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let token = mailed_token(&app, ADMIN);
    guichet::db::Unscoped::update_many::<entity::password_reset::Entity>()
        .col_expr(
            entity::password_reset::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(entity::password_reset::Column::UsedAt.is_null())
        .exec(&app.conn)
        .await
        .unwrap();
    let expired = reset(token, "a brand new password").await;
    assert_eq!(expired.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api_login(&app, ADMIN, "demo").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_revoked_token_gets_401_and_tokens_are_private_to_their_owner() {
    let app = TestApp::with_demo().await;
    let session = app.token(TOULON).await;
    let created: Value = app
        .api(Method::POST, "/api/v1/tokens", &session)
        .json(&json!({ "name": "script", "expires_in_days": 30 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let personal = created["token"].as_str().unwrap().to_owned();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &personal)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // Someone else cannot revoke it, nor learn it exists.
    let other = app.token("contact@univ-larochelle.demo.guichet").await;
    let response = app
        .api(Method::DELETE, &format!("/api/v1/tokens/{id}"), &other)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &personal)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let listed: Value = app
        .api(Method::GET, "/api/v1/tokens", &other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id)
    );

    let response = app
        .api(Method::DELETE, &format!("/api/v1/tokens/{id}"), &session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &personal)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Logging out revokes the sign-in token.
    let response = app
        .api(Method::POST, "/api/v1/auth/logout", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &session)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn account_id(app: &TestApp, admin: &str, email: &str) -> (i64, i64) {
    let list: Value = app
        .api(Method::GET, "/api/v1/accounts?per_page=200", admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == email)
        .unwrap()
        .clone();
    (
        account["id"].as_i64().unwrap(),
        account["revision"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_deactivated_account_is_out_at_once() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let browser = browser_signed_in(&app, TOULON, "demo").await;
    let token = app.token(TOULON).await;
    let (id, revision) = account_id(&app, &admin, TOULON).await;

    let response = app
        .api(Method::PATCH, &format!("/api/v1/accounts/{id}"), &admin)
        .json(&json!({ "revision": revision, "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        browser
            .get(app.url("/portal"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api_login(&app, TOULON, "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A stale revision is a conflict, and changes nothing.
    let response = app
        .api(Method::PATCH, &format!("/api/v1/accounts/{id}"), &admin)
        .json(&json!({ "revision": revision, "active": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        api_login(&app, TOULON, "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_client_organisation_cannot_go_over_its_contact_cap() {
    let app = TestApp::with_demo().await;
    let admin = app.token(ADMIN).await;
    let me: Value = app
        .api(Method::GET, "/api/v1/accounts?per_page=200", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let toulon = me["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == TOULON)
        .unwrap()["organisation_id"]
        .as_i64()
        .unwrap();
    let cap = app.state.config.max_contacts_per_organisation;
    // Toulon has one contact in the demo.
    for n in 1..cap {
        let response = app
            .api(Method::POST, "/api/v1/accounts", &admin)
            .json(&json!({ "email": format!("pcu{n}@univ-toulon.example"), "display_name": format!("PCU {n}"),
                           "organisation_id": toulon, "roles": ["contact"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "contact {n}");
    }
    let response = app
        .api(Method::POST, "/api/v1/accounts", &admin)
        .json(
            &json!({ "email": "one-too-many@univ-toulon.example", "display_name": "De trop",
                       "organisation_id": toulon, "roles": ["contact"] }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "roles");
    let (_, _) = account_id(&app, &admin, "pcu1@univ-toulon.example").await;
    let list: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/accounts?organisation={toulon}&per_page=200"),
            &admin,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["email"] != "one-too-many@univ-toulon.example")
    );

    // Bad input names its field and writes nothing.
    let response = app
        .api(Method::POST, "/api/v1/accounts", &admin)
        .json(
            &json!({ "email": "not-an-address", "display_name": "", "organisation_id": toulon,
                       "roles": ["agent"] }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"email") && fields.contains(&"display_name"),
        "{fields:?}"
    );
}

#[tokio::test]
async fn the_admin_pages_create_an_account_and_a_team_through_forms() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let html = browser
        .get(app.url("/desk/teams/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    // A coordinator cannot be made to grant the admin role.
    let response = browser
        .post(app.url("/desk/accounts"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "new@demo.example"),
            ("display_name", "Nouveau"),
            ("organisation_id", "1"),
            ("roles", "admin"),
            ("language", "fr"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .post(app.url("/desk/accounts"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "new@demo.example"),
            ("display_name", "Nouveau"),
            ("organisation_id", "1"),
            ("roles", "agent"),
            ("roles", "committee"),
            ("language", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let account_page = response.headers()["location"].to_str().unwrap().to_owned();
    let html = browser
        .get(app.url(&account_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("new@demo.example"));
    // The new account was mailed a link to choose its password.
    let token = mailed_token(&app, "new@demo.example");
    assert!(token.starts_with("rst_"));

    // A form error is shown next to its field, nothing is written.
    let response = browser
        .post(app.url("/desk/teams"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("organisation_id", "1"),
            ("name", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("id=\"name-error\""));
    let response = browser
        .post(app.url("/desk/teams"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("organisation_id", "1"),
            ("name", "Support N2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let team_page = response.headers()["location"].to_str().unwrap().to_owned();
    let account_id = account_page.rsplit('/').next().unwrap().to_owned();
    let response = browser
        .post(app.url(&format!("{team_page}/members")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("account_id", account_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = browser
        .get(app.url(&team_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("new@demo.example"));
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let app = TestApp::with_demo().await;
    let (admin_id, _) = {
        let token = app.token(ADMIN).await;
        account_id(&app, &token, ADMIN).await
    };
    let sessions = || async {
        guichet::db::Unscoped::find::<entity::session::Entity>()
            .filter(entity::session::Column::AccountId.eq(admin_id))
            .all(&app.conn)
            .await
            .unwrap()
    };

    // Absolute: a sign-in older than `session_absolute_hours` no longer counts, however busy.
    let browser = browser_signed_in(&app, ADMIN, "demo").await;
    assert_eq!(
        browser.get(app.url("/desk")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let hours = app.state.config.session_absolute_hours;
    for row in sessions().await {
        let mut data: Value = serde_json::from_str(&row.data).unwrap();
        let at = data["signed_in"]["at"].as_i64().unwrap();
        data["signed_in"]["at"] = json!(at - hours * 3600 - 1);
        let mut active: entity::session::ActiveModel = row.into();
        active.data = Set(data.to_string());
        #[allow(clippy::disallowed_methods, reason = "the test ages a session by hand")]
        active.update(&app.conn).await.unwrap();
    }
    let response = browser.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Idle: a session past its expiry is not loaded.
    let browser = browser_signed_in(&app, ADMIN, "demo").await;
    assert_eq!(
        browser.get(app.url("/desk")).send().await.unwrap().status(),
        StatusCode::OK
    );
    guichet::db::Unscoped::update_many::<entity::session::Entity>()
        .col_expr(
            entity::session::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(entity::session::Column::AccountId.eq(admin_id))
        .exec(&app.conn)
        .await
        .unwrap();
    let response = browser.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
