//! A revision of everything a caller's scope is computed from, so that the scope can be kept
//! between requests and dropped the moment it may be stale: one row, read by its primary key on
//! each request, bumped by triggers on the tables the scope reads (roles, teams, organisations,
//! conventions and their offers, subcategories' delivering teams, committee offers, and the
//! account fields a caller carries). Triggers rather than calls in the services: every writer
//! (services, the command line, the demo loader, a hand-run SQL fix) bumps it, and none can
//! forget to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScopeRevision {
    Table,
    Id,
    Revision,
}

/// The tables whose every change may change a scope.
const TABLES: [&str; 7] = [
    "account_role",
    "team_member",
    "organisation",
    "convention",
    "convention_offer",
    "service_subcategory",
    "committee_offer",
];

/// The account columns a caller carries (a password or a timestamp change no scope).
const ACCOUNT_COLUMNS: [&str; 5] = [
    "active",
    "email",
    "display_name",
    "organisation_id",
    "language",
];

const BUMP: &str = "UPDATE scope_revision SET revision = revision + 1 WHERE id = 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScopeRevision::Table)
                    .col(
                        ColumnDef::new(ScopeRevision::Id)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ScopeRevision::Revision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO scope_revision (id, revision) VALUES (1, 0)")
            .await?;
        for sql in triggers(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        for (table, event) in trigger_names() {
            let name = format!("scope_revision_{table}_{event}");
            let sql = match backend {
                DbBackend::Postgres => format!("DROP TRIGGER IF EXISTS {name} ON {table}"),
                _ => format!("DROP TRIGGER IF EXISTS {name}"),
            };
            db.execute_unprepared(&sql).await?;
        }
        if backend == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS bump_scope_revision()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ScopeRevision::Table).to_owned())
            .await
    }
}

/// Every (table, event) that has a trigger.
fn trigger_names() -> Vec<(&'static str, &'static str)> {
    let mut names: Vec<_> = TABLES
        .iter()
        .flat_map(|t| [(*t, "insert"), (*t, "update"), (*t, "delete")])
        .collect();
    names.extend([("account", "update"), ("account", "delete")]);
    names
}

/// The statements creating the triggers on `backend`.
fn triggers(backend: DbBackend) -> Vec<String> {
    let changed = |distinct: &dyn Fn(&str) -> String| {
        ACCOUNT_COLUMNS
            .iter()
            .map(|c| distinct(c))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut out = Vec::new();
    match backend {
        DbBackend::Postgres => {
            out.push(format!(
                "CREATE FUNCTION bump_scope_revision() RETURNS trigger AS $$ \
                 BEGIN {BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
            ));
            for (table, event) in trigger_names() {
                let when = if table == "account" && event == "update" {
                    format!(
                        "FOR EACH ROW WHEN ({})",
                        changed(&|c| format!("OLD.{c} IS DISTINCT FROM NEW.{c}"))
                    )
                } else {
                    "FOR EACH STATEMENT".to_owned()
                };
                out.push(format!(
                    "CREATE TRIGGER scope_revision_{table}_{event} AFTER {} ON {table} {when} \
                     EXECUTE FUNCTION bump_scope_revision()",
                    event.to_uppercase()
                ));
            }
        }
        DbBackend::MySql => {
            for (table, event) in trigger_names() {
                let when = if table == "account" && event == "update" {
                    format!(
                        " AND ({})",
                        changed(&|c| format!("NOT (OLD.{c} <=> NEW.{c})"))
                    )
                } else {
                    String::new()
                };
                out.push(format!(
                    "CREATE TRIGGER scope_revision_{table}_{event} AFTER {} ON {table} \
                     FOR EACH ROW {BUMP}{when}",
                    event.to_uppercase()
                ));
            }
        }
        _ => {
            for (table, event) in trigger_names() {
                let when = if table == "account" && event == "update" {
                    format!(" WHEN {}", changed(&|c| format!("OLD.{c} IS NOT NEW.{c}")))
                } else {
                    String::new()
                };
                out.push(format!(
                    "CREATE TRIGGER scope_revision_{table}_{event} AFTER {} ON {table}{when} \
                     BEGIN {BUMP}; END",
                    event.to_uppercase()
                ));
            }
        }
    }
    out
}
