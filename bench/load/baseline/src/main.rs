//! The minimal app of the load benchmark: the requests Guichet answers, reduced to one statement
//! each over the same `ticket` table, so that the benchmark's ratios say what Guichet's own
//! layers (identity, scope, rendering, history) cost.
//!
//! Usage: `guichet-baseline <database url> <listen address>`.

use std::time::Duration;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, FromQueryResult,
    JsonValue, Statement,
};

/// The columns a list shows.
const COLUMNS: &str = "id, ref, kind, title, requester_id, organisation_id, offer_id, \
    subcategory_id, impact, urgency, priority, origin, status, team_id, agent_id, visibility, \
    created_at, updated_at, revision";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: guichet-baseline <database url> <listen address>")?;
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:3100".to_owned());
    let mut options = ConnectOptions::new(url);
    // Guichet's SQLite settings (src/db/mod.rs), with sqlx's default pool size.
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    let db = Database::connect(options).await?;
    let app = Router::new()
        .route("/healthz", get(|| async { Json(serde_json::json!({"status": "ok"})) }))
        .route("/list", get(list))
        .route("/open", get(open))
        .route("/ticket/{id}", get(ticket))
        .route("/create", axum::routing::post(create))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

type Answer = Result<Json<Vec<JsonValue>>, StatusCode>;

/// Runs `sql` with `values` and answers its rows as JSON.
async fn rows(db: &DatabaseConnection, sql: String, values: Vec<sea_orm::Value>) -> Answer {
    let sql = placeholders(db.get_database_backend(), &sql);
    JsonValue::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .all(db)
    .await
    .map(Json)
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

/// `?` placeholders as PostgreSQL spells them.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::new();
    for (n, part) in sql.split('?').enumerate() {
        if n > 0 {
            out.push_str(&format!("${n}"));
        }
        out.push_str(part);
    }
    out
}

/// A contact's 50 newest tickets: those of their organisation (5, Toulon, in the seed). The
/// unary plus keeps the planner on the date index, walked newest first until the page is full
/// (the plan Guichet's scoped list gets): through the organisation's index, which leads with
/// `(organisation_id, status, …)`, SQLite sorted all 50 000 of Toulon's tickets for each page
/// (27–52 ms of CPU a request), and the ratio said nothing about Guichet.
async fn list(State(db): State<DatabaseConnection>) -> Answer {
    let sql = format!(
        "SELECT {COLUMNS} FROM ticket WHERE +organisation_id = ? \
         ORDER BY updated_at DESC, id DESC LIMIT 50"
    );
    rows(&db, sql, vec![5i64.into()]).await
}

/// An agent's open list: the open tickets of their team (3 in the seed).
async fn open(State(db): State<DatabaseConnection>) -> Answer {
    let sql = format!(
        "SELECT {COLUMNS} FROM ticket WHERE team_id = ? AND status IN ('new', 'assigned', 'pending') \
         ORDER BY updated_at DESC, id DESC LIMIT 50"
    );
    rows(&db, sql, vec![3i64.into()]).await
}

/// One ticket.
async fn ticket(State(db): State<DatabaseConnection>, Path(id): Path<i64>) -> Answer {
    let sql = format!("SELECT {COLUMNS}, description FROM ticket WHERE id = ?");
    rows(&db, sql, vec![id.into()]).await
}

/// Files a ticket: one insert with a unique reference.
async fn create(State(db): State<DatabaseConnection>) -> StatusCode {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let reference = format!("B-{}-{n}", std::process::id());
    let now = sea_orm::prelude::ChronoDateTimeUtc::from(std::time::SystemTime::now());
    let sql = placeholders(
        db.get_database_backend(),
        "INSERT INTO ticket (ref, kind, title, description, requester_id, organisation_id, \
         offer_id, subcategory_id, impact, urgency, priority, origin, status, team_id, \
         visibility, created_at, updated_at, revision) VALUES (?, 'incident', ?, ?, 6, 5, 1, 1, \
         'person', 'low', 'low', 'api', 'new', 3, 'organisation', ?, ?, 1)",
    );
    let values: Vec<sea_orm::Value> = vec![
        reference.into(),
        "Envoi groupé impossible".into(),
        "Le bouton **Envoyer** reste grisé.".into(),
        now.into(),
        now.into(),
    ];
    match db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await
    {
        Ok(_) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
