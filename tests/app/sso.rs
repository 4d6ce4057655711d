//! Single sign-on against a real identity provider, LemonLDAP::NG (see `support::llng`),
//! serving CAS to one establishment (Toulon) and OpenID Connect to another (La Rochelle):
//! headless Chromium signs in through each and out again; the refusals are driven over HTTP,
//! each leaving no signed-in session and saying why in French.

use std::time::Duration;

use entity::{account, session};
use openidconnect::core::CoreIdToken;
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    browser::{Driver, Person},
    support::{
        TestApp,
        llng::{Llng, OIDC_CLIENT, OIDC_SECRET, OTHER_CLIENT, OTHER_SECRET},
    },
};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const LA_ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
/// A Toulon account whose local part a La Rochelle identity shares.
const MARIE_TOULON: &str = "marie@univ-toulon.demo.guichet";

/// The identity provider's users: login (= password), e-mail, name.
const USERS: &[(&str, &str, &str)] = &[
    ("thomas", TOULON, "Thomas Toulon"),
    ("louise", LA_ROCHELLE, "Louise Larochelle"),
    (
        "marie",
        "marie@univ-larochelle.demo.guichet",
        "Marie Larochelle",
    ),
    ("nouveau", "nouveau@univ-toulon.demo.guichet", "Noé Nouveau"),
];

/// The demo, the portal, and two providers: Toulon's CAS (which creates contacts) and La
/// Rochelle's OpenID Connect.
struct World {
    app: TestApp,
    llng: Llng,
    toulon_cas: i64,
    larochelle_oidc: i64,
}

async fn organisation_of(app: &TestApp, email: &str) -> i64 {
    guichet::db::Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(email))
        .one(&app.conn)
        .await
        .expect("query")
        .expect("the demo account")
        .organisation_id
}

async fn world() -> World {
    let app = TestApp::with_demo().await;
    let llng = Llng::start(&app.url(""), USERS);
    let admin = app.token("admin@demo.guichet").await;
    let toulon = organisation_of(&app, TOULON).await;
    let larochelle = organisation_of(&app, LA_ROCHELLE).await;
    let create = |body: Value| {
        let request = app.api(reqwest::Method::POST, "/api/v1/identity-providers", &admin);
        async move {
            let response = request.json(&body).send().await.expect("request");
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<Value>().await.expect("json")["id"]
                .as_i64()
                .expect("id")
        }
    };
    let toulon_cas = create(json!({
        "organisation_id": toulon, "kind": "cas", "label": "Université de Toulon",
        "server_url": format!("{}cas", llng.url),
        "email_domains": ["univ-toulon.demo.guichet"], "create_contacts": true
    }))
    .await;
    let larochelle_oidc = create(json!({
        "organisation_id": larochelle, "kind": "oidc", "label": "La Rochelle Université",
        "server_url": llng.url, "client_id": OIDC_CLIENT, "client_secret": OIDC_SECRET,
        "email_domains": ["univ-larochelle.demo.guichet"]
    }))
    .await;
    // Marie has a Toulon account; La Rochelle's provider will assert marie@univ-larochelle.
    let response = app
        .api(reqwest::Method::POST, "/api/v1/accounts", &admin)
        .json(&json!({
            "email": MARIE_TOULON, "display_name": "Marie Toulon",
            "organisation_id": toulon, "roles": ["contact"]
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::CREATED);
    World {
        app,
        llng,
        toulon_cas,
        larochelle_oidc,
    }
}

/// Sessions that name an account: a sign-in happened.
async fn signed_in_sessions(app: &TestApp) -> u64 {
    guichet::db::Unscoped::find::<session::Entity>()
        .filter(session::Column::AccountId.is_not_null())
        .count(&app.conn)
        .await
        .expect("count")
}

fn visitor() -> Client {
    crate::support::client()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a redirection")
        .to_owned()
}

/// Starts a sign-in with `provider` and signs in at the portal as `user`: the callback URL the
/// portal sends the browser to (not followed).
async fn at_provider(client: &Client, app: &TestApp, provider: i64, user: &str) -> String {
    let start = client
        .get(app.url(&format!("/login/sso?provider={provider}")))
        .send()
        .await
        .expect("start");
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let login = location(&start);
    let page = client
        .get(&login)
        .send()
        .await
        .expect("portal")
        .text()
        .await
        .expect("html");
    let mut fields: Vec<(String, String)> = {
        let doc = scraper::Html::parse_document(&page);
        let hidden = scraper::Selector::parse("form#lform input[type=hidden]").expect("selector");
        doc.select(&hidden)
            .filter_map(|i| {
                let name = i.value().attr("name")?;
                Some((
                    name.to_owned(),
                    i.value().attr("value").unwrap_or("").to_owned(),
                ))
            })
            .collect()
    };
    fields.push(("user".to_owned(), user.to_owned()));
    fields.push(("password".to_owned(), user.to_owned()));
    let signed = client
        .post(&login)
        .form(&fields)
        .send()
        .await
        .expect("portal sign-in");
    assert_eq!(
        signed.status(),
        StatusCode::FOUND,
        "{}",
        signed.text().await.unwrap_or_default()
    );
    let callback = location(&signed);
    assert!(
        callback.starts_with(&app.url("/login/sso/callback")),
        "{callback}"
    );
    callback
}

/// Follows a callback: its status and page.
async fn callback(client: &Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("callback");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn is_signed_in(client: &Client, app: &TestApp) -> bool {
    let response = client.get(app.url("/portal")).send().await.expect("portal");
    response.status() == StatusCode::OK
}

#[tokio::test]
async fn signing_in_through_cas_and_openid_connect_in_a_browser() {
    let w = world().await;
    let driver = Driver::start();
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &w.app,
    };

    // CAS: Toulon's contact clicks their establishment's button, signs in at the portal,
    // lands on the portal home, sees the provider on their account page, and signs out of both.
    me.open("/login").await;
    me.click(&format!("a[href^='/login/sso?provider={}']", w.toulon_cas))
        .await;
    me.type_in("input[name=user]", "thomas").await;
    me.type_in("input[name=password]", "thomas").await;
    me.click("form#lform button[type=submit]").await;
    me.css("form[action='/logout']").await;
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), "/portal", "{url}");
    me.open("/account/notifications").await;
    let via = me.css("p.signed-via").await.text().await.expect("text");
    assert!(via.contains("Université de Toulon"), "{via}");
    me.sign_out_to_provider().await;

    // The last choice is remembered: offered first. OpenID Connect: La Rochelle's contact.
    me.open("/login").await;
    let first = me
        .css("ul.sso-buttons li:first-child a")
        .await
        .text()
        .await
        .expect("text");
    assert!(first.contains("Université de Toulon"), "{first}");
    me.click(&format!(
        "a[href^='/login/sso?provider={}']",
        w.larochelle_oidc
    ))
    .await;
    me.type_in("input[name=user]", "louise").await;
    me.type_in("input[name=password]", "louise").await;
    me.click("form#lform button[type=submit]").await;
    me.css("form[action='/logout']").await;
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), "/portal", "{url}");
    let who = me.css("body").await.text().await.expect("text");
    assert!(who.contains("Louise Larochelle"), "{who}");
    me.sign_out_to_provider().await;
    // Signed out of the provider too: a new sign-in asks for the password again.
    me.open(&format!("/login/sso?provider={}", w.larochelle_oidc))
        .await;
    me.css("input[name=user]").await;
    drop(w.llng);
}

impl Person<'_> {
    /// Signs out of Guichet, then of the provider by the page's link, which comes back to the
    /// sign-in page.
    async fn sign_out_to_provider(&self) {
        self.click("form[action='/logout'] button").await;
        self.click("a#provider-logout").await;
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.browser.current_url().await.expect("url");
            if url.as_str().starts_with(&self.app.url("/login")) {
                break;
            }
            // LemonLDAP::NG asks to confirm an OpenID Connect logout.
            if !url.as_str().starts_with(&self.app.url(""))
                && let Ok(confirm) = self
                    .browser
                    .find(fantoccini::Locator::Css("form button[type=submit]"))
                    .await
            {
                let _ = confirm.click().await;
            }
            assert!(std::time::Instant::now() < deadline, "still at {url}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.css("input[name=email]").await;
    }
}

#[tokio::test]
async fn refusals_leave_no_session_and_say_why() {
    let w = world().await;
    let app = &w.app;

    // A wrong `state`: the callback is refused before the code is even looked at.
    let client = visitor();
    let url = at_provider(&client, app, w.larochelle_oidc, "louise").await;
    let mut forged = url::Url::parse(&url).expect("url");
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("forged{v}")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let forged = forged.to_string();
    let (status, page) = callback(&client, &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("la demande de connexion est inconnue"),
        "{page}"
    );
    assert!(!is_signed_in(&client, app).await);

    // A replayed CAS ticket: good once, then refused, by us (the state is spent) and by the CAS
    // server (the ticket is spent) when it comes with a fresh state.
    let client = visitor();
    let url = at_provider(&client, app, w.toulon_cas, "thomas").await;
    let (status, _) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(is_signed_in(&client, app).await);
    assert_eq!(signed_in_sessions(app).await, 1);
    let ticket = url.split("ticket=").nth(1).expect("a ticket").to_owned();
    let replayer = visitor();
    let (status, page) = callback(&replayer, &url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("la demande de connexion est inconnue"),
        "{page}"
    );
    let start = replayer
        .get(app.url(&format!("/login/sso?provider={}", w.toulon_cas)))
        .send()
        .await
        .expect("start");
    let fresh = location(&start);
    let service = fresh.split("service=").nth(1).expect("service");
    let service: String = url::form_urlencoded::parse(format!("s={service}").as_bytes())
        .next()
        .expect("decoded")
        .1
        .into_owned();
    let (status, page) = callback(&replayer, &format!("{service}&ticket={ticket}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("n’a pas validé le ticket"), "{page}");
    assert!(!is_signed_in(&replayer, app).await);

    // An e-mail of another establishment's domain: La Rochelle's Louise through Toulon's CAS.
    let client = visitor();
    let url = at_provider(&client, app, w.toulon_cas, "louise").await;
    let (status, page) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("n’appartient pas à un domaine autorisé"),
        "{page}"
    );
    assert!(!is_signed_in(&client, app).await);

    // An account of another establishment with the same local part: marie@univ-larochelle
    // through La Rochelle's provider finds no La Rochelle account (Marie's is Toulon's).
    let client = visitor();
    let url = at_provider(&client, app, w.larochelle_oidc, "marie").await;
    let (status, page) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("aucun compte actif de cet établissement"),
        "{page}"
    );
    assert!(!is_signed_in(&client, app).await);

    // Only the one good sign-in made a session.
    assert_eq!(signed_in_sessions(app).await, 1);

    // Toulon's provider creates contacts: an unknown Toulon address becomes one.
    let client = visitor();
    let url = at_provider(&client, app, w.toulon_cas, "nouveau").await;
    let (status, _) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(is_signed_in(&client, app).await);
    let created = guichet::db::Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq("nouveau@univ-toulon.demo.guichet"))
        .one(&app.conn)
        .await
        .expect("query")
        .expect("created");
    assert_eq!(created.organisation_id, organisation_of(app, TOULON).await);
    assert_eq!(created.display_name, "Noé Nouveau");
}

/// An ID token the provider signed for another client is refused by Guichet's verification
/// (the audience), while the same token passes for the client it was meant for.
#[tokio::test]
async fn an_id_token_for_another_client_is_refused() {
    let w = world().await;
    let http = guichet::sso::http_client::client().expect("client");
    let metadata = guichet::sso::oidc::discover(&http, &w.llng.url)
        .await
        .expect("discovery");
    let token: Value = http
        .post(format!("{}oauth2/token", w.llng.url))
        .basic_auth(OTHER_CLIENT, Some(OTHER_SECRET))
        .form(&[
            ("grant_type", "password"),
            ("username", "louise"),
            ("password", "louise"),
            ("scope", "openid email profile"),
        ])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("json");
    let raw = token["id_token"].as_str().expect("an ID token");
    let id_token: CoreIdToken = raw.parse().expect("a JWT");
    let any_nonce = |_: Option<&openidconnect::Nonce>| Ok(());
    let ours = guichet::sso::oidc::verifier(&metadata, OIDC_CLIENT, OIDC_SECRET);
    assert_eq!(
        guichet::sso::oidc::verified_claims(&id_token, &ours, any_nonce).err(),
        Some(guichet::sso::refusal::Refusal::Token)
    );
    let theirs = guichet::sso::oidc::verifier(&metadata, OTHER_CLIENT, OTHER_SECRET);
    let claims = guichet::sso::oidc::verified_claims(&id_token, &theirs, any_nonce)
        .expect("valid for its own client");
    assert_eq!(claims.email().map(|e| e.as_str()), Some(LA_ROCHELLE));
}
