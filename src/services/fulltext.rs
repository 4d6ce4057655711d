//! Full-text search of FAQs and tickets: one interface over each database's own engine (SQLite
//! FTS5, PostgreSQL `tsvector` + GIN, MariaDB InnoDB FULLTEXT), fed with the terms of
//! [`crate::domain::search_terms`], so the three find the same rows.
//!
//! Writing: the services call [`index_faq`], [`index_ticket`] and [`append_to_tickets`] inside the
//! transaction of the row they index, so a search never sees a row its index disagrees with.
//! Reading: [`matching`] adds the match condition and the relevance order to a select that the
//! scoped handle has already limited to what the caller reads; the access rule is never the
//! search's to decide.

use sea_orm::{
    ConnectionTrait, DbBackend, QueryTrait, Statement, Value,
    sea_query::{
        Alias, Expr, ExprTrait, Func, JoinType, Order, Query as SqlQuery, SelectStatement,
    },
};

use crate::{
    domain::search_terms::{Query, document},
    services::error::{ServiceError, ServiceResult},
};

/// Each database's full-text engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite FTS5 virtual tables `faq_fts` and `ticket_fts` (rowid = the row's id).
    Fts5,
    /// PostgreSQL tables `faq_search` and `ticket_search` with generated `tsvector` columns.
    TsVector,
    /// MariaDB tables `faq_search` and `ticket_search` with FULLTEXT indexes.
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
    let text = engine.syntax(query);
    select.join(
        JoinType::InnerJoin,
        Alias::new(index),
        Expr::cust(format!("{index}.{key} = {row}.id")),
    );
    let value = || Value::from(text.clone());
    match (engine, corpus) {
        (Engine::Fts5, Corpus::Faq) => {
            select
                .and_where(Expr::cust_with_values("faq_fts MATCH ?", [value()]))
                .order_by_expr(Expr::cust("bm25(faq_fts, 10.0, 1.0)"), Order::Asc);
        }
        (Engine::Fts5, Corpus::Ticket) => {
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
        (Engine::TsVector, Corpus::Faq) => {
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
        (Engine::TsVector, Corpus::Ticket) => {
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
        (Engine::InnoDb, corpus) => {
            let (table, all) = match corpus {
                Corpus::Faq => ("faq_search", "faq_search.title, faq_search.body"),
                Corpus::Ticket => ("ticket_search", "ticket_search.title, ticket_search.body"),
            };
            let full = "MATCH (ticket_search.title, ticket_search.body, ticket_search.private) \
                        AGAINST (? IN BOOLEAN MODE)";
            let public = format!("MATCH ({all}) AGAINST (? IN BOOLEAN MODE)");
            match (corpus, private) {
                (Corpus::Ticket, Private::Everywhere) => {
                    select.and_where(Expr::cust_with_values(full, [value()]));
                }
                (Corpus::Ticket, Private::Where(provider)) => {
                    select
                        .and_where(Expr::cust_with_values(full, [value()]))
                        .cond_where(
                            sea_orm::Condition::any()
                                .add(provider)
                                .add(Expr::cust_with_values(public, [value()])),
                        );
                }
                _ => {
                    select.and_where(Expr::cust_with_values(public, [value()]));
                }
            }
            select.order_by_expr(
                Expr::cust_with_values(
                    format!(
                        "MATCH ({table}.title) AGAINST (? IN BOOLEAN MODE) * 3 \
                         + MATCH ({all}) AGAINST (? IN BOOLEAN MODE)"
                    ),
                    [value(), value()],
                ),
                Order::Desc,
            );
        }
    }
    select.order_by_expr(Expr::cust(format!("{row}.id")), Order::Desc);
    select
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
/// most the cap of [`Reach::Newest`]).
pub async fn page_of_ids<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    select: SelectStatement,
    offset: u64,
    limit: u64,
    reach: Reach,
) -> ServiceResult<(Vec<i64>, u64)> {
    let backend = db.get_database_backend();
    let (index, key) = Engine::of(backend).table(corpus);
    let mut page = select.clone();
    let mut unordered = select;
    unordered.clear_order_by();
    let total = match reach {
        Reach::Newest(cap) if cap > 0 => {
            // The cap-th newest match, if there are that many: found by walking ids downwards,
            // which stops early precisely when the matches are many. The walk is on the index
            // table's key, which FTS5 reads downwards as it is stored (on `ticket.id` SQLite
            // sorts every match first: 100 ms against 3 ms for "erreur" on the bench corpus).
            let mut nth = unordered.clone();
            nth.order_by_expr(Expr::cust(format!("{index}.{key}")), Order::Desc)
                .limit(1)
                .offset(cap - 1);
            match first_i64(db, backend.build(&nth)).await? {
                Some(bound) => {
                    // Written into the SQL rather than bound: PostgreSQL's generic plan of a
                    // prepared `id >= $n` cannot know that it keeps a thousand rows, and scans
                    // every match instead (measured: 50 ms against 3.5 ms on the bench corpus).
                    // An integer read from the database cannot carry SQL. The index table's key
                    // gets the bound too: planners carry an equality across a join, not a range.
                    page.and_where(Expr::cust(format!(
                        "{}.id >= {bound} AND {index}.{key} >= {bound}",
                        corpus.row_table()
                    )));
                    cap
                }
                None => count(db, unordered).await?,
            }
        }
        _ => count(db, unordered).await?,
    };
    if limit == 0 {
        return Ok((Vec::new(), total));
    }
    page.limit(limit).offset(offset);
    let ids = db
        .query_all_raw(backend.build(&page))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ids, total))
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

/// The text of an FAQ as it is indexed.
#[derive(Debug, Clone, Copy)]
pub struct FaqText<'a> {
    /// Title.
    pub title: &'a str,
    /// Keywords, as written.
    pub keywords: &'a str,
    /// Error code.
    pub error_code: Option<&'a str>,
    /// Summary.
    pub summary: &'a str,
    /// Answer (Markdown).
    pub body: &'a str,
}

/// Indexes (again) an FAQ; call it in the FAQ's transaction.
pub async fn index_faq<C: ConnectionTrait>(
    db: &C,
    id: i64,
    text: FaqText<'_>,
) -> ServiceResult<()> {
    let title = document(&format!(
        "{} {} {}",
        text.title,
        text.keywords,
        text.error_code.unwrap_or_default()
    ));
    let body = document(&format!(
        "{} {}",
        text.summary,
        crate::markdown::to_plain_text(text.body)
    ));
    put(db, Corpus::Faq, id, vec![title, body]).await
}

/// Indexes a new ticket: reference and title, description.
pub async fn index_ticket<C: ConnectionTrait>(
    db: &C,
    id: i64,
    reference: &str,
    title: &str,
    description: &str,
) -> ServiceResult<()> {
    // The reference is one token ("r000012"): its number alone would find every kind's ticket
    // of that number. Typed as such, a reference is looked up exactly anyway.
    let title = format!(
        "{} {}",
        crate::domain::search_terms::fold(reference),
        document(title)
    );
    let body = document(&crate::markdown::to_plain_text(description));
    put(db, Corpus::Ticket, id, vec![title, body, String::new()]).await
}

async fn put<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    id: i64,
    columns: Vec<String>,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let (table, key) = Engine::of(backend).table(corpus);
    if backend == DbBackend::Postgres && corpus == Corpus::Ticket {
        return put_ticket_documents(db, id, &columns).await;
    }
    let names = match corpus {
        Corpus::Faq => "title, body",
        Corpus::Ticket => "title, body, private",
    };
    let marks = match (backend, corpus) {
        (DbBackend::Postgres, Corpus::Faq) => "$1, $2, $3",
        (DbBackend::Postgres, Corpus::Ticket) => "$1, $2, $3, $4",
        (_, Corpus::Faq) => "?, ?, ?",
        (_, Corpus::Ticket) => "?, ?, ?, ?",
    };
    let first = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("DELETE FROM {table} WHERE {key} = {first}"),
        [id.into()],
    ))
    .await?;
    let mut values: Vec<Value> = vec![id.into()];
    values.extend(columns.into_iter().map(Value::from));
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("INSERT INTO {table} ({key}, {names}) VALUES ({marks})"),
        values,
    ))
    .await?;
    Ok(())
}

/// PostgreSQL keeps a ticket's documents alone (see the migration): title weighted A, body and
/// private text B; the public document leaves the private text out.
async fn put_ticket_documents<C: ConnectionTrait>(
    db: &C,
    id: i64,
    columns: &[String],
) -> ServiceResult<()> {
    let [title, body, private] = columns else {
        return Err(ServiceError::Internal(anyhow::anyhow!(
            "a ticket has three index parts"
        )));
    };
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO ticket_search (ticket_id, public_document, full_document) VALUES ($1, \
         setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B'), \
         setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B') \
         || setweight(to_tsvector('simple', $4), 'B')) \
         ON CONFLICT (ticket_id) DO UPDATE SET public_document = EXCLUDED.public_document, \
         full_document = EXCLUDED.full_document",
        [
            id.into(),
            title.clone().into(),
            body.clone().into(),
            private.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Adds text to the body (public) or private part of some tickets' index, in the transaction
/// that adds it to the tickets (a log entry, a solution, an entry copied to child incidents).
pub async fn append_to_tickets<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    text: &str,
    private: bool,
) -> ServiceResult<()> {
    let terms = document(&crate::markdown::to_plain_text(text));
    if terms.is_empty() || ids.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let (table, key) = Engine::of(backend).table(Corpus::Ticket);
    if backend == DbBackend::Postgres {
        let added = Expr::cust_with_values("setweight(to_tsvector('simple', $1), 'B')", [terms]);
        let mut update = SqlQuery::update();
        update.table(Alias::new(table)).value(
            Alias::new("full_document"),
            Expr::cust_with_exprs("full_document || $1", [added.clone()]),
        );
        if !private {
            update.value(
                Alias::new("public_document"),
                Expr::cust_with_exprs("public_document || $1", [added]),
            );
        }
        update.and_where(ExprTrait::is_in(
            Expr::col(Alias::new(key)),
            ids.iter().copied(),
        ));
        db.execute_raw(backend.build(&update)).await?;
        return Ok(());
    }
    let column = if private { "private" } else { "body" };
    // CONCAT is the one spelling the three databases share (SQLite since 3.44).
    let joined = Func::cust("CONCAT")
        .arg(Expr::col(Alias::new(column)))
        .arg(" ")
        .arg(terms);
    let update = SqlQuery::update()
        .table(Alias::new(table))
        .value(Alias::new(column), joined)
        .and_where(ExprTrait::is_in(
            Expr::col(Alias::new(key)),
            ids.iter().copied(),
        ))
        .to_owned();
    db.execute_raw(backend.build(&update)).await?;
    Ok(())
}

/// A select's statement, for [`matching`]. (In the custom SQL above, PostgreSQL's placeholders
/// are numbered, `$1`, each expression counting its own values; the others' are `?`.)
pub fn statement<Q: QueryTrait<QueryStatement = SelectStatement>>(select: Q) -> SelectStatement {
    select.into_query()
}

/// Rows per batch of [`reindex`].
const REINDEX_BATCH: u64 = 500;

/// Rebuilds both indexes from the rows, in batches of 500 (each batch one transaction, its logs
/// read in one query): after an upgrade that created the indexes over existing data, or after a
/// change of the rules of `search_terms`. Answers (FAQs, tickets) indexed.
pub async fn reindex<C: ConnectionTrait + sea_orm::TransactionTrait>(
    db: &C,
) -> ServiceResult<(u64, u64)> {
    use entity::{faq, ticket, ticket_log};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession};

    use crate::db::Unscoped;

    let mut faqs = 0;
    let mut after = 0;
    loop {
        // Unscoped: the command line rebuilds the whole platform's index.
        let rows = Unscoped::find::<faq::Entity>()
            .filter(faq::Column::Id.gt(after))
            .order_by_asc(faq::Column::Id)
            .limit(REINDEX_BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let txn = db.begin().await?;
        for row in &rows {
            let text = FaqText {
                title: &row.title,
                keywords: &row.keywords,
                error_code: row.error_code.as_deref(),
                summary: &row.summary,
                body: &row.body,
            };
            index_faq(&txn, row.id, text).await?;
        }
        txn.commit().await?;
        faqs += rows.len() as u64;
    }
    let mut tickets = 0;
    let mut after = 0;
    loop {
        // Unscoped: the same, for every organisation's tickets.
        let rows = Unscoped::find::<ticket::Entity>()
            .filter(ticket::Column::Id.gt(after))
            .order_by_asc(ticket::Column::Id)
            .limit(REINDEX_BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        // Unscoped: the logs of that batch, private ones included (they are indexed apart).
        let logs = Unscoped::find::<ticket_log::Entity>()
            .filter(ticket_log::Column::TicketId.is_in(rows.iter().map(|r| r.id)))
            .order_by_asc(ticket_log::Column::Id)
            .all(db)
            .await?;
        let txn = db.begin().await?;
        for row in &rows {
            let mine = || logs.iter().filter(|l| l.ticket_id == row.id);
            let public: Vec<&str> = std::iter::once(row.description.as_str())
                .chain(row.solution.as_deref())
                .chain(mine().filter(|l| !l.private).map(|l| l.body.as_str()))
                .collect();
            let private: Vec<&str> = mine()
                .filter(|l| l.private)
                .map(|l| l.body.as_str())
                .collect();
            let title = format!(
                "{} {}",
                crate::domain::search_terms::fold(&row.reference),
                document(&row.title)
            );
            let plain = |parts: &[&str]| {
                document(
                    &parts
                        .iter()
                        .map(|p| crate::markdown::to_plain_text(p))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            };
            put(
                &txn,
                Corpus::Ticket,
                row.id,
                vec![title, plain(&public), plain(&private)],
            )
            .await?;
        }
        txn.commit().await?;
        tickets += rows.len() as u64;
    }
    Ok((faqs, tickets))
}
