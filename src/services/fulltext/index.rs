//! Writing the full-text indexes: an FAQ, a new ticket, text added to tickets; each call runs
//! in the transaction of the row it indexes.

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
    let (table, key) = Engine::of(backend).table(corpus);
    // PostgreSQL's ticket documents are replaced by the insert itself (`ON CONFLICT`).
    if backend == DbBackend::Postgres && corpus == Corpus::Ticket {
        return insert(db, corpus, id, columns).await;
    }
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
