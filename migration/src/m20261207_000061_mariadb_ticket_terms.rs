//! MariaDB's ticket index becomes a table of terms: one row per term and ticket, keyed by
//! (term, ticket), with how often the term is in the ticket's title, public text and private
//! text. InnoDB FULLTEXT handed back every match of a word before any other condition applied,
//! so a search for a word found in 60 000 tickets read 60 000 matches to rank the 1 000 newest
//! (0.25–1.2 s on the bench corpus). The key lets a search walk a term's tickets from the newest
//! down and stop at the thousandth, and rank only those.
//!
//! The rows are made from the documents `ticket_search` holds (terms separated by spaces, as
//! Guichet wrote them), so no reindex is needed; `ticket_search` is dropped after. SQLite and
//! PostgreSQL keep their engines: nothing changes there.

use std::collections::BTreeMap;

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend, Statement, Value},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tickets read from `ticket_search` per batch.
const BATCH: u64 = 500;
/// Longest term kept: InnoDB FULLTEXT ignored longer tokens.
const MAX_TERM: usize = 84;

const CREATE_TERMS: &str = "CREATE TABLE ticket_term (
        term VARCHAR(84) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        ticket_id BIGINT NOT NULL,
        title SMALLINT UNSIGNED NOT NULL,
        body SMALLINT UNSIGNED NOT NULL,
        private SMALLINT UNSIGNED NOT NULL,
        PRIMARY KEY (term, ticket_id),
        KEY ix_ticket_term_ticket (ticket_id),
        CONSTRAINT fk_ticket_term_ticket FOREIGN KEY (ticket_id) REFERENCES ticket (id) ON DELETE CASCADE
    ) ENGINE = InnoDB";

/// As migration 000010 made it.
const CREATE_SEARCH: &str = "CREATE TABLE ticket_search (
        ticket_id BIGINT NOT NULL PRIMARY KEY,
        title TEXT NOT NULL,
        body MEDIUMTEXT NOT NULL,
        private MEDIUMTEXT NOT NULL,
        FULLTEXT INDEX ft_ticket_search_title (title),
        FULLTEXT INDEX ft_ticket_search_public (title, body),
        FULLTEXT INDEX ft_ticket_search_full (title, body, private),
        CONSTRAINT fk_ticket_search_ticket FOREIGN KEY (ticket_id) REFERENCES ticket (id) ON DELETE CASCADE
    ) ENGINE = InnoDB";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(CREATE_TERMS).await?;
        let mut after = 0_i64;
        loop {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::MySql,
                    "SELECT ticket_id, title, body, private FROM ticket_search \
                     WHERE ticket_id > ? ORDER BY ticket_id LIMIT ?",
                    [after.into(), BATCH.into()],
                ))
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get_by_index(0)?;
            let mut values: Vec<Value> = Vec::new();
            for row in &rows {
                let id: i64 = row.try_get_by_index(0)?;
                let mut counts: BTreeMap<String, [u16; 3]> = BTreeMap::new();
                for part in 0..3 {
                    let text: String = row.try_get_by_index(part + 1)?;
                    for term in text.split_whitespace().filter(|t| t.len() <= MAX_TERM) {
                        let count = &mut counts.entry(term.to_owned()).or_default()[part];
                        *count = count.saturating_add(1);
                    }
                }
                for (term, [title, body, private]) in counts {
                    values.extend([
                        term.into(),
                        id.into(),
                        title.into(),
                        body.into(),
                        private.into(),
                    ]);
                }
            }
            // A statement takes at most 65 535 placeholders: 2 000 rows of five.
            for chunk in values.chunks(5 * 2_000) {
                let marks = vec!["(?, ?, ?, ?, ?)"; chunk.len() / 5].join(", ");
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::MySql,
                    format!(
                        "INSERT INTO ticket_term (term, ticket_id, title, body, private) \
                         VALUES {marks}"
                    ),
                    chunk.to_vec(),
                ))
                .await?;
            }
        }
        db.execute_unprepared("DROP TABLE ticket_search").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::MySql {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(CREATE_SEARCH).await?;
        // Each term repeated as often as it was counted: FULLTEXT reads no order.
        db.execute_unprepared("SET SESSION group_concat_max_len = 67108864")
            .await?;
        db.execute_unprepared(
            "INSERT INTO ticket_search (ticket_id, title, body, private) \
             SELECT ticket_id, \
                 GROUP_CONCAT(REPEAT(CONCAT(term, ' '), title) SEPARATOR ''), \
                 GROUP_CONCAT(REPEAT(CONCAT(term, ' '), body) SEPARATOR ''), \
                 GROUP_CONCAT(REPEAT(CONCAT(term, ' '), private) SEPARATOR '') \
             FROM ticket_term GROUP BY ticket_id",
        )
        .await?;
        db.execute_unprepared("DROP TABLE ticket_term").await?;
        Ok(())
    }
}
