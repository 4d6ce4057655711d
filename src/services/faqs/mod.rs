//! The knowledge base (SPEC section 6): FAQs written by the providers' agents and coordinators
//! for the offers they deliver, read according to their visibility, searched in French.
//! Who reads and who writes an FAQ is the scoped handle's rule (`ScopedEntity for faq`).

pub mod categories;
pub mod deflection;
pub mod feedback;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{account, faq, faq_category, faq_version, offer, ticket};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access::Caller,
    db::{Scoped, ScopedEntity, Unscoped},
    domain::search_terms::{Query, snippet},
    error::AppError,
    services::{PageRequest, Paged, Problems, fulltext, required_text, stale},
};

/// Who reads a published FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone signed in.
    Everyone,
    /// The organisations with a convention in force on its offer (and the provider).
    Subscribers,
    /// The provider's agents and coordinators.
    Agents,
}

/// Where an FAQ stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; only its writers read it.
    Draft,
    /// Read by its audience.
    Published,
    /// Kept for the record; only its writers read it.
    Archived,
}

fn word<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// An FAQ as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqView {
    /// Id.
    pub id: i64,
    /// Question.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Answer, Markdown.
    pub body: String,
    /// Answer rendered and sanitised.
    pub body_html: String,
    /// Keywords, comma-separated.
    pub keywords: String,
    /// Error code the answer is about, upper case.
    pub error_code: Option<String>,
    /// Offer code; none for a general FAQ.
    pub offer: Option<String>,
    /// Category id and name.
    pub category: Option<crate::services::tickets::Named>,
    /// Who reads it once published.
    pub visibility: String,
    /// Draft, published or archived.
    pub status: String,
    /// Author's name.
    pub author: String,
    /// Ticket it was written from.
    pub source_ticket: Option<String>,
    /// "Useful" answers.
    pub helpful: i32,
    /// "Not useful" answers.
    pub unhelpful: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
    /// Revision, for changes.
    pub revision: i32,
    /// Whether the reader may change it.
    pub may_edit: bool,
    /// The reader's own opinion, if given.
    pub my_feedback: Option<bool>,
}

/// An FAQ in a list or a search result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqHit {
    /// Id.
    pub id: i64,
    /// Question.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Offer code; none for a general FAQ.
    pub offer: Option<String>,
    /// Error code.
    pub error_code: Option<String>,
    /// Draft, published or archived.
    pub status: String,
    /// Who reads it.
    pub visibility: String,
    /// Where the query's words are, HTML-escaped with the hits in `<mark>`; the summary's start
    /// in a list without a query.
    pub snippet: String,
}

/// The FAQ list's filters.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqFilter {
    /// Words to find (French; accents and case do not matter) or an exact error code.
    pub q: Option<String>,
    /// Offer code; `general` for FAQs without an offer.
    pub offer: Option<String>,
    /// Category id.
    pub category: Option<i64>,
    /// `published` (default), `draft`, `archived` or `all`: beyond published, only what the
    /// caller writes is found.
    pub status: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 20).
    pub per_page: Option<u64>,
}

/// Limits of an FAQ's fields.
const TITLE_MAX: usize = 300;
const SUMMARY_MAX: usize = 1000;
const BODY_MAX: usize = 50_000;
const KEYWORDS_MAX: usize = 500;
const CODE_MAX: usize = 50;
/// Snippet width, in characters.
const SNIPPET: usize = 160;

/// The FAQs the caller reads, searched when `q` is given (exact error code first, then by
/// relevance, title above body), else the latest changed first.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    filter: &FaqFilter,
) -> Result<Paged<FaqHit>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(20),
    }
    .checked()?;
    let mut condition = Condition::all();
    match filter.status.as_deref().unwrap_or("published") {
        "all" => {}
        "published" | "draft" | "archived" => {
            condition = condition
                .add(faq::Column::Status.eq(filter.status.as_deref().unwrap_or("published")));
        }
        _ => {
            return Err(AppError::field(
                "status",
                "must be published, draft, archived or all",
            ));
        }
    }
    match filter
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        None => {}
        Some("general") => condition = condition.add(faq::Column::OfferId.is_null()),
        Some(code) => {
            let id = offer_id(db, code).await?;
            condition = condition.add(faq::Column::OfferId.eq(id));
        }
    }
    if let Some(category) = filter.category {
        condition = condition.add(faq::Column::CategoryId.eq(category));
    }
    let text = filter.q.as_deref().unwrap_or("").trim();
    if text.chars().count() > 200 {
        return Err(AppError::field("q", "must be at most 200 characters"));
    }
    search(db, condition, text, false, page).await
}

/// The published FAQs of an offer (and general ones) matching what a contact is typing, for the
/// suggestions under the new request's title.
pub async fn suggestions<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    offer_id: i64,
    text: &str,
    limit: u64,
) -> Result<Vec<FaqHit>, AppError> {
    let condition = Condition::all()
        .add(faq::Column::Status.eq("published"))
        .add(
            Condition::any()
                .add(faq::Column::OfferId.eq(offer_id))
                .add(faq::Column::OfferId.is_null()),
        );
    let page = PageRequest {
        page: 1,
        per_page: limit,
    };
    Ok(search(db, condition, text, true, page).await?.items)
}

async fn search<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    condition: Condition,
    text: &str,
    prefix: bool,
    page: PageRequest,
) -> Result<Paged<FaqHit>, AppError> {
    let query = Query::parse(text, prefix);
    let scoped = || db.find::<faq::Entity>().filter(condition.clone());
    let (ids, total) = if text.is_empty() {
        let total = scoped().count(db.conn()).await?;
        let ids: Vec<i64> = scoped()
            .select_only()
            .column(faq::Column::Id)
            .order_by_desc(faq::Column::UpdatedAt)
            .order_by_desc(faq::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .into_tuple()
            .all(db.conn())
            .await?;
        (ids, total)
    } else {
        // An error code typed as such is the best answer there is: it comes first.
        let code = text.to_uppercase();
        let exact: Vec<i64> = scoped()
            .select_only()
            .column(faq::Column::Id)
            .filter(faq::Column::ErrorCode.eq(code))
            .order_by_asc(faq::Column::Id)
            .limit(10)
            .into_tuple()
            .all(db.conn())
            .await?;
        let (mut ids, mut total) = (Vec::new(), exact.len() as u64);
        let offset = page.offset();
        let skipped = exact
            .iter()
            .skip(offset as usize)
            .take(page.per_page as usize);
        ids.extend(skipped.copied());
        if !query.is_empty() {
            let select = fulltext::statement(
                scoped()
                    .select_only()
                    .column(faq::Column::Id)
                    .filter(faq::Column::Id.is_not_in(exact.clone())),
            );
            let ranked = fulltext::matching(
                db.conn().get_database_backend(),
                fulltext::Corpus::Faq,
                select,
                &query,
                fulltext::Private::Nowhere,
            );
            let (found, count) = fulltext::page_of_ids(
                db.conn(),
                fulltext::Corpus::Faq,
                ranked,
                offset.saturating_sub(exact.len() as u64),
                page.per_page - ids.len() as u64,
                fulltext::Reach::All,
            )
            .await?;
            ids.extend(found);
            total += count;
        }
        (ids, total)
    };
    let items = hits(db, &ids, &query).await?;
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// The hits of some FAQ ids, in the order given, with their snippets.
async fn hits<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    ids: &[i64],
    query: &Query,
) -> Result<Vec<FaqHit>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .find::<faq::Entity>()
        .filter(faq::Column::Id.is_in(ids.iter().copied()))
        .all(db.conn())
        .await?;
    let offers = offer_codes(db.conn(), rows.iter().filter_map(|r| r.offer_id)).await?;
    let mut by_id: HashMap<i64, faq::Model> = rows.into_iter().map(|r| (r.id, r)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|row| {
            let text = format!(
                "{} {}",
                row.summary,
                crate::markdown::to_plain_text(&row.body)
            );
            FaqHit {
                id: row.id,
                snippet: snippet(&text, query, SNIPPET),
                offer: row.offer_id.and_then(|o| offers.get(&o).cloned()),
                title: row.title,
                summary: row.summary,
                error_code: row.error_code,
                status: row.status,
                visibility: row.visibility,
            }
        })
        .collect())
}

/// Offer codes by id, in one query. Offer codes are public within the consortium.
async fn offer_codes<C: ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The id of an offer the caller reads, by code (404 otherwise).
pub async fn offer_id<C: ConnectionTrait>(db: &Scoped<'_, C>, code: &str) -> Result<i64, AppError> {
    db.find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .into_tuple()
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

/// One FAQ the caller reads (404 otherwise).
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
) -> Result<FaqView, AppError> {
    let row = db
        .find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let may_edit = writable(db, id).await?;
    let author: String = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.eq(row.author_id))
        .into_tuple()
        .one(db.conn())
        .await?
        .unwrap_or_default();
    let category = match row.category_id {
        Some(id) => db
            .find::<faq_category::Entity>()
            .filter(faq_category::Column::Id.eq(id))
            .one(db.conn())
            .await?
            .map(|c| crate::services::tickets::Named {
                id: c.id,
                name: c.name,
            }),
        None => None,
    };
    let offers = offer_codes(db.conn(), row.offer_id.into_iter()).await?;
    // The source ticket is named only to those who read it.
    let source_ticket = match row.source_ticket_id {
        Some(id) => {
            db.find::<ticket::Entity>()
                .select_only()
                .column(ticket::Column::Reference)
                .filter(ticket::Column::Id.eq(id))
                .into_tuple()
                .one(db.conn())
                .await?
        }
        None => None,
    };
    let my_feedback = feedback::mine(db, caller, id).await?;
    Ok(FaqView {
        id: row.id,
        body_html: crate::markdown::to_safe_html(&row.body),
        offer: row.offer_id.and_then(|o| offers.get(&o).cloned()),
        title: row.title,
        summary: row.summary,
        body: row.body,
        keywords: row.keywords,
        error_code: row.error_code,
        category,
        visibility: row.visibility,
        status: row.status,
        author,
        source_ticket,
        helpful: row.helpful,
        unhelpful: row.unhelpful,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
        revision: row.revision,
        may_edit,
        my_feedback,
    })
}

async fn writable<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<bool, AppError> {
    Ok(Unscoped::find::<faq::Entity>()
        .filter(faq::Entity::writable(db.scope()))
        .filter(faq::Column::Id.eq(id))
        .count(db.conn())
        .await?
        > 0)
}

/// A new FAQ; `offer` none for a general one. Given `from_ticket`, title and answer default to
/// the ticket's title and solution, and the offer to the ticket's.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFaq {
    /// Question (required unless from a ticket).
    #[serde(default)]
    pub title: String,
    /// One or two sentences.
    #[serde(default)]
    pub summary: String,
    /// Answer, Markdown (required unless from a ticket).
    #[serde(default)]
    pub body: String,
    /// Keywords, comma-separated.
    #[serde(default)]
    pub keywords: String,
    /// Error code.
    pub error_code: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
    /// Category id.
    pub category: Option<i64>,
    /// Default `everyone`.
    pub visibility: Option<Visibility>,
    /// Default `draft`.
    pub status: Option<Status>,
    /// Reference of a resolved ticket to start from.
    pub from_ticket: Option<String>,
}

/// Changes to an FAQ; absent fields stay.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqChanges {
    /// The revision read.
    pub revision: i32,
    /// Question.
    pub title: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Answer.
    pub body: Option<String>,
    /// Keywords.
    pub keywords: Option<String>,
    /// Error code; empty to remove.
    pub error_code: Option<String>,
    /// Category id; 0 to remove.
    pub category: Option<i64>,
    /// Visibility.
    pub visibility: Option<Visibility>,
    /// Status.
    pub status: Option<Status>,
}

/// The content of an FAQ, checked.
struct Content {
    title: String,
    summary: String,
    body: String,
    keywords: String,
    error_code: Option<String>,
}

impl Content {
    fn checked(self) -> Result<Content, AppError> {
        let mut problems = Problems::default();
        let title = required_text(&mut problems, "title", &self.title, TITLE_MAX);
        let body = self.body.trim().to_owned();
        if body.is_empty() || body.chars().count() > BODY_MAX {
            problems.add(
                "body",
                format!("is required, at most {BODY_MAX} characters"),
            );
        }
        let summary = self.summary.trim().to_owned();
        if summary.chars().count() > SUMMARY_MAX {
            problems.add(
                "summary",
                format!("must be at most {SUMMARY_MAX} characters"),
            );
        }
        let keywords = self.keywords.trim().to_owned();
        if keywords.chars().count() > KEYWORDS_MAX {
            problems.add(
                "keywords",
                format!("must be at most {KEYWORDS_MAX} characters"),
            );
        }
        let error_code = self
            .error_code
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty());
        if error_code.as_deref().is_some_and(|c| {
            c.len() > CODE_MAX
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "-_.:".contains(ch))
        }) {
            problems.add(
                "error_code",
                format!("at most {CODE_MAX} letters, digits and - _ . :"),
            );
        }
        problems.into_result()?;
        Ok(Content {
            title,
            summary,
            body,
            keywords,
            error_code,
        })
    }
}

/// Whether the caller writes FAQs for `offer_id` (none: the general ones).
fn writes_for(caller: &Caller, offer_provider: Option<(i64, i64)>) -> bool {
    let scope = &caller.scope;
    scope.admin
        || match offer_provider {
            None => !scope.managed.is_empty(),
            Some((offer, provider)) => {
                scope.delivered_offers.contains(&offer) || scope.managed.contains(&provider)
            }
        }
}

/// Creates an FAQ, its first version and its index entry, in one transaction. 404 for an
/// offer or ticket the caller does not read; 403 for an offer it does not write FAQs for.
pub async fn create<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    new: NewFaq,
) -> Result<FaqView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut new = new;
    let mut source_ticket = None;
    let as_ctx = crate::db::Ctx::new(db.conn(), std::sync::Arc::new(caller.clone()), db.now());
    if let Some(reference) = new
        .from_ticket
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let row = crate::services::tickets::row(&as_ctx, reference).await?;
        if !matches!(
            row.status,
            entity::ticket::Status::Resolved | entity::ticket::Status::Closed
        ) {
            return Err(AppError::field(
                "from_ticket",
                "must be a resolved or closed ticket",
            ));
        }
        if new.title.trim().is_empty() {
            new.title = row.title.clone();
        }
        if new.body.trim().is_empty() {
            new.body = row.solution.clone().unwrap_or_default();
        }
        if new.offer.is_none() {
            new.offer = Some(crate::services::catalogue::offers::code_of(db, row.offer_id).await?);
        }
        source_ticket = Some(row.id);
    }
    let offer = match new
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        Some(code) => {
            let row = db
                .find::<offer::Entity>()
                .filter(offer::Column::Code.eq(code.to_uppercase()))
                .one(db.conn())
                .await?
                .ok_or_else(|| AppError::field("offer", "is not an offer you read"))?;
            Some((row.id, row.provider_id))
        }
        None => None,
    };
    if !writes_for(caller, offer) {
        return Err(AppError::Forbidden(
            "only the offer's agents and coordinators write its FAQs".to_owned(),
        ));
    }
    if source_ticket.is_some() {
        let row = crate::services::tickets::row(&as_ctx, new.from_ticket.as_deref().unwrap_or(""))
            .await?;
        let provider = offer.map_or(0, |(_, p)| p);
        if !crate::services::tickets::provider_side(db.scope(), &row, provider) {
            return Err(AppError::Forbidden(
                "only the ticket's provider turns it into an FAQ".to_owned(),
            ));
        }
    }
    let content = Content {
        title: new.title,
        summary: new.summary,
        body: new.body,
        keywords: new.keywords,
        error_code: new.error_code,
    }
    .checked()?;
    let status = new.status.unwrap_or(Status::Draft);
    let visibility = new.visibility.unwrap_or(Visibility::Everyone);
    let category = match new.category {
        Some(id) => Some(categories::usable(db, id, offer.map(|(o, _)| o)).await?),
        None => None,
    };
    let now = db.now();
    let txn = db.conn().begin().await?;
    let row = faq::ActiveModel {
        category_id: Set(category),
        offer_id: Set(offer.map(|(o, _)| o)),
        title: Set(content.title.clone()),
        summary: Set(content.summary.clone()),
        body: Set(content.body.clone()),
        keywords: Set(content.keywords.clone()),
        error_code: Set(content.error_code.clone()),
        visibility: Set(word(visibility)),
        status: Set(word(status)),
        author_id: Set(caller.account_id),
        source_ticket_id: Set(source_ticket),
        helpful: Set(0),
        unhelpful: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set((status == Status::Published).then_some(now)),
        revision: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    remember(&txn, &row, caller.account_id, now).await?;
    txn.commit().await?;
    get(db, caller, row.id).await
}

/// Writes the version of an FAQ's current content and indexes it.
async fn remember<C: ConnectionTrait>(
    txn: &C,
    row: &faq::Model,
    author: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    faq_version::ActiveModel {
        faq_id: Set(row.id),
        version: Set(row.revision),
        title: Set(row.title.clone()),
        summary: Set(row.summary.clone()),
        body: Set(row.body.clone()),
        keywords: Set(row.keywords.clone()),
        error_code: Set(row.error_code.clone()),
        visibility: Set(row.visibility.clone()),
        status: Set(row.status.clone()),
        author_id: Set(author),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(fulltext::index_faq(
        txn,
        row.id,
        fulltext::FaqText {
            title: &row.title,
            keywords: &row.keywords,
            error_code: row.error_code.as_deref(),
            summary: &row.summary,
            body: &row.body,
        },
    )
    .await?)
}

/// Changes an FAQ: a new version, the index again, in one transaction; 404 if unread, 403 if
/// read but not the caller's to write, 409 on a stale revision, 422 on bad input.
pub async fn update<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
    changes: FaqChanges,
) -> Result<FaqView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = db
        .find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if !writable(db, id).await? {
        return Err(AppError::Forbidden(
            "only the offer's agents and coordinators change its FAQs".to_owned(),
        ));
    }
    let status = changes
        .status
        .map(word)
        .unwrap_or_else(|| current.status.clone());
    let content = Content {
        title: changes.title.unwrap_or(current.title.clone()),
        summary: changes.summary.unwrap_or(current.summary.clone()),
        body: changes.body.unwrap_or(current.body.clone()),
        keywords: changes.keywords.unwrap_or(current.keywords.clone()),
        error_code: changes.error_code.or(current.error_code.clone()),
    }
    .checked()?;
    let visibility = changes
        .visibility
        .map(word)
        .unwrap_or_else(|| current.visibility.clone());
    let category = match changes.category {
        Some(0) => None,
        Some(c) => Some(categories::usable(db, c, current.offer_id).await?),
        None => current.category_id,
    };
    let now = db.now();
    let published_at = current
        .published_at
        .or((status == "published").then_some(now));
    let txn = db.conn().begin().await?;
    let done = db
        .update_many::<faq::Entity>()
        .col_expr(faq::Column::Title, Expr::value(content.title))
        .col_expr(faq::Column::Summary, Expr::value(content.summary))
        .col_expr(faq::Column::Body, Expr::value(content.body))
        .col_expr(faq::Column::Keywords, Expr::value(content.keywords))
        .col_expr(faq::Column::ErrorCode, Expr::value(content.error_code))
        .col_expr(faq::Column::Visibility, Expr::value(visibility))
        .col_expr(faq::Column::Status, Expr::value(status))
        .col_expr(faq::Column::CategoryId, Expr::value(category))
        .col_expr(faq::Column::PublishedAt, Expr::value(published_at))
        .col_expr(faq::Column::UpdatedAt, Expr::value(now))
        .col_expr(faq::Column::Revision, Expr::value(current.revision + 1))
        .filter(faq::Column::Id.eq(id))
        .filter(faq::Column::Revision.eq(changes.revision))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(stale());
    }
    let row = Unscoped::find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    remember(&txn, &row, caller.account_id, now).await?;
    txn.commit().await?;
    get(db, caller, id).await
}

/// One earlier state of an FAQ.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqVersionView {
    /// The FAQ's revision with this content.
    pub version: i32,
    /// Question.
    pub title: String,
    /// Status then.
    pub status: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The versions of an FAQ the caller writes, newest first (at most 100).
pub async fn versions<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<Vec<FaqVersionView>, AppError> {
    let rows = db
        .find::<faq_version::Entity>()
        .filter(faq_version::Column::FaqId.eq(id))
        .order_by_desc(faq_version::Column::Version)
        .limit(100)
        .all(db.conn())
        .await?;
    let mut authors: Vec<i64> = rows.iter().map(|r| r.author_id).collect();
    authors.sort_unstable();
    authors.dedup();
    let names: HashMap<i64, String> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(authors))
        .into_tuple::<(i64, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| FaqVersionView {
            version: r.version,
            author: names.get(&r.author_id).cloned().unwrap_or_default(),
            title: r.title,
            status: r.status,
            created_at: r.created_at,
        })
        .collect())
}
