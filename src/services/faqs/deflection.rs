//! Deflection (SPEC section 7b): FAQs suggested while a contact types a new request's title,
//! "this answered my question" counted per offer, and the tickets filed after seeing
//! suggestions, by offer and month.

use chrono::{DateTime, Duration, Utc};
use entity::{faq, faq_suggestion, offer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::FaqHit;
use crate::{access::Caller, db::Scoped, error::AppError};

/// Suggestions shown under a title.
pub const SUGGESTIONS: u64 = 5;
/// Suggestions seen within this time before filing count the ticket as "filed after seeing
/// suggestions"; repeated showings within it count once.
const SEEN_WITHIN_MINUTES: i64 = 120;

/// What happened after suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Suggestions were shown.
    Shown,
    /// One of them answered the question.
    Deflected,
    /// A ticket was filed anyway.
    Filed,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::Shown => "shown",
            Event::Deflected => "deflected",
            Event::Filed => "filed",
        }
    }
}

/// `YYYY-MM` of an instant, in Paris: the consortium's month.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m")
        .to_string()
}

/// Whether the caller files on this offer (a contact whose organisation subscribes to it).
fn files_on(caller: &Caller, offer_id: i64) -> bool {
    caller.scope.subscribed_offers.contains(&offer_id)
}

async fn record<C: ConnectionTrait>(
    db: &C,
    event: Event,
    offer_id: i64,
    account_id: i64,
    faq_id: Option<i64>,
    ticket_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    faq_suggestion::ActiveModel {
        offer_id: Set(offer_id),
        faq_id: Set(faq_id),
        account_id: Set(account_id),
        kind: Set(event.as_str().to_owned()),
        month: Set(month_of(now)),
        ticket_id: Set(ticket_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether `account_id` was shown suggestions on the offer lately.
async fn seen_lately<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    offer_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(crate::db::Unscoped::find::<faq_suggestion::Entity>()
        .filter(faq_suggestion::Column::AccountId.eq(account_id))
        .filter(faq_suggestion::Column::OfferId.eq(offer_id))
        .filter(faq_suggestion::Column::CreatedAt.gte(now - Duration::minutes(SEEN_WITHIN_MINUTES)))
        .filter(faq_suggestion::Column::Kind.eq(Event::Shown.as_str()))
        .count(db)
        .await?
        > 0)
}

/// The best published FAQs of the offer for what the caller is typing; a showing is recorded
/// once per person, offer and two hours. 404 for an offer the caller does not file on.
pub async fn suggest<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    offer_id: i64,
    text: &str,
) -> Result<Vec<FaqHit>, AppError> {
    if !files_on(caller, offer_id) {
        return Err(AppError::NotFound);
    }
    let text: String = text.chars().take(200).collect();
    let hits = super::suggestions(db, offer_id, &text, SUGGESTIONS).await?;
    let now = db.now();
    if !hits.is_empty() && !seen_lately(db.conn(), caller.account_id, offer_id, now).await? {
        record(
            db.conn(),
            Event::Shown,
            offer_id,
            caller.account_id,
            None,
            None,
            now,
        )
        .await?;
    }
    Ok(hits)
}

/// "Cela répond à ma question": records a deflection of a filing on the offer by the FAQ.
/// 404 for an FAQ the caller does not read or an offer it does not file on.
pub async fn deflect<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    faq_id: i64,
    offer_id: i64,
) -> Result<(), AppError> {
    db.find::<faq::Entity>()
        .filter(faq::Column::Id.eq(faq_id))
        .filter(faq::Column::Status.eq("published"))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if !files_on(caller, offer_id) {
        return Err(AppError::NotFound);
    }
    record(
        db.conn(),
        Event::Deflected,
        offer_id,
        caller.account_id,
        Some(faq_id),
        None,
        db.now(),
    )
    .await
}

/// Records, in the filing's transaction, that a ticket was filed after its filer saw
/// suggestions on the offer.
pub async fn note_filing<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    offer_id: i64,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if seen_lately(txn, account_id, offer_id, now).await? {
        record(
            txn,
            Event::Filed,
            offer_id,
            account_id,
            None,
            Some(ticket_id),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Which months and offer the report covers.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeflectionFilter {
    /// First month, `YYYY-MM` (default: twelve months back).
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month).
    pub to: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
}

/// One offer's month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeflectionRow {
    /// Offer code.
    pub offer: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Times suggestions were shown (once per person and two hours).
    pub shown: i64,
    /// "Cela répond à ma question".
    pub deflected: i64,
    /// Tickets filed after seeing suggestions.
    pub filed_after_suggestion: i64,
}

#[derive(Debug, FromQueryResult)]
struct Count {
    offer_id: i64,
    month: String,
    kind: String,
    n: i64,
}

fn checked_month(field: &str, text: Option<&str>, default: String) -> Result<String, AppError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map(|_| text.to_owned())
        .map_err(|_| AppError::field(field, "must be a month, YYYY-MM"))
}

/// Suggestions shown, deflections and tickets filed after suggestions, by offer and month, for
/// the offers the caller provides (one grouped query).
pub async fn report<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    filter: &DeflectionFilter,
) -> Result<Vec<DeflectionRow>, AppError> {
    let now = db.now();
    let to = checked_month("to", filter.to.as_deref(), month_of(now))?;
    let from = checked_month(
        "from",
        filter.from.as_deref(),
        month_of(now - Duration::days(335)),
    )?;
    let mut select = db
        .find::<faq_suggestion::Entity>()
        .select_only()
        .column(faq_suggestion::Column::OfferId)
        .column(faq_suggestion::Column::Month)
        .column(faq_suggestion::Column::Kind)
        .column_as(faq_suggestion::Column::Id.count(), "n")
        .filter(faq_suggestion::Column::Month.gte(from))
        .filter(faq_suggestion::Column::Month.lte(to))
        .group_by(faq_suggestion::Column::OfferId)
        .group_by(faq_suggestion::Column::Month)
        .group_by(faq_suggestion::Column::Kind)
        .order_by_asc(faq_suggestion::Column::OfferId)
        .order_by_desc(faq_suggestion::Column::Month);
    if let Some(code) = filter.offer.as_deref().filter(|c| !c.trim().is_empty()) {
        select =
            select.filter(faq_suggestion::Column::OfferId.eq(super::offer_id(db, code).await?));
    }
    let counts = select.into_model::<Count>().all(db.conn()).await?;
    let codes: std::collections::HashMap<i64, String> =
        crate::db::Unscoped::find::<offer::Entity>()
            .select_only()
            .column(offer::Column::Id)
            .column(offer::Column::Code)
            .filter(offer::Column::Id.is_in(counts.iter().map(|c| c.offer_id)))
            .into_tuple::<(i64, String)>()
            .all(db.conn())
            .await?
            .into_iter()
            .collect();
    let mut rows: Vec<DeflectionRow> = Vec::new();
    for count in counts {
        let offer = codes.get(&count.offer_id).cloned().unwrap_or_default();
        let row = match rows.last_mut() {
            Some(last) if last.offer == offer && last.month == count.month => last,
            _ => {
                rows.push(DeflectionRow {
                    offer,
                    month: count.month.clone(),
                    shown: 0,
                    deflected: 0,
                    filed_after_suggestion: 0,
                });
                rows.last_mut()
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("empty")))?
            }
        };
        match count.kind.as_str() {
            "shown" => row.shown = count.n,
            "deflected" => row.deflected = count.n,
            _ => row.filed_after_suggestion = count.n,
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn the_month_is_the_consortiums() {
        // 23:30 UTC on 31 October is already November in Paris.
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 10, 31, 23, 30, 0)
            .single();
        assert_eq!(at.map(super::month_of).as_deref(), Some("2026-11"));
    }
}
