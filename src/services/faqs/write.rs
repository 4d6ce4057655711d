//! Writing FAQs: a new one (possibly from a resolved ticket), a change, and the version and
//! index entry each leaves, in the same transaction.

use entity::{
    faq::{self, FaqStatus},
    faq_version, offer,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{FaqView, Status, Visibility, categories, get, read::writable};
use crate::{
    access::Scope,
    db::{Ctx, Handle},
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        fulltext, required_text,
    },
};

/// Limits of an FAQ's fields.
const TITLE_MAX: usize = 300;
const SUMMARY_MAX: usize = 1000;
const BODY_MAX: usize = 50_000;
const KEYWORDS_MAX: usize = 500;
const CODE_MAX: usize = 50;

/// A new FAQ; `offer` none for a general one. Given `from_ticket`, title and answer default to
/// the ticket's title and solution, and the offer to the ticket's.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Exporter une liste de destinataires", "summary": "Où trouver l'export.", "body": "Utilisez le bouton **Exporter** en haut de la liste.", "offer": "SMS-U", "visibility": "everyone", "status": "published", "keywords": "export csv"}))]
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
#[schema(example = json!({"revision": 1, "summary": "Le bouton Exporter, en haut de chaque liste.", "keywords": "export csv liste destinataires"}))]
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
    fn checked(self) -> ServiceResult<Content> {
        let mut problems = Problems::default();
        let title = required_text(&mut problems, "title", &self.title, TITLE_MAX);
        let body = required_text(&mut problems, "body", &self.body, BODY_MAX);
        let summary = self.summary.trim().to_owned();
        let too_long = |max: usize| vec![("max", max.to_string())];
        if summary.chars().count() > SUMMARY_MAX {
            problems.rule("summary", "field-too-long", too_long(SUMMARY_MAX));
        }
        let keywords = self.keywords.trim().to_owned();
        if keywords.chars().count() > KEYWORDS_MAX {
            problems.rule("keywords", "field-too-long", too_long(KEYWORDS_MAX));
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
            problems.rule("error_code", "field-faq-error-code", too_long(CODE_MAX));
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

/// Whether the scope writes FAQs for an offer (its id and provider; none: the general ones).
fn writes_for(scope: &Scope, offer_provider: Option<(i64, i64)>) -> bool {
    scope.admin
        || match offer_provider {
            None => !scope.managed.is_empty(),
            Some((offer, provider)) => {
                scope.delivered_offers.contains(&offer) || scope.managed.contains(&provider)
            }
        }
}

/// Fills a new FAQ from the resolved ticket it starts from, if any, and answers the ticket's
/// id and provider. 404 for a ticket the caller does not read, 422 for one not resolved.
async fn from_ticket<C: Handle>(ctx: &Ctx<C>, new: &mut NewFaq) -> ServiceResult<Option<i64>> {
    let Some(reference) = new
        .from_ticket
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return Ok(None);
    };
    let row = crate::services::tickets::row(ctx, reference).await?;
    if !matches!(
        row.status,
        entity::ticket::Status::Resolved | entity::ticket::Status::Closed
    ) {
        return Err(ServiceError::field(
            "from_ticket",
            "field-faq-ticket-not-resolved",
            vec![],
        ));
    }
    if new.title.trim().is_empty() {
        new.title = row.title.clone();
    }
    if new.body.trim().is_empty() {
        new.body = row.solution.clone().unwrap_or_default();
    }
    if new.offer.is_none() {
        new.offer = Some(crate::services::catalogue::offers::code_of(ctx, row.offer_id).await?);
    }
    Ok(Some(row.id))
}

/// The offer (id and provider) a new FAQ is about, by code; none for a general one.
async fn offer_of<C: Handle>(
    ctx: &Ctx<C>,
    code: Option<&str>,
) -> ServiceResult<Option<(i64, i64)>> {
    let Some(code) = code.map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(None);
    };
    let row = ctx
        .find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code.to_uppercase()))
        .one(ctx)
        .await?
        .ok_or_else(|| ServiceError::field("offer", "field-unknown", vec![]))?;
    Ok(Some((row.id, row.provider_id)))
}

/// Creates an FAQ, its first version and its index entry, in one transaction. 404 for an
/// offer or ticket the caller does not read; 403 for an offer it does not write FAQs for.
pub async fn create(ctx: &Ctx, new: NewFaq) -> ServiceResult<FaqView> {
    let mut new = new;
    let source_ticket = from_ticket(ctx, &mut new).await?;
    let offer = offer_of(ctx, new.offer.as_deref()).await?;
    if !writes_for(ctx.scope(), offer) {
        return Err(ServiceError::forbidden("refused-faq-not-writer", vec![]));
    }
    if source_ticket.is_some() {
        let row =
            crate::services::tickets::row(ctx, new.from_ticket.as_deref().unwrap_or("")).await?;
        let provider = offer.map_or(0, |(_, p)| p);
        if !crate::services::tickets::provider_side(ctx.scope(), &row, provider) {
            return Err(ServiceError::forbidden(
                "refused-faq-ticket-not-provider",
                vec![],
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
        Some(id) => Some(categories::usable(ctx, id, offer.map(|(o, _)| o)).await?),
        None => None,
    };
    let now = ctx.now();
    let tx = ctx.begin().await?;
    let row = faq::ActiveModel {
        category_id: Set(category),
        offer_id: Set(offer.map(|(o, _)| o)),
        title: Set(content.title),
        summary: Set(content.summary),
        body: Set(content.body),
        keywords: Set(content.keywords),
        error_code: Set(content.error_code),
        visibility: Set(visibility.into()),
        status: Set(status.into()),
        author_id: Set(ctx.caller().account_id),
        source_ticket_id: Set(source_ticket),
        helpful: Set(0),
        unhelpful: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set((status == Status::Published).then_some(now)),
        revision: Set(1),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    remember(&tx, &row).await?;
    tx.commit().await?;
    get(ctx, row.id).await
}

/// Writes the version of an FAQ's current content (by the caller, now) and indexes it.
async fn remember<C: Handle>(ctx: &Ctx<C>, row: &faq::Model) -> ServiceResult<()> {
    ctx.insert_child::<faq_version::Entity, _>(faq_version::ActiveModel {
        faq_id: Set(row.id),
        version: Set(row.revision),
        title: Set(row.title.clone()),
        summary: Set(row.summary.clone()),
        body: Set(row.body.clone()),
        keywords: Set(row.keywords.clone()),
        error_code: Set(row.error_code.clone()),
        visibility: Set(row.visibility),
        status: Set(row.status),
        author_id: Set(ctx.caller().account_id),
        created_at: Set(ctx.now()),
        ..Default::default()
    })
    .await?;
    fulltext::index_faq(
        ctx,
        row.id,
        fulltext::FaqText {
            title: &row.title,
            keywords: &row.keywords,
            error_code: row.error_code.as_deref(),
            summary: &row.summary,
            body: &row.body,
        },
    )
    .await
}

/// Changes an FAQ: a new version, the index again, in one transaction; 404 if unread, 403 if
/// read but not the caller's to write, 409 on a stale revision, 422 on bad input.
pub async fn update(ctx: &Ctx, id: i64, changes: FaqChanges) -> ServiceResult<FaqView> {
    let current = ctx
        .find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !writable(ctx, id).await? {
        return Err(ServiceError::forbidden("refused-faq-not-writer", vec![]));
    }
    let status = changes.status.map_or(current.status, Into::into);
    let content = Content {
        title: changes.title.unwrap_or(current.title.clone()),
        summary: changes.summary.unwrap_or(current.summary.clone()),
        body: changes.body.unwrap_or(current.body.clone()),
        keywords: changes.keywords.unwrap_or(current.keywords.clone()),
        error_code: changes.error_code.or(current.error_code.clone()),
    }
    .checked()?;
    let visibility = changes.visibility.map_or(current.visibility, Into::into);
    let category = match changes.category {
        Some(0) => None,
        Some(c) => Some(categories::usable(ctx, c, current.offer_id).await?),
        None => current.category_id,
    };
    let now = ctx.now();
    let published_at = current
        .published_at
        .or((status == FaqStatus::Published).then_some(now));
    let tx = ctx.begin().await?;
    let done = tx
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
        .exec(&tx)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    let row = tx
        .find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    remember(&tx, &row).await?;
    tx.commit().await?;
    get(ctx, id).await
}
