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
    error::AppError,
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

/// Adds the full-text match of `query` to `select` (a select over the corpus's table, already
/// limited by the caller's scope), ordered by relevance: title hits above body hits. For
/// tickets, private log text matches only where `private_allowed` holds (the provider's side);
/// it never weighs in the order, so the ranking tells nothing of it either.
pub fn matching(
    backend: DbBackend,
    corpus: Corpus,
    mut select: SelectStatement,
    query: &Query,
    private_allowed: sea_orm::Condition,
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
            select
                .and_where(Expr::cust_with_values("ticket_fts MATCH ?", [value()]))
                .cond_where(sea_orm::Condition::any().add(private_allowed).add(
                    Expr::cust_with_values(
                        "ticket.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?)",
                        [Value::from(format!("{{title body}} : ({text})"))],
                    ),
                ))
                .order_by_expr(Expr::cust("bm25(ticket_fts, 10.0, 1.0, 0.0)"), Order::Asc);
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
            select
                .and_where(Expr::cust_with_values(
                    "ticket_search.full_document @@ to_tsquery('simple', $1)",
                    [value()],
                ))
                .cond_where(sea_orm::Condition::any().add(private_allowed).add(
                    Expr::cust_with_values(
                        "ticket_search.public_document @@ to_tsquery('simple', $1)",
                        [value()],
                    ),
                ))
                .order_by_expr(
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
            if corpus == Corpus::Ticket {
                select
                    .and_where(Expr::cust_with_values(
                        "MATCH (ticket_search.title, ticket_search.body, ticket_search.private) \
                         AGAINST (? IN BOOLEAN MODE)",
                        [value()],
                    ))
                    .cond_where(sea_orm::Condition::any().add(private_allowed).add(
                        Expr::cust_with_values(
                            format!("MATCH ({all}) AGAINST (? IN BOOLEAN MODE)"),
                            [value()],
                        ),
                    ));
            } else {
                select.and_where(Expr::cust_with_values(
                    format!("MATCH ({all}) AGAINST (? IN BOOLEAN MODE)"),
                    [value()],
                ));
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

/// The ids of one page of a ranked select, and how many rows it has in all.
pub async fn page_of_ids<C: ConnectionTrait>(
    db: &C,
    select: SelectStatement,
    offset: u64,
    limit: u64,
) -> Result<(Vec<i64>, u64), AppError> {
    let backend = db.get_database_backend();
    let mut count = select.clone();
    count.clear_order_by();
    let count = SqlQuery::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(count, Alias::new("hits"))
        .to_owned();
    let total = db
        .query_one_raw(backend.build(&count))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    if limit == 0 {
        return Ok((Vec::new(), u64::try_from(total).unwrap_or(0)));
    }
    let mut page = select;
    page.limit(limit).offset(offset);
    let ids = db
        .query_all_raw(backend.build(&page))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ids, u64::try_from(total).unwrap_or(0)))
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
) -> Result<(), AppError> {
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
) -> Result<(), AppError> {
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
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    let (table, key) = Engine::of(backend).table(corpus);
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

/// Adds text to the body (public) or private part of some tickets' index, in the transaction
/// that adds it to the tickets (a log entry, a solution, an entry copied to child incidents).
pub async fn append_to_tickets<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    text: &str,
    private: bool,
) -> Result<(), AppError> {
    let terms = document(&crate::markdown::to_plain_text(text));
    if terms.is_empty() || ids.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let (table, key) = Engine::of(backend).table(Corpus::Ticket);
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
