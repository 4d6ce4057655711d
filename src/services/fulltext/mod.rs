//! Full-text search of FAQs and tickets: one interface over each database's own engine (SQLite
//! FTS5, PostgreSQL `tsvector` + GIN, MariaDB InnoDB FULLTEXT for FAQs and a table of terms for
//! tickets), fed with the terms of [`crate::domain::search_terms`], so the three find the same
//! rows.
//!
//! Writing: the services call [`index_faq`], [`index_ticket`] and [`append_to_tickets`] inside the
//! transaction of the row they index, so a search never sees a row its index disagrees with.
//! Reading: [`matching`] adds the match condition and the relevance order to a select that the
//! scoped handle has already limited to what the caller reads; the access rule is never the
//! search's to decide.

use sea_orm::{
    ConnectionTrait, DbBackend, QueryTrait, Statement, Value,
    sea_query::{Alias, Expr, JoinType, Order, Query as SqlQuery, SelectStatement},
};

use crate::{domain::search_terms::Query, services::error::ServiceResult};

mod index;
mod reindex;
mod terms;

pub use self::{
    index::{FaqText, append_to_tickets, index_faq, index_ticket},
    reindex::reindex,
};

/// Each database's full-text engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite FTS5 virtual tables `faq_fts` and `ticket_fts` (rowid = the row's id).
    Fts5,
    /// PostgreSQL tables `faq_search` and `ticket_search` with generated `tsvector` columns.
    TsVector,
    /// MariaDB: table `faq_search` with FULLTEXT indexes, table of terms `ticket_term` (see
    /// `terms`).
    InnoDb,
}

/// What is indexed: an FAQ or a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    /// FAQs: title (with keywords and error code) and body (summary and answer).
    Faq,
    /// Tickets: title (with reference), body (description, solution, public log) and private log.
    Ticket,
}

impl Corpus {
    fn row_table(self) -> &'static str {
        match self {
            Corpus::Faq => "faq",
            Corpus::Ticket => "ticket",
        }
    }
}

impl Engine {
    /// The engine of a connection's database.
    pub fn of(backend: DbBackend) -> Engine {
        match backend {
            DbBackend::Postgres => Engine::TsVector,
            DbBackend::MySql => Engine::InnoDb,
            _ => Engine::Fts5,
        }
    }

    /// The index table of a corpus, and its key column.
    fn table(self, corpus: Corpus) -> (&'static str, &'static str) {
        match (self, corpus) {
            (Engine::Fts5, Corpus::Faq) => ("faq_fts", "rowid"),
            (Engine::Fts5, Corpus::Ticket) => ("ticket_fts", "rowid"),
            (Engine::InnoDb, Corpus::Ticket) => ("ticket_term", "ticket_id"),
            (_, Corpus::Faq) => ("faq_search", "faq_id"),
            (_, Corpus::Ticket) => ("ticket_search", "ticket_id"),
        }
    }

    /// The query in the engine's syntax. Terms are `[a-z0-9]+` (see `search_terms`), so nothing
    /// a person typed reaches the engine's query language unfiltered.
    fn syntax(self, query: &Query) -> String {
        let last = query.terms.len().saturating_sub(1);
        let star = |i: usize, prefix: &'static str| {
            if query.prefix && i == last {
                prefix
            } else {
                ""
            }
        };
        let parts = query.terms.iter().enumerate();
        match self {
            Engine::Fts5 => parts
                .map(|(i, t)| format!("\"{t}\"{}", star(i, "*")))
                .collect::<Vec<_>>()
                .join(" AND "),
            Engine::TsVector => parts
                .map(|(i, t)| format!("{t}{}", star(i, ":*")))
                .collect::<Vec<_>>()
                .join(" & "),
            Engine::InnoDb => parts
                .map(|(i, t)| format!("+{t}{}", star(i, "*")))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Where a caller's search reads tickets' private log text.
#[derive(Debug, Clone)]
pub enum Private {
    /// On every ticket it reads (administrators).
    Everywhere,
    /// Nowhere (it stands on no provider's side; also for FAQs).
    Nowhere,
    /// On the tickets this condition keeps (its provider's side).
    Where(sea_orm::Condition),
}

/// Adds the full-text match of `query` to `select` (a select over the corpus's table, already
/// limited by the caller's scope), ordered by relevance: title hits above body hits. For
/// tickets, private log text matches only where `private` says (the provider's side); it never
/// weighs in the order, so the ranking tells nothing of it either. The simpler forms of
/// `private` keep to one match, which is what makes a contact's search fast.
pub fn matching(
    backend: DbBackend,
    corpus: Corpus,
    mut select: SelectStatement,
    query: &Query,
    private: Private,
) -> SelectStatement {
    let engine = Engine::of(backend);
    let (index, key) = engine.table(corpus);
    let row = corpus.row_table();
    let join = |select: &mut SelectStatement| {
        select.join(
            JoinType::InnerJoin,
            Alias::new(index),
            Expr::cust(format!("{index}.{key} = {row}.id")),
        );
    };
    match (engine, corpus) {
        (Engine::Fts5, _) => {
            join(&mut select);
            fts5(&mut select, corpus, &engine.syntax(query), private);
        }
        (Engine::TsVector, _) => {
            join(&mut select);
            tsvector(&mut select, corpus, &engine.syntax(query), private);
        }
        (Engine::InnoDb, Corpus::Faq) => {
            join(&mut select);
            innodb_faqs(&mut select, &engine.syntax(query));
        }
        // One join per term: see `terms`.
        (Engine::InnoDb, Corpus::Ticket) => terms::matching(&mut select, query, private),
    }
    select.order_by_expr(Expr::cust(format!("{row}.id")), Order::Desc);
    select
}

/// SQLite FTS5: `MATCH` on the virtual table, BM25 with the title weighing ten times the body
/// (the private column nothing).
fn fts5(select: &mut SelectStatement, corpus: Corpus, text: &str, private: Private) {
    let value = || Value::from(text.to_owned());
    match corpus {
        Corpus::Faq => {
            select
                .and_where(Expr::cust_with_values("faq_fts MATCH ?", [value()]))
                .order_by_expr(Expr::cust("bm25(faq_fts, 10.0, 1.0)"), Order::Asc);
        }
        Corpus::Ticket => {
            let public = format!("{{title body}} : ({text})");
            match private {
                Private::Everywhere => {
                    select.and_where(Expr::cust_with_values("ticket_fts MATCH ?", [value()]));
                }
                Private::Nowhere => {
                    select.and_where(Expr::cust_with_values("ticket_fts MATCH ?", [public]));
                }
                Private::Where(provider) => {
                    select
                        .and_where(Expr::cust_with_values("ticket_fts MATCH ?", [value()]))
                        .cond_where(sea_orm::Condition::any().add(provider).add(
                            Expr::cust_with_values(
                                "ticket.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?)",
                                [public],
                            ),
                        ));
                }
            }
            select.order_by_expr(Expr::cust("bm25(ticket_fts, 10.0, 1.0, 0.0)"), Order::Asc);
        }
    }
}

/// PostgreSQL: `@@` on the stored `tsvector`s, `ts_rank` (the title weighted A).
fn tsvector(select: &mut SelectStatement, corpus: Corpus, text: &str, private: Private) {
    let value = || Value::from(text.to_owned());
    match corpus {
        Corpus::Faq => {
            select
                .and_where(Expr::cust_with_values(
                    "faq_search.document @@ to_tsquery('simple', $1)",
                    [value()],
                ))
                .order_by_expr(
                    Expr::cust_with_values(
                        "ts_rank(faq_search.document, to_tsquery('simple', $1))",
                        [value()],
                    ),
                    Order::Desc,
                );
        }
        Corpus::Ticket => {
            let full = "ticket_search.full_document @@ to_tsquery('simple', $1)";
            let public = "ticket_search.public_document @@ to_tsquery('simple', $1)";
            match private {
                Private::Everywhere => {
                    select.and_where(Expr::cust_with_values(full, [value()]));
                }
                Private::Nowhere => {
                    select.and_where(Expr::cust_with_values(public, [value()]));
                }
                Private::Where(provider) => {
                    select
                        .and_where(Expr::cust_with_values(full, [value()]))
                        .cond_where(
                            sea_orm::Condition::any()
                                .add(provider)
                                .add(Expr::cust_with_values(public, [value()])),
                        );
                }
            }
            select.order_by_expr(
                Expr::cust_with_values(
                    "ts_rank(ticket_search.public_document, to_tsquery('simple', $1))",
                    [value()],
                ),
                Order::Desc,
            );
        }
    }
}

/// MariaDB's FAQs: `MATCH … AGAINST` in boolean mode, title hits counted three times.
fn innodb_faqs(select: &mut SelectStatement, text: &str) {
    let value = || Value::from(text.to_owned());
    let all = "faq_search.title, faq_search.body";
    select
        .and_where(Expr::cust_with_values(
            format!("MATCH ({all}) AGAINST (? IN BOOLEAN MODE)"),
            [value()],
        ))
        .order_by_expr(
            Expr::cust_with_values(
                format!(
                    "MATCH (faq_search.title) AGAINST (? IN BOOLEAN MODE) * 3 \
                     + MATCH ({all}) AGAINST (? IN BOOLEAN MODE)"
                ),
                [value(), value()],
            ),
            Order::Desc,
        );
}

/// How far a ranked search reads.
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    /// Every match is counted and ranked (a corpus of bounded size: the FAQs).
    All,
    /// At most this many matches are counted, and when they are that many, relevance orders
    /// the newest of them only: the matches whose id is at least that of the `cap`-th newest.
    /// A word found in half of a desk's 100 000 tickets would otherwise have each of those
    /// tickets' documents read and scored for one page of 20, and "1 000 or more" tells the
    /// reader as much as the exact count. Every engine draws the same line, by id, so the three
    /// databases rank the same window.
    Newest(u64),
}

/// The ids of one page of a ranked select over `corpus`, and how many rows it has in all (at
/// most the cap of [`Reach::Newest`]). Two statements for [`Reach::Newest`] (the window, then
/// the page); for [`Reach::All`] the page, and a count only when the page is full or past the
/// end. Each is a full-text match run again, which costs more than the rows it returns.
pub async fn page_of_ids<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    select: SelectStatement,
    offset: u64,
    limit: u64,
    reach: Reach,
) -> ServiceResult<(Vec<i64>, u64)> {
    let backend = db.get_database_backend();
    let mut page = select.clone();
    let mut unordered = select;
    unordered.clear_order_by();
    match reach {
        Reach::Newest(cap) if cap > 0 => {
            let (total, bound) = newest_window(db, corpus, unordered, cap).await?;
            if let Some(bound) = bound {
                // Written into the SQL rather than bound: PostgreSQL's generic plan of a
                // prepared `id >= $n` cannot know that it keeps a thousand rows, and scans
                // every match instead (measured: 50 ms against 3.5 ms on the bench corpus).
                // An integer read from the database cannot carry SQL. The index table's key
                // gets the bound too: planners carry an equality across a join, not a range.
                let (index, key) = Engine::of(backend).table(corpus);
                page.and_where(Expr::cust(format!(
                    "{}.id >= {bound} AND {index}.{key} >= {bound}",
                    corpus.row_table()
                )));
            }
            if limit == 0 {
                return Ok((Vec::new(), total));
            }
            page.limit(limit).offset(offset);
            Ok((ids_of(db, backend.build(&page)).await?, total))
        }
        _ => {
            if limit == 0 {
                return Ok((Vec::new(), count(db, unordered).await?));
            }
            page.limit(limit).offset(offset);
            let ids = ids_of(db, backend.build(&page)).await?;
            // A page that is not full, and not past the end, tells the count: no second match.
            let total = match last_page_total(offset, limit, ids.len() as u64) {
                Some(total) => total,
                None => count(db, unordered).await?,
            };
            Ok((ids, total))
        }
    }
}

/// The newest `cap` matches of `unordered`, counted, and the least of their keys when they are
/// `cap` (the bound of the window relevance orders): one statement. Found by walking ids
/// downwards, which stops early precisely when the matches are many. The walk is on the index
/// table's key, which FTS5 reads downwards as it is stored (on `ticket.id` SQLite sorts every
/// match first: 100 ms against 3 ms for "erreur" on the bench corpus).
async fn newest_window<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    mut unordered: SelectStatement,
    cap: u64,
) -> ServiceResult<(u64, Option<i64>)> {
    let backend = db.get_database_backend();
    let (index, key) = Engine::of(backend).table(corpus);
    let key_column = format!("{index}.{key}");
    unordered
        .clear_selects()
        .expr_as(Expr::cust(key_column.clone()), Alias::new("newest_key"))
        .order_by_expr(Expr::cust(key_column), Order::Desc)
        .limit(cap);
    let window = SqlQuery::select()
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("MIN(newest_key)"))
        .from_subquery(unordered, Alias::new("newest"))
        .to_owned();
    let Some(row) = db.query_one_raw(backend.build(&window)).await? else {
        return Ok((0, None));
    };
    let count = u64::try_from(row.try_get_by_index::<i64>(0)?).unwrap_or(0);
    let least = row.try_get_by_index::<Option<i64>>(1)?;
    Ok((count, least.filter(|_| count >= cap)))
}

/// The whole count, when one page at `offset` of at most `limit` rows that read `read` tells
/// it: the page is the last (not full) and not past the end (or nothing matches at all).
fn last_page_total(offset: u64, limit: u64, read: u64) -> Option<u64> {
    (read < limit && (read > 0 || offset == 0)).then_some(offset + read)
}

/// The first column of every row, as ids.
async fn ids_of<C: ConnectionTrait>(db: &C, statement: Statement) -> ServiceResult<Vec<i64>> {
    Ok(db
        .query_all_raw(statement)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?)
}

/// How many rows a select has.
async fn count<C: ConnectionTrait>(db: &C, select: SelectStatement) -> ServiceResult<u64> {
    let count = SqlQuery::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(select, Alias::new("hits"))
        .to_owned();
    let total = first_i64(db, db.get_database_backend().build(&count)).await?;
    Ok(total.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// The first column of the first row of a statement, if it has a row.
async fn first_i64<C: ConnectionTrait>(db: &C, statement: Statement) -> ServiceResult<Option<i64>> {
    Ok(db
        .query_one_raw(statement)
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?)
}

/// A select's statement, for [`matching`]. (In the custom SQL above, PostgreSQL's placeholders
/// are numbered, `$1`, each expression counting its own values; the others' are `?`.)
pub fn statement<Q: QueryTrait<QueryStatement = SelectStatement>>(select: Q) -> SelectStatement {
    select.into_query()
}

#[cfg(test)]
mod tests {
    use super::last_page_total;

    #[test]
    fn a_page_that_is_not_full_tells_the_count() {
        assert_eq!(last_page_total(0, 20, 7), Some(7));
        assert_eq!(last_page_total(40, 20, 3), Some(43));
        assert_eq!(last_page_total(0, 20, 0), Some(0));
    }

    #[test]
    fn a_full_page_or_one_past_the_end_does_not() {
        assert_eq!(last_page_total(0, 20, 20), None);
        assert_eq!(last_page_total(20, 20, 0), None);
    }
}
