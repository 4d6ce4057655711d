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
        llng::{Llng, OIDC_CLIENT, OIDC_SECRET, OTHER_CLIENT, OTHER_SECRET, at_provider},
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

    // A provider an administrator turns off while a sign-in is under way: the sign-in is
    // refused at its return, in French, and the sign-in page no longer offers it.
    let client = visitor();
    let url = at_provider(&client, app, w.larochelle_oidc, "louise").await;
    let admin = app.token("admin@demo.guichet").await;
    let (status, _) = crate::support::call(
        app,
        reqwest::Method::PATCH,
        &format!("/api/v1/identity-providers/{}", w.larochelle_oidc),
        &admin,
        Some(json!({ "revision": 1, "enabled": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("a été désactivée par un administrateur"),
        "{page}"
    );
    assert!(!is_signed_in(&client, app).await);
    assert!(!page.contains(&format!("/login/sso?provider={}", w.larochelle_oidc)));
    assert!(page.contains(&format!("/login/sso?provider={}", w.toulon_cas)));
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

/// The ID token LemonLDAP::NG signs for [`OTHER_CLIENT`] (by the password grant it allows that
/// client), fetched where the portal listens.
async fn other_clients_id_token(llng: &Llng, user: &str) -> String {
    let token: Value = crate::support::client()
        .post(format!("{}oauth2/token", llng.direct_url()))
        .basic_auth(OTHER_CLIENT, Some(OTHER_SECRET))
        .form(&[
            ("grant_type", "password"),
            ("username", user),
            ("password", user),
            ("scope", "openid email profile"),
        ])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("json");
    token["id_token"].as_str().expect("an ID token").to_owned()
}

/// A relay at the portal's public address that passes every request on unchanged, except,
/// while `substitute` is on, the token endpoint's answer: its ID token becomes `other`, one
/// the portal really signed, for another client. What a mix-up or a token substitution would
/// hand Guichet.
mod relay {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    use axum::{
        body::{Body, to_bytes},
        extract::{Request, State},
        response::Response,
    };

    #[derive(Clone)]
    pub struct Relay {
        pub upstream: String,
        pub other: String,
        pub substitute: Arc<AtomicBool>,
        pub client: reqwest::Client,
    }

    const HOP_BY_HOP: [&str; 4] = [
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
    ];

    async fn pass(State(relay): State<Relay>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body = to_bytes(body, 1 << 20).await.expect("request body");
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut headers = parts.headers.clone();
        for name in HOP_BY_HOP {
            headers.remove(name);
        }
        let answer = relay
            .client
            .request(
                parts.method.clone(),
                format!("{}{}", relay.upstream.trim_end_matches('/'), path),
            )
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("the portal answers");
        let status = answer.status();
        let mut headers = answer.headers().clone();
        for name in HOP_BY_HOP {
            headers.remove(name);
        }
        let mut bytes = answer.bytes().await.expect("answer body").to_vec();
        if parts.uri.path() == "/oauth2/token" && relay.substitute.load(Ordering::SeqCst) {
            let mut json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            json["id_token"] = serde_json::Value::String(relay.other.clone());
            bytes = serde_json::to_vec(&json).expect("json");
        }
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }

    /// Serves the relay on `listener`.
    pub fn spawn(listener: tokio::net::TcpListener, relay: Relay) {
        let app = axum::Router::new().fallback(pass).with_state(relay);
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
}

/// Through the sign-in page: the portal authenticates the person and the code exchange
/// succeeds, but the ID token that comes back was signed for another relying party. Guichet
/// refuses it (403, in French), and no session is signed in. The same flow without the
/// substitution signs in, so the refusal is the token's.
#[tokio::test]
async fn an_id_token_for_another_client_is_refused_at_the_sign_in() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    let app = TestApp::with_demo().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let public = listener.local_addr().expect("address").port();
    let llng = Llng::start_behind(&app.url(""), USERS, public);
    let substitute = Arc::new(AtomicBool::new(false));
    relay::spawn(
        listener,
        relay::Relay {
            upstream: llng.direct_url(),
            other: other_clients_id_token(&llng, "louise").await,
            substitute: substitute.clone(),
            client: guichet::sso::http_client::client().expect("client"),
        },
    );
    let admin = app.token("admin@demo.guichet").await;
    let larochelle = organisation_of(&app, LA_ROCHELLE).await;
    let response = app
        .api(reqwest::Method::POST, "/api/v1/identity-providers", &admin)
        .json(&json!({
            "organisation_id": larochelle, "kind": "oidc", "label": "La Rochelle Université",
            "server_url": llng.url, "client_id": OIDC_CLIENT, "client_secret": OIDC_SECRET,
            "email_domains": ["univ-larochelle.demo.guichet"]
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::CREATED);
    let provider = response.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");

    let client = visitor();
    let url = at_provider(&client, &app, provider, "louise").await;
    let (status, _) = callback(&client, &url).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "through the relay, unchanged"
    );
    let signed_in_before = signed_in_sessions(&app).await;

    substitute.store(true, Ordering::SeqCst);
    let client = visitor();
    let url = at_provider(&client, &app, provider, "louise").await;
    let (status, page) = callback(&client, &url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("la réponse du fournisseur d’identité n’a pas passé les vérifications"),
        "{page}"
    );
    assert!(!is_signed_in(&client, &app).await);
    assert_eq!(signed_in_sessions(&app).await, signed_in_before);
    drop(llng);
}
