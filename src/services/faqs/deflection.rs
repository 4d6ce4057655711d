//! Deflection (SPEC section 7b): FAQs suggested while a contact types a new request's title,
//! "this answered my question" counted per offer, and the tickets filed after seeing
//! suggestions, by offer and month.

use chrono::{DateTime, Duration, Utc};
use entity::{
    faq::{self, FaqStatus},
    faq_suggestion,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

pub use entity::faq_suggestion::SuggestionEvent as Event;

use super::FaqHit;
use crate::{
    access::Caller,
    db::{Ctx, Handle, Unscoped},
    services::error::{ServiceError, ServiceResult},
};

/// Suggestions shown under a title.
pub const SUGGESTIONS: u64 = 5;
/// Suggestions seen within this time before filing count the ticket as "filed after seeing
/// suggestions"; repeated showings within it count once.
const SEEN_WITHIN_MINUTES: i64 = 120;

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
) -> ServiceResult<()> {
    // A suggestion record is the filer's act (an offer they file on, checked by the callers);
    // the rule gives the rows to the offer's provider to read, not to the filer.
    faq_suggestion::ActiveModel {
        offer_id: Set(offer_id),
        faq_id: Set(faq_id),
        account_id: Set(account_id),
        kind: Set(event),
        month: Set(month_of(now)),
        ticket_id: Set(ticket_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether `account_id` was shown suggestions on the offer lately (a filing reads it before its
/// transaction, which then only writes the note: [`note_filing`]).
pub async fn seen_lately<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    offer_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    // Unscoped: the filer's own earlier showings, which the rule gives to the offer's provider
    // to read (the report), not to the filer.
    Ok(Unscoped::find::<faq_suggestion::Entity>()
        .filter(faq_suggestion::Column::AccountId.eq(account_id))
        .filter(faq_suggestion::Column::OfferId.eq(offer_id))
        .filter(faq_suggestion::Column::CreatedAt.gte(now - Duration::minutes(SEEN_WITHIN_MINUTES)))
        .filter(faq_suggestion::Column::Kind.eq(Event::Shown))
        .select_only()
        .column(faq_suggestion::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// The best published FAQs of the offer for what the caller is typing; a showing is recorded
/// once per person, offer and two hours. 404 for an offer the caller does not file on.
pub async fn suggest<C: Handle>(
    ctx: &Ctx<C>,
    offer_id: i64,
    text: &str,
) -> ServiceResult<Vec<FaqHit>> {
    let caller = ctx.caller();
    if !files_on(caller, offer_id) {
        return Err(ServiceError::NotFound);
    }
    let text: String = text.chars().take(200).collect();
    let hits = super::suggestions(ctx, offer_id, &text, SUGGESTIONS).await?;
    let now = ctx.now();
    if !hits.is_empty() && !seen_lately(ctx, caller.account_id, offer_id, now).await? {
        record(
            ctx,
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
pub async fn deflect<C: Handle>(ctx: &Ctx<C>, faq_id: i64, offer_id: i64) -> ServiceResult<()> {
    ctx.find::<faq::Entity>()
        .filter(faq::Column::Id.eq(faq_id))
        .filter(faq::Column::Status.eq(FaqStatus::Published))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let caller = ctx.caller();
    if !files_on(caller, offer_id) {
        return Err(ServiceError::NotFound);
    }
    record(
        ctx,
        Event::Deflected,
        offer_id,
        caller.account_id,
        Some(faq_id),
        None,
        ctx.now(),
    )
    .await
}

/// Records, in the filing's transaction, that a ticket was filed after its filer saw
/// suggestions on the offer ([`seen_lately`]).
pub async fn note_filing<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    offer_id: i64,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    record(
        txn,
        Event::Filed,
        offer_id,
        account_id,
        None,
        Some(ticket_id),
        now,
    )
    .await
}

/// Which months and offer the report covers: the reports' filter.
pub use crate::services::reports::ReportFilter as DeflectionFilter;

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
    kind: Event,
    n: i64,
}

fn checked_month(field: &str, text: Option<&str>, default: String) -> ServiceResult<String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map(|_| text.to_owned())
        .map_err(|_| ServiceError::field(field, "field-month", vec![]))
}

/// Suggestions shown, deflections and tickets filed after suggestions, by offer and month, for
/// the offers the caller provides (one grouped query).
pub async fn report<C: Handle>(
    ctx: &Ctx<C>,
    filter: &DeflectionFilter,
) -> ServiceResult<Vec<DeflectionRow>> {
    let now = ctx.now();
    let to = checked_month("to", filter.to.as_deref(), month_of(now))?;
    let from = checked_month(
        "from",
        filter.from.as_deref(),
        month_of(now - Duration::days(335)),
    )?;
    let mut select = ctx
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
            select.filter(faq_suggestion::Column::OfferId.eq(super::offer_id(ctx, code).await?));
    }
    let counts = select.into_model::<Count>().all(ctx).await?;
    let codes = super::search::offer_codes(ctx, counts.iter().map(|c| c.offer_id)).await?;
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
                    .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("empty")))?
            }
        };
        match count.kind {
            Event::Shown => row.shown = count.n,
            Event::Deflected => row.deflected = count.n,
            Event::Filed => row.filed_after_suggestion = count.n,
        }
    }
    Ok(rows)
}

/// The deflection report as a table.
pub fn table(rows: &[DeflectionRow]) -> crate::services::reports::table::Table {
    use crate::services::reports::table::{Cell, Table};
    Table {
        headers: [
            "tickets-offer",
            "report-month",
            "report-shown",
            "report-deflected",
            "report-filed-after",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.offer.clone()),
                    Cell::text(r.month.clone()),
                    Cell::count(r.shown),
                    Cell::count(r.deflected),
                    Cell::count(r.filed_after_suggestion),
                ]
            })
            .collect(),
    }
}

/// The share of shown suggestions that answered the question, by month, for the trend chart.
pub fn trend(
    rows: &[DeflectionRow],
    filter: &DeflectionFilter,
    now: DateTime<Utc>,
) -> ServiceResult<crate::services::reports::trend::Trend> {
    let period = crate::services::reports::period::Period::of(filter, now)?;
    Ok(crate::services::reports::trend::Trend::of(
        &period,
        &["report-deflection-rate"],
        rows.iter()
            .map(|r| (r.month.as_str(), [(r.deflected, r.shown)])),
    ))
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
