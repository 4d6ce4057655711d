//! Ticket numbers from the database's own sequences on PostgreSQL and MariaDB. The number of a
//! new ticket was the `ticket_sequence` row of its kind, incremented in the filing's
//! transaction: the row stayed locked until the commit, so every creation on the platform waited
//! for the one before it. A sequence hands out a number without a lock held to the commit
//! (`nextval`, `NEXT VALUE FOR`); a rolled-back filing leaves a gap, as it already did.
//!
//! Each kind's sequence starts at its row's `next_value`, so numbering goes on where it stood.
//! The rows stay, unmaintained on those two databases from now on; SQLite, which writes one
//! transaction at a time anyway, goes on numbering from them. Going down writes each
//! sequence's next number back into its row.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The kinds, each with its sequence (the names `db::directory::next_number` uses).
const SEQUENCES: [(&str, &str); 3] = [
    ("incident", "ticket_number_incident"),
    ("request", "ticket_number_request"),
    ("evolution", "ticket_number_evolution"),
];

/// The first statement's single integer, if it answers a row.
async fn integer(db: &SchemaManagerConnection<'_>, stmt: Statement) -> Result<Option<i64>, DbErr> {
    match db.query_one_raw(stmt).await? {
        Some(row) => Ok(Some(row.try_get_by_index::<i64>(0)?)),
        None => Ok(None),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if backend == DatabaseBackend::Sqlite {
            return Ok(());
        }
        let db = manager.get_connection();
        let marker = if backend == DatabaseBackend::Postgres {
            "$1"
        } else {
            "?"
        };
        for (kind, sequence) in SEQUENCES {
            let next = integer(
                db,
                Statement::from_sql_and_values(
                    backend,
                    format!("SELECT next_value FROM ticket_sequence WHERE kind = {marker}"),
                    [kind.into()],
                ),
            )
            .await?
            .map_or(1, |next| std::cmp::max(next, 1));
            // MariaDB caches 1000 numbers by default and loses the rest at a restart: no cache,
            // so that numbers run on without a jump.
            let cache = if backend == DatabaseBackend::MySql {
                " NOCACHE"
            } else {
                ""
            };
            db.execute_unprepared(&format!(
                "CREATE SEQUENCE {sequence} START WITH {next} INCREMENT BY 1 MINVALUE 1{cache}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if backend == DatabaseBackend::Sqlite {
            return Ok(());
        }
        let db = manager.get_connection();
        for (kind, sequence) in SEQUENCES {
            let next = if backend == DatabaseBackend::Postgres {
                format!(
                    "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence}"
                )
            } else {
                format!("SELECT next_not_cached_value FROM {sequence}")
            };
            if let Some(next) = integer(db, Statement::from_string(backend, next)).await? {
                // Both values come from the code and the database's own integer.
                db.execute_unprepared(&format!(
                    "UPDATE ticket_sequence SET next_value = {next} WHERE kind = '{kind}'"
                ))
                .await?;
            }
            db.execute_unprepared(&format!("DROP SEQUENCE {sequence}"))
                .await?;
        }
        Ok(())
    }
}
