//! The test harness: each test gets the real application, on its own fresh database, served on
//! a loopback port and spoken to over HTTP.
//!
//! The database is a temporary SQLite file, or, when `DATABASE_URL` names a PostgreSQL or
//! MariaDB server, a database created for the test and dropped after it.

pub mod builders;
pub mod database;
#[cfg(feature = "imap")]
pub mod dovecot;
#[cfg(feature = "sso")]
pub mod llng;
pub mod smtp;

use std::net::SocketAddr;

use guichet::{AppState, config::Config};
use reqwest::{Client, Response, redirect::Policy};

pub use database::TestDb;

/// A running application with a client that keeps cookies.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Client with a cookie jar and no automatic redirects.
    pub client: Client,
    /// The state the server runs with (config, clock, mailer).
    pub state: AppState,
    /// The pool the server runs on, for tests that arrange or inspect rows directly.
    pub conn: sea_orm::DatabaseConnection,
    db: TestDb,
    _dir: tempfile::TempDir,
    /// With `TEST_SIGN_IN=sso`: the identity provider every sign-in goes through, started at
    /// the first sign-in.
    #[cfg(feature = "sso")]
    sso: tokio::sync::OnceCell<llng::SignInThrough>,
}

/// Whether the tests sign accounts in through single sign-on (`TEST_SIGN_IN=sso`, a test-only
/// switch, not a setting of Guichet's) rather than with their password: the sign-in helpers
/// ([`TestApp::token`], [`browser_signed_in`]) then open each session through LemonLDAP::NG's
/// CAS, so the same tests check access for accounts signed in that way.
fn sign_in_through_sso() -> bool {
    std::env::var("TEST_SIGN_IN").is_ok_and(|v| v == "sso")
}

impl TestApp {
    /// The application on an empty, migrated database.
    pub async fn spawn() -> TestApp {
        Self::build(false).await
    }

    /// The application on a database holding the demo consortium.
    #[allow(dead_code, reason = "not every test module loads the demo")]
    pub async fn with_demo() -> TestApp {
        Self::build(true).await
    }

    /// The application with settings of the test's own (e.g. an SMTP server).
    #[allow(dead_code, reason = "not every test module changes settings")]
    pub async fn with_settings(demo: bool, settings: &[(&str, &str)]) -> TestApp {
        Self::build_with(demo, settings).await
    }

    async fn build(demo: bool) -> TestApp {
        Self::build_with(demo, &[]).await
    }

    async fn build_with(demo: bool, settings: &[(&str, &str)]) -> TestApp {
        // Errors the server logs show up under the failing test.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("error")
            .try_init();
        let dir = tempfile::tempdir().expect("temp dir");
        let start = if demo {
            database::Start::Demo
        } else {
            database::Start::Migrated
        };
        let db = TestDb::from_template(dir.path(), start).await;
        // Bound first, so that the public base URL (links in mail, single sign-on callbacks) is
        // the one the server really answers on.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let mut figment = Config::defaults().merge(("base_url", format!("http://{addr}")));
        for (key, value) in settings {
            // Read as an environment variable's value is: "2" is a number, "true" a boolean,
            // "[…]" a list.
            let Ok(value) = value.parse::<figment::value::Value>();
            figment = figment.merge((*key, value));
        }
        let config = Config::from_figment(
            figment
                .merge(("database_url", db.url.clone()))
                .merge(("data_dir", dir.path().to_string_lossy().into_owned()))
                .merge(("database_max_connections", 4))
                // Tests run the job queue themselves (`guichet::jobs::tick`), when they choose.
                .merge(("jobs_poll_ms", 3_600_000))
                .merge(("demo", demo)),
        )
        .expect("test config");
        let conn = guichet::db::connect(&config).await.expect("connect");
        // A no-op on the template's copy, which is migrated already: kept so that the
        // application starts exactly as in production.
        guichet::db::migrate(&conn).await.expect("migrate");
        let state = AppState::new(conn.clone(), config)
            .expect("state")
            .with_readers()
            .await
            .expect("readers");
        tokio::spawn(guichet::server::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        TestApp {
            addr,
            client: client(),
            state,
            conn,
            db,
            _dir: dir,
            #[cfg(feature = "sso")]
            sso: tokio::sync::OnceCell::new(),
        }
    }

    /// The identity provider of `TEST_SIGN_IN=sso`, started on first use.
    #[cfg(feature = "sso")]
    async fn sso(&self) -> &llng::SignInThrough {
        self.sso
            .get_or_init(|| llng::SignInThrough::start(self))
            .await
    }

    /// A browser signed in as `email` through single sign-on.
    #[cfg(feature = "sso")]
    async fn sso_browser(&self, email: &str) -> Client {
        self.sso().await.browser(self, email).await
    }

    #[cfg(not(feature = "sso"))]
    async fn sso_browser(&self, _email: &str) -> Client {
        panic!("TEST_SIGN_IN=sso needs `--features sso`")
    }

    /// A bearer token made by a session opened through single sign-on.
    #[cfg(feature = "sso")]
    async fn sso_token(&self, email: &str) -> String {
        self.sso().await.token(self, email).await
    }

    #[cfg(not(feature = "sso"))]
    async fn sso_token(&self, _email: &str) -> String {
        panic!("TEST_SIGN_IN=sso needs `--features sso`")
    }

    /// Runs the due jobs as a server would at `now`, until none is left (tests set
    /// `jobs_poll_ms` so the server's own worker never does).
    #[allow(dead_code, reason = "only the job tests use it")]
    pub async fn run_due_jobs(&self, now: chrono::DateTime<chrono::Utc>) {
        while guichet::jobs::tick_at(&self.state, now)
            .await
            .expect("jobs run")
            > 0
        {}
    }

    /// Sets the clock to `now`, queues the periodic jobs' slots and runs what is due.
    #[allow(dead_code, reason = "only the job tests use it")]
    pub async fn run_jobs_at(&self, now: chrono::DateTime<chrono::Utc>) {
        self.state.clock.set(Some(now));
        guichet::jobs::Scheduler::default()
            .schedule(&self.state, now)
            .await
            .expect("periodic jobs queued");
        self.run_due_jobs(now).await;
    }

    /// The database's URL, for other processes on the same database.
    #[allow(dead_code, reason = "only the multi-process tests use it")]
    pub fn database_url(&self) -> &str {
        &self.db.url
    }

    /// The absolute URL of `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `GET path` with this app's client.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
pub fn client() -> Client {
    // reqwest's TLS (the webhooks' client) comes without a crypto provider of its own; the
    // process names ring, as `guichet` itself does at start.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// Signs in through the API and answers the bearer token (with `TEST_SIGN_IN=sso`, a
    /// token made by a session opened through single sign-on).
    #[allow(dead_code, reason = "not every test module uses the API")]
    pub async fn token(&self, email: &str) -> String {
        if sign_in_through_sso() {
            return self.sso_token(email).await;
        }
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": guichet::demo::PASSWORD }))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), 200, "sign-in of {email}");
        let body: serde_json::Value = response.json().await.expect("login body");
        body["token"].as_str().expect("token").to_owned()
    }

    /// An API request with a bearer token.
    #[allow(dead_code, reason = "not every test module uses the API")]
    pub fn api(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }
}

/// The `_csrf` value of the first form of a page.
#[allow(dead_code, reason = "not every test module posts forms")]
pub fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("input[name=_csrf]").expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("a _csrf field")
        .to_owned()
}

/// Fills and sends the login form in `browser`, as a person would.
#[allow(dead_code, reason = "not every test module signs in through pages")]
pub async fn form_login(browser: &Client, app: &TestApp, email: &str, password: &str) -> Response {
    let page = browser
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    let csrf = csrf_of(&page.text().await.expect("login html"));
    browser
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("login post")
}

/// A browser: its own cookie jar, signed in through the login form (with `TEST_SIGN_IN=sso`,
/// through single sign-on).
#[allow(dead_code, reason = "not every test module signs in through pages")]
pub async fn browser_signed_in(app: &TestApp, email: &str, password: &str) -> Client {
    if sign_in_through_sso() {
        return app.sso_browser(email).await;
    }
    let browser = client();
    let response = form_login(&browser, app, email, password).await;
    assert_eq!(
        response.status(),
        303,
        "sign-in of {email} through the form"
    );
    browser
}

/// The value of a `Set-Cookie` for `name` in a response, if any.
#[allow(dead_code, reason = "not every test module looks at cookies")]
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_owned)
}

/// An API call with a bearer token and an optional JSON body: the status and the JSON answer
/// (null when the body is not JSON).
#[allow(dead_code, reason = "not every test module uses the API")]
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut request = app.api(method, path, token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// The id of the subcategory of `offer` whose name contains `words`, as `token` reads it.
#[allow(dead_code, reason = "not every test module files tickets")]
pub async fn subcategory(app: &TestApp, token: &str, offer: &str, words: &str) -> i64 {
    let (_, offer) = call(
        app,
        reqwest::Method::GET,
        &format!("/api/v1/offers/{offer}"),
        token,
        None,
    )
    .await;
    offer["subcategories"]
        .as_array()
        .expect("subcategories")
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.contains(words)))
        .expect("a subcategory with these words")["id"]
        .as_i64()
        .expect("an id")
}
