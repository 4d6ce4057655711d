//! Writing the full-text indexes: an FAQ, a new ticket, text added to tickets; each call runs
//! in the transaction of the row it indexes.

use std::collections::BTreeMap;

use sea_orm::{
    ConnectionTrait, DbBackend, Statement, Value,
    sea_query::{Alias, Expr, ExprTrait, Func, Query as SqlQuery},
};

use super::{Corpus, Engine};
use crate::{
    domain::search_terms::document,
    services::error::{ServiceError, ServiceResult},
};

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
    insert(db, Corpus::Ticket, id, vec![title, body, String::new()]).await
}

/// Replaces the index row of `id`, or makes it.
pub(super) async fn put<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    id: i64,
    columns: Vec<String>,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    // PostgreSQL's ticket documents are replaced by the insert itself (`ON CONFLICT`).
    if !(backend == DbBackend::Postgres && corpus == Corpus::Ticket) {
        // The engine's table: FTS5's, MariaDB's terms of a ticket (several rows), the others'.
        let (table, key) = Engine::of(backend).table(corpus);
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
    }
    insert(db, corpus, id, columns).await
}

/// Makes the index row of `id`, which has none: a new ticket's. No delete first, since on
/// MariaDB deleting a row that is not there locks the gap at the end of the index, and two
/// filings that both hold it deadlock on their inserts.
async fn insert<C: ConnectionTrait>(
    db: &C,
    corpus: Corpus,
    id: i64,
    columns: Vec<String>,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let (table, key) = Engine::of(backend).table(corpus);
    match (backend, corpus) {
        (DbBackend::Postgres, Corpus::Ticket) => {
            return put_ticket_documents(db, id, &columns).await;
        }
        (DbBackend::MySql, Corpus::Ticket) => return insert_ticket_terms(db, id, &columns).await,
        _ => {}
    }
    let names = match corpus {
        Corpus::Faq => "title, body",
        Corpus::Ticket => "title, body, private",
    };
    let marks = match (backend, corpus) {
        // FAQs only: PostgreSQL's ticket documents were written above.
        (DbBackend::Postgres, _) => "$1, $2, $3",
        (_, Corpus::Faq) => "?, ?, ?",
        (_, Corpus::Ticket) => "?, ?, ?, ?",
    };
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

/// MariaDB counts a ticket's terms per part (see [`super::terms`]): title, body, private text.
/// The ticket has no rows yet (a new one's, or [`put`] deleted them).
async fn insert_ticket_terms<C: ConnectionTrait>(
    db: &C,
    id: i64,
    columns: &[String],
) -> ServiceResult<()> {
    let mut counts: BTreeMap<&str, [u16; 3]> = BTreeMap::new();
    for (part, text) in columns.iter().enumerate().take(3) {
        for (term, n) in term_counts(text) {
            counts.entry(term).or_default()[part] = n;
        }
    }
    let rows = counts.into_iter().map(|(term, [title, body, private])| {
        [
            term.into(),
            id.into(),
            title.into(),
            body.into(),
            private.into(),
        ]
    });
    insert_terms(db, rows.collect(), "").await
}

/// How many times each term is in a document (terms separated by spaces), terms too long for
/// the table left out.
fn term_counts(document: &str) -> BTreeMap<&str, u16> {
    let mut counts = BTreeMap::new();
    for term in document
        .split_whitespace()
        .filter(|t| t.len() <= super::terms::MAX_TERM)
    {
        let count: &mut u16 = counts.entry(term).or_default();
        *count = count.saturating_add(1);
    }
    counts
}

/// Inserts rows of `ticket_term` (term, ticket, title, body and private counts), 2 000 per
/// statement (a statement takes at most 65 535 placeholders), followed by `tail`.
async fn insert_terms<C: ConnectionTrait>(
    db: &C,
    rows: Vec<[Value; 5]>,
    tail: &str,
) -> ServiceResult<()> {
    for chunk in rows.chunks(2_000) {
        let marks = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::MySql,
            format!(
                "INSERT INTO ticket_term (term, ticket_id, title, body, private) VALUES {marks}{tail}"
            ),
            chunk.iter().flatten().cloned().collect::<Vec<_>>(),
        ))
        .await?;
    }
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
    if backend == DbBackend::MySql {
        // Counts added to those of the terms already there (capped where the column ends).
        let part = usize::from(private);
        let counts = term_counts(&terms);
        let rows = ids.iter().flat_map(|&id| {
            counts.iter().map(move |(&term, &n)| {
                let mut row: [Value; 5] = [
                    term.into(),
                    id.into(),
                    0_u16.into(),
                    0_u16.into(),
                    0_u16.into(),
                ];
                row[3 + part] = n.into();
                row
            })
        });
        let column = if private { "private" } else { "body" };
        let tail = format!(
            " ON DUPLICATE KEY UPDATE {column} = LEAST({column} + VALUES({column}), 65535)"
        );
        return insert_terms(db, rows.collect(), &tail).await;
    }
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
