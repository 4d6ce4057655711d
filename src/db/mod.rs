//! The database: connecting with the right options for each of the three backends, and applying
//! the migrations.

mod context;
pub mod directory;
mod literal_limits;
pub mod recipients;
mod rules;
mod scoped;
pub mod settings;
pub mod webhook_reach;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    FromQueryResult, sea_query::SelectStatement,
};

use crate::config::Config;

pub use context::{Ctx, Handle};
pub use rules::ProviderSide;
pub use scoped::{ChildEntity, ScopedEntity, Unscoped, referencing, under_parent};

/// Opens the pool for `config`: SQLite with WAL, foreign keys and a busy timeout, on one
/// connection that every write goes through; PostgreSQL and MariaDB with the configured pool
/// size.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    if url.starts_with("sqlite:") && url.contains("mode=rwc") {
        // The SQLite file is created by the driver, but its folder must exist.
        if let Some(folder) = sqlite_folder(&url) {
            std::fs::create_dir_all(&folder)
                .map_err(|e| DbErr::Custom(format!("creating {}: {e}", folder.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url);
    logged(&mut options, config)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    if !options.get_url().starts_with("sqlite:") {
        options.max_connections(config.database_max_connections);
    } else {
        // One connection: SQLite has a single writer, and a second pooled connection that
        // upgrades a read transaction to a write one fails with SQLITE_BUSY at once. Writes are
        // serialised by this one connection rather than by waiting on the busy timeout; reads
        // go to `connect_readers`' pool.
        options.max_connections(1);
    }
    Database::connect(options).await
}

/// Opens the pool that plain reads go to (see [`Ctx`]): on a SQLite file, the configured number
/// of connections that may only read (`query_only`), beside [`connect`]'s single writer; WAL lets
/// each read the last commit while the writer writes, so reads never wait for each other or for
/// a write. Elsewhere (and for an in-memory SQLite, which another connection would not see) it
/// is `writer` itself.
pub async fn connect_readers(
    config: &Config,
    writer: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(writer.clone());
    }
    let mut options = ConnectOptions::new(url);
    logged(&mut options, config)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(config.database_max_connections.max(1))
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("query_only", "ON")
        });
    Database::connect(options).await
}

/// Statement logging: each statement at `debug` (target `sqlx::query`, off unless the log
/// filter asks for it), and those slower than `database_slow_statement_ms` as warnings, so that
/// a slow page names its statement without a profiler.
fn logged<'o>(options: &'o mut ConnectOptions, config: &Config) -> &'o mut ConnectOptions {
    options
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug);
    if config.database_slow_statement_ms > 0 {
        options.sqlx_slow_statements_logging_settings(
            log::LevelFilter::Warn,
            Duration::from_millis(config.database_slow_statement_ms),
        );
    }
    options
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The first row `query` selects, for the reads made outside a [`Ctx`] (the session store,
/// the bearer token): `.one()`, with its `LIMIT 1` written as SQLite runs it best (see
/// `literal_limits`).
pub async fn first<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    mut query: SelectStatement,
) -> Result<Option<M>, DbErr> {
    query.limit(1);
    let stmt = context::for_backend(db.get_database_backend().build(&query));
    match db.query_one_raw(stmt).await? {
        Some(row) => Ok(Some(M::from_query_result(&row, "")?)),
        None => Ok(None),
    }
}

/// Answers whether the database responds, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Which of the three databases this is.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}

/// Whether an insert lost to a unique index: another request wrote the one row that may exist
/// first (a claimed key, a counter's first row, a decision of a round).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Whether the database gave up a transaction because a concurrent one held what it needed: a
/// deadlock (MariaDB 1213 and PostgreSQL, SQLSTATE 40001 or 40P01) or a serialisation failure.
/// The transaction was rolled back whole, so the request changed nothing and lost a race, like
/// a stale revision.
pub fn is_lost_to_a_concurrent_transaction(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err))) = err
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(err) = err.as_ref() else {
        return false;
    };
    matches!(err.code().as_deref(), Some("40001" | "40P01"))
}

/// The folder of a `sqlite://path?...` URL, if it has one.
fn sqlite_folder(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()?;
    let parent = std::path::Path::new(path).parent()?;
    (!parent.as_os_str().is_empty()).then(|| parent.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::sqlite_folder;

    #[test]
    fn finds_the_folder_of_a_sqlite_url() {
        assert_eq!(
            sqlite_folder("sqlite://data/guichet.db?mode=rwc"),
            Some("data".into())
        );
        assert_eq!(sqlite_folder("sqlite://scratch.db?mode=rwc"), None);
        assert_eq!(
            sqlite_folder("sqlite:///tmp/x/g.db?mode=rwc"),
            Some("/tmp/x".into())
        );
    }
}
