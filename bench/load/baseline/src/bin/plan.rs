//! Query plans through the driver the product runs on (sqlx's bundled SQLite, which plans some
//! queries differently from the system's `sqlite3`), and the time each statement takes.
//!
//! Usage: `plan <database url> < statements.sql` (one statement per line; `--` lines skipped).
//! For each: the plan (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN ANALYZE` on PostgreSQL), rows
//! returned and the median of five runs.

use std::{io::BufRead, time::Instant};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: plan <database url> < statements.sql")?;
    let db = Database::connect(url).await?;
    let backend = db.get_database_backend();
    for line in std::io::stdin().lock().lines() {
        let sql = line?;
        let sql = sql.trim().trim_end_matches(';');
        if sql.is_empty() || sql.starts_with("--") {
            continue;
        }
        println!("== {sql}");
        let explain = match backend {
            DbBackend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
            DbBackend::Postgres => format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
            _ => format!("EXPLAIN {sql}"),
        };
        for row in db.query_all_raw(Statement::from_string(backend, explain)).await? {
            let text = match backend {
                DbBackend::Sqlite => row.try_get_by_index::<String>(3)?,
                _ => row.try_get_by_index::<String>(0)?,
            };
            println!("   {text}");
        }
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let start = Instant::now();
            rows = db.query_all_raw(Statement::from_string(backend, sql)).await?.len();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!("   {rows} rows, median {:.2} ms", times[2]);
    }
    Ok(())
}
