//! Reports over the tickets the caller reads: service levels by offer and month.

use chrono::NaiveDate;
use entity::{offer, ticket};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    db::{Ctx, Handle, directory},
    services::error::{ServiceError, ServiceResult},
};

/// Which tickets a report covers.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportFilter {
    /// First month, `YYYY-MM` (default: twelve months back).
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month).
    pub to: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
}

/// One offer's month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaReportRow {
    /// Offer code.
    pub offer: String,
    /// `YYYY-MM`, the month the tickets were filed.
    pub month: String,
    /// Tickets filed.
    pub tickets: i64,
    /// Tickets without a service level.
    pub without_sla: i64,
    /// Time to own: clocks stopped…
    pub tto_measured: i64,
    /// …within the target.
    pub tto_met: i64,
    /// Percent met (none when nothing was measured).
    pub tto_met_percent: Option<f64>,
    /// Mean business minutes to own.
    pub tto_mean_minutes: Option<f64>,
    /// Time to resolve: clocks stopped…
    pub ttr_measured: i64,
    /// …within the target.
    pub ttr_met: i64,
    /// Percent met.
    pub ttr_met_percent: Option<f64>,
    /// Mean business minutes to resolve.
    pub ttr_mean_minutes: Option<f64>,
}

#[derive(Debug, FromQueryResult)]
struct Aggregate {
    offer_id: i64,
    month: String,
    tickets: i64,
    without_sla: i64,
    tto_measured: i64,
    tto_met: i64,
    tto_seconds: Option<f64>,
    ttr_measured: i64,
    ttr_met: i64,
    ttr_seconds: Option<f64>,
}

/// The first day of a `YYYY-MM` month.
fn month_start(field: &str, text: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| ServiceError::field(field, "report-month-format", vec![]))
}

/// Each database's way of naming a timestamp's month.
fn month_of(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "to_char(created_at, 'YYYY-MM')",
        DbBackend::MySql => "DATE_FORMAT(created_at, '%Y-%m')",
        _ => "strftime('%Y-%m', created_at)",
    }
}

/// Sums and means come back as DECIMAL or NUMERIC on some databases; cast so that every one
/// answers the same Rust types.
fn casts(backend: DbBackend) -> (&'static str, &'static str) {
    match backend {
        DbBackend::Postgres => ("BIGINT", "DOUBLE PRECISION"),
        DbBackend::MySql => ("SIGNED", "DOUBLE"),
        _ => ("INTEGER", "REAL"),
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The first day of the first month and of the month after the last, from a filter (twelve
/// months up to this one by default, at most 24).
fn months(
    filter: &ReportFilter,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<(NaiveDate, NaiveDate)> {
    let this_month = now.date_naive().format("%Y-%m").to_string();
    let to = month_start("to", filter.to.as_deref().unwrap_or(&this_month))?;
    let default_from = to.checked_sub_months(chrono::Months::new(11)).unwrap_or(to);
    let from = match filter.from.as_deref() {
        Some(text) => month_start("from", text)?,
        None => default_from,
    };
    let end = to.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
    if from > to
        || from
            .checked_add_months(chrono::Months::new(24))
            .is_some_and(|l| l < end)
    {
        return Err(ServiceError::field(
            "from",
            "report-range",
            vec![("max", "24".to_owned())],
        ));
    }
    Ok((from, end))
}

/// TTO and TTR met and mean times by offer and month, over the tickets the caller reads, in
/// one grouped query (at most 24 months).
pub async fn sla<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Vec<SlaReportRow>> {
    let (from, end) = months(filter, ctx.now())?;
    let backend = ctx.get_database_backend();
    let month = Expr::cust(month_of(backend));
    let (int, float) = casts(backend);
    let count_if = |condition: &str| {
        Expr::cust(format!(
            "CAST(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {int})"
        ))
    };
    let mean = |metric: &str| {
        Expr::cust(format!(
            "CAST(AVG(CASE WHEN {metric}_outcome IS NOT NULL THEN {metric}_spent_seconds END) \
             AS {float})"
        ))
    };
    let mut query = ctx
        .find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::OfferId)
        .expr_as(month.clone(), "month")
        .expr_as(Expr::cust(format!("CAST(COUNT(*) AS {int})")), "tickets")
        .expr_as(count_if("sla_id IS NULL"), "without_sla")
        .expr_as(count_if("tto_outcome IS NOT NULL"), "tto_measured")
        .expr_as(count_if("tto_outcome = 'met'"), "tto_met")
        .expr_as(mean("tto"), "tto_seconds")
        .expr_as(count_if("ttr_outcome IS NOT NULL"), "ttr_measured")
        .expr_as(count_if("ttr_outcome = 'met'"), "ttr_met")
        .expr_as(mean("ttr"), "ttr_seconds")
        .filter(ticket::Column::CreatedAt.gte(from.and_time(chrono::NaiveTime::MIN).and_utc()))
        .filter(ticket::Column::CreatedAt.lt(end.and_time(chrono::NaiveTime::MIN).and_utc()))
        .group_by(ticket::Column::OfferId)
        .group_by(month.clone())
        .order_by_asc(ticket::Column::OfferId)
        .order_by_asc(month);
    if let Some(code) = filter
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        query = query.filter(
            ticket::Column::OfferId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(offer::Column::Id)
                    .from(offer::Entity)
                    .and_where(offer::Column::Code.eq(code.to_uppercase()))
                    .to_owned(),
            ),
        );
    }
    let rows = query.into_model::<Aggregate>().all(ctx).await?;
    // The codes of the offers that appear, in one query.
    let codes: Vec<(i64, String)> =
        directory::offers(ctx, rows.iter().map(|r| r.offer_id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    Ok(rows.into_iter().map(|r| report_row(r, &codes)).collect())
}

/// One aggregate as a report row, its offer named by code.
fn report_row(r: Aggregate, codes: &[(i64, String)]) -> SlaReportRow {
    SlaReportRow {
        offer: codes
            .iter()
            .find(|(id, _)| *id == r.offer_id)
            .map(|(_, c)| c.clone())
            .unwrap_or_default(),
        month: r.month,
        tickets: r.tickets,
        without_sla: r.without_sla,
        tto_measured: r.tto_measured,
        tto_met: r.tto_met,
        tto_met_percent: percent(r.tto_met, r.tto_measured),
        tto_mean_minutes: r.tto_seconds.map(|s| (s / 6.0).round() / 10.0),
        ttr_measured: r.ttr_measured,
        ttr_met: r.ttr_met,
        ttr_met_percent: percent(r.ttr_met, r.ttr_measured),
        ttr_mean_minutes: r.ttr_seconds.map(|s| (s / 6.0).round() / 10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::{month_start, percent};

    #[test]
    fn months_and_percentages() {
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        assert!(month_start("from", "2026-11").is_ok());
        assert!(month_start("from", "2026-13").is_err());
        assert!(month_start("from", "novembre").is_err());
    }
}
