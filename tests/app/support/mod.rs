//! The test harness: each test gets the real application, on its own fresh database, served on
//! a loopback port and spoken to over HTTP.
//!
//! The database is a temporary SQLite file, or, when `DATABASE_URL` names a PostgreSQL or
//! MariaDB server, a database created for the test and dropped after it.

pub mod database;

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
    /// The state the server runs with (database handle, config).
    pub state: AppState,
    _db: TestDb,
    _dir: tempfile::TempDir,
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

    async fn build(demo: bool) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::create(dir.path()).await;
        let config = Config::from_figment(
            Config::defaults()
                .merge(("database_url", db.url.clone()))
                .merge(("data_dir", dir.path().to_string_lossy().into_owned()))
                .merge(("database_max_connections", 4))
                .merge(("demo", demo)),
        )
        .expect("test config");
        let conn = guichet::db::connect(&config).await.expect("connect");
        guichet::db::migrate(&conn).await.expect("migrate");
        if demo {
            guichet::demo::load(&conn).await.expect("demo data");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let state = AppState::new(conn, config).expect("state");
        tokio::spawn(guichet::server::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        TestApp {
            addr,
            client: client(),
            state,
            _db: db,
            _dir: dir,
        }
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
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}
