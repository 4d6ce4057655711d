//! A database per test: a SQLite file, or a PostgreSQL/MariaDB database created and dropped.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database};

/// The database of one test. Dropping it drops a server database.
pub struct TestDb {
    /// URL the application connects to.
    pub url: String,
    server: Option<ServerDb>,
}

struct ServerDb {
    admin_url: String,
    name: String,
    postgres: bool,
}

impl TestDb {
    /// A fresh database: on the server named by `DATABASE_URL` if it is PostgreSQL or MariaDB,
    /// else a SQLite file in `dir`.
    pub async fn create(dir: &Path) -> TestDb {
        let base = std::env::var("DATABASE_URL").unwrap_or_default();
        let postgres = base.starts_with("postgres");
        let mysql = base.starts_with("mysql") || base.starts_with("mariadb");
        if !(postgres || mysql) {
            return TestDb {
                url: format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
                server: None,
            };
        }
        let base = base.replacen("mariadb://", "mysql://", 1);
        let name = format!(
            "guichet_t_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        );
        let admin = Database::connect(&base)
            .await
            .expect("connect to the test server");
        let create = if postgres {
            format!("CREATE DATABASE \"{name}\"")
        } else {
            format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        };
        admin
            .execute_unprepared(&create)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        TestDb {
            url: url.to_string(),
            server: Some(ServerDb {
                admin_url: base,
                name,
                postgres,
            }),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread with
        // its own small runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let admin = Database::connect(&server.admin_url).await?;
                let sql = if server.postgres {
                    format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", server.name)
                } else {
                    format!("DROP DATABASE IF EXISTS `{}`", server.name)
                };
                admin.execute_unprepared(&sql).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop a test database: {dropped:?}");
        }
    }
}
