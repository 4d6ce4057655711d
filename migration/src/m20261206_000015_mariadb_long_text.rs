//! Long texts on MariaDB: its `text` holds 64 KiB, while a ticket's description, a log entry or
//! an FAQ's body may be 50 000 characters, up to four bytes each in UTF-8 — an accented French
//! description of 40 000 characters was refused by the database (a 500). Every `text` column
//! becomes `mediumtext` (16 MiB), nullability kept. PostgreSQL's and SQLite's `text` have no
//! such bound: nothing changes there.
//!
//! The columns are read from the catalogue rather than listed, so none is forgotten; later
//! migrations that add a long text on MariaDB say `mediumtext` themselves.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The `text` columns of this database, with whether each takes NULL.
async fn text_columns(
    db: &SchemaManagerConnection<'_>,
    kind: &str,
) -> Result<Vec<(String, String, bool)>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DatabaseBackend::MySql,
            "SELECT TABLE_NAME, COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = ? ORDER BY TABLE_NAME, COLUMN_NAME",
            [kind.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get_by_index::<String>(0)?,
                row.try_get_by_index::<String>(1)?,
                row.try_get_by_index::<String>(2)? == "YES",
            ))
        })
        .collect()
}

async fn retype(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::MySql {
        return Ok(());
    }
    let db = manager.get_connection();
    for (table, column, nullable) in text_columns(db, from).await? {
        let null = if nullable { "NULL" } else { "NOT NULL" };
        // Names come from the database's own catalogue, quoted as identifiers.
        db.execute_unprepared(&format!(
            "ALTER TABLE `{table}` MODIFY `{column}` {to} {null}"
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "text", "MEDIUMTEXT").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "mediumtext", "TEXT").await
    }
}
