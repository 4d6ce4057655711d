//! A database per test: a SQLite file, or a PostgreSQL/MariaDB database created and dropped.
//!
//! Most tests start from the migrated schema, many with the demo consortium in it. Migrating
//! and loading the demo for each test cost seconds each (on MariaDB every DDL statement
//! rebuilds a table), more than most tests themselves, so each test process prepares them once,
//! in a template, and copies it for each test: a file copy on SQLite, `CREATE DATABASE …
//! TEMPLATE` on PostgreSQL, and on MariaDB (which has no templates) the template's own
//! `SHOW CREATE TABLE` statements followed by `INSERT … SELECT` from it. The copy is exactly what
//! the migrations and the loader wrote; the demo's instants are those of the template's making,
//! minutes before the test at most.

use std::{
    path::{Path, PathBuf},
    sync::{OnceLock, mpsc},
};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use tokio::sync::OnceCell;

/// What a test's database starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The migrated schema, no rows.
    Migrated,
    /// The migrated schema and the demo consortium.
    Demo,
}

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
        Self::create_named(dir, None).await
    }

    /// [`TestDb::create`], on PostgreSQL as a copy of `template` when given.
    async fn create_named(dir: &Path, template: Option<&str>) -> TestDb {
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
            "{TEST_PREFIX}{}_{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        );
        let admin = Database::connect(&base)
            .await
            .expect("connect to the test server");
        let create = if let Some(template) = template.filter(|_| postgres) {
            format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")
        } else if postgres {
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

/// A template of this process: where it is, and for MariaDB how to copy it.
enum Template {
    /// The template file.
    SqliteFile(PathBuf),
    /// The template database's name.
    Postgres(String),
    /// The template database's name, its tables, sequences and triggers.
    Mariadb {
        name: String,
        /// `SHOW CREATE TABLE` of each table, in the template's order.
        tables: Vec<(String, String)>,
        /// Statements that make each sequence and bring it where the template's stands.
        sequences: Vec<String>,
        /// `SHOW CREATE TRIGGER` of each trigger, made after the rows are copied.
        triggers: Vec<String>,
    },
}

static MIGRATED: OnceCell<Template> = OnceCell::const_new();
static DEMO: OnceCell<Template> = OnceCell::const_new();

/// Prefix of template names; the process id follows, so a later run can drop those of
/// processes that are gone.
const TEMPLATE_PREFIX: &str = "guichet_tpl_";
/// Prefix of the tests' own databases, followed by the process id for the same reason: a
/// test does not wait for its database to be dropped, so the last few of a run are left to
/// the next.
const TEST_PREFIX: &str = "guichet_t_";

impl TestDb {
    /// A database holding what `start` says, copied from this process's template.
    pub async fn from_template(dir: &Path, start: Start) -> TestDb {
        let cell = match start {
            Start::Migrated => &MIGRATED,
            Start::Demo => &DEMO,
        };
        let template = cell.get_or_init(|| make_template(start)).await;
        match template {
            Template::SqliteFile(file) => {
                let target = dir.join("test.db");
                std::fs::copy(file, &target).expect("copy the SQLite template");
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", target.display()),
                    server: None,
                }
            }
            Template::Postgres(name) => TestDb::create_named(dir, Some(name)).await,
            Template::Mariadb {
                name,
                tables,
                sequences,
                triggers,
            } => {
                let db = TestDb::create(dir).await;
                copy_mariadb(&db.url, name, tables, sequences, triggers).await;
                db
            }
        }
    }
}

/// Makes the template for `start` in this process: an empty database, migrated, with the
/// demo if asked.
async fn make_template(start: Start) -> Template {
    let base = std::env::var("DATABASE_URL").unwrap_or_default();
    let suffix = match start {
        Start::Migrated => "m",
        Start::Demo => "d",
    };
    let name = format!("{TEMPLATE_PREFIX}{}_{suffix}", std::process::id());
    let (url, source) = if base.starts_with("postgres") {
        drop_databases_of_ended_processes(&base).await;
        let url = server_database(&base, &name, true).await;
        (url, Template::Postgres(name.clone()))
    } else if base.starts_with("mysql") || base.starts_with("mariadb") {
        let base = base.replacen("mariadb://", "mysql://", 1);
        drop_databases_of_ended_processes(&base).await;
        let url = server_database(&base, &name, false).await;
        (
            url,
            Template::Mariadb {
                name: name.clone(),
                tables: Vec::new(),
                sequences: Vec::new(),
                triggers: Vec::new(),
            },
        )
    } else {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        remove_files_of_ended_processes(&folder);
        let file = folder.join(format!("{name}.db"));
        let _ = std::fs::remove_file(&file);
        (
            format!("sqlite://{}?mode=rwc", file.display()),
            Template::SqliteFile(file),
        )
    };
    let config = guichet::config::Config::from_figment(
        guichet::config::Config::defaults().merge(("database_url", url.clone())),
    )
    .expect("template config");
    let conn = guichet::db::connect(&config)
        .await
        .expect("connect to the template");
    guichet::db::migrate(&conn)
        .await
        .expect("migrate the template");
    if start == Start::Demo {
        guichet::demo::load(&conn, guichet::clock::wall_now())
            .await
            .expect("demo data in the template");
    }
    let template = match source {
        Template::Mariadb { name, .. } => Template::Mariadb {
            tables: mariadb_tables(&conn).await,
            sequences: mariadb_sequences(&conn).await,
            triggers: mariadb_triggers(&conn).await,
            name,
        },
        other => other,
    };
    // Closed, so that PostgreSQL may copy it and SQLite's file is whole.
    conn.close().await.expect("close the template");
    template
}

/// Creates `name` on the server of `base` and answers its URL.
async fn server_database(base: &str, name: &str, postgres: bool) -> String {
    let admin = Database::connect(base)
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
        .expect("create the template");
    admin.close().await.ok();
    let mut url = url::Url::parse(base).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// The template's tables and the statements that create them.
async fn mariadb_tables(conn: &DatabaseConnection) -> Vec<(String, String)> {
    let backend = conn.get_database_backend();
    let names = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'",
        ))
        .await
        .expect("the template's tables");
    let mut tables = Vec::new();
    for row in names {
        let table: String = row.try_get_by_index(0).expect("table name");
        let create = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SHOW CREATE TABLE `{table}`"),
            ))
            .await
            .expect("SHOW CREATE TABLE")
            .expect("a row");
        let sql: String = create.try_get_by_index(1).expect("its statement");
        tables.push((table, sql));
    }
    tables
}

/// The template's sequences (the ticket numbers), as statements that create each and set its
/// next value to the template's.
async fn mariadb_sequences(conn: &DatabaseConnection) -> Vec<String> {
    let backend = conn.get_database_backend();
    let names = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SHOW FULL TABLES WHERE Table_type = 'SEQUENCE'",
        ))
        .await
        .expect("the template's sequences");
    let mut statements = Vec::new();
    for row in names {
        let sequence: String = row.try_get_by_index(0).expect("sequence name");
        let create = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SHOW CREATE SEQUENCE `{sequence}`"),
            ))
            .await
            .expect("SHOW CREATE SEQUENCE")
            .expect("a row");
        statements.push(create.try_get_by_index(1).expect("its statement"));
        let next: i64 = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT next_not_cached_value FROM `{sequence}`"),
            ))
            .await
            .expect("the sequence's next value")
            .expect("a row")
            .try_get_by_index(0)
            .expect("an integer");
        statements.push(format!("SELECT SETVAL(`{sequence}`, {next}, 0)"));
    }
    statements
}

/// The template's triggers, as statements that create them.
async fn mariadb_triggers(conn: &DatabaseConnection) -> Vec<String> {
    let backend = conn.get_database_backend();
    let names = conn
        .query_all_raw(Statement::from_string(backend, "SHOW TRIGGERS"))
        .await
        .expect("the template's triggers");
    let mut triggers = Vec::new();
    for row in names {
        let trigger: String = row.try_get_by_index(0).expect("trigger name");
        let create = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SHOW CREATE TRIGGER `{trigger}`"),
            ))
            .await
            .expect("SHOW CREATE TRIGGER")
            .expect("a row");
        triggers.push(create.try_get_by_index(2).expect("its statement"));
    }
    triggers
}

/// Fills the new MariaDB database at `url` with the template's tables and rows, on one
/// connection so that the foreign-key checks stay off throughout.
async fn copy_mariadb(
    url: &str,
    template: &str,
    tables: &[(String, String)],
    sequences: &[String],
    triggers: &[String],
) {
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    let conn = Database::connect(options)
        .await
        .expect("connect to the copy");
    conn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 0")
        .await
        .expect("checks off");
    for (_, create) in tables {
        conn.execute_unprepared(create)
            .await
            .expect("create a table");
    }
    for (table, _) in tables {
        conn.execute_unprepared(&format!(
            "INSERT INTO `{table}` SELECT * FROM `{template}`.`{table}`"
        ))
        .await
        .expect("copy a table's rows");
    }
    for statement in sequences {
        conn.execute_unprepared(statement)
            .await
            .expect("make a sequence");
    }
    for create in triggers {
        conn.execute_unprepared(create)
            .await
            .expect("create a trigger");
    }
    conn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1")
        .await
        .expect("checks on");
    conn.close().await.ok();
}

/// Whether the process whose id follows the prefix of a template's or a test database's name
/// is gone.
fn ended(name: &str) -> bool {
    let pid = name
        .strip_prefix(TEMPLATE_PREFIX)
        .or_else(|| name.strip_prefix(TEST_PREFIX))
        .unwrap_or_default()
        .split(['_', '.'])
        .next()
        .unwrap_or_default();
    !pid.is_empty() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Drops the server templates and test databases that earlier test processes left.
async fn drop_databases_of_ended_processes(base: &str) {
    let admin = Database::connect(base)
        .await
        .expect("connect to the test server");
    let backend = admin.get_database_backend();
    let postgres = base.starts_with("postgres");
    let list = if postgres {
        "SELECT datname FROM pg_database WHERE datname LIKE 'guichet\\_t%'"
    } else {
        "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'guichet\\_t%'"
    };
    let rows = admin
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get_by_index::<String>(0) else {
            continue;
        };
        if ended(&name) {
            admin
                .execute_unprepared(&drop_database(&name, postgres))
                .await
                .ok();
        }
    }
    admin.close().await.ok();
}

/// The statement that drops the server database `name` (on PostgreSQL, closing the sessions
/// still on it).
fn drop_database(name: &str, postgres: bool) -> String {
    if postgres {
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
    } else {
        format!("DROP DATABASE IF EXISTS `{name}`")
    }
}

/// Removes the SQLite templates that earlier test processes left.
fn remove_files_of_ended_processes(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMPLATE_PREFIX) && ended(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for TestDb {
    /// Hands the server database to the process's dropper and returns: dropping one takes
    /// PostgreSQL a checkpoint (0.5–1.2 s) and MariaDB a file removal per table, which each test
    /// waited for. What the dropper has not reached when the process ends, the next run drops
    /// ([`drop_databases_of_ended_processes`]).
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            dropper().send(server).ok();
        }
    }
}

/// The process's dropper: a thread with its own small runtime (a test's runtime may already be
/// gone when its database is dropped) that drops the databases sent to it, one at a time.
fn dropper() -> &'static mpsc::Sender<ServerDb> {
    static DROPPER: OnceLock<mpsc::Sender<ServerDb>> = OnceLock::new();
    DROPPER.get_or_init(|| {
        let (send, receive) = mpsc::channel::<ServerDb>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            for server in receive {
                let dropped = runtime.block_on(async {
                    let admin = Database::connect(&server.admin_url).await?;
                    admin
                        .execute_unprepared(&drop_database(&server.name, server.postgres))
                        .await?;
                    admin.close().await
                });
                if let Err(e) = dropped {
                    eprintln!("could not drop the test database {}: {e}", server.name);
                }
            }
        });
        send
    })
}
