//! Reports over what the caller reads: service levels, volumes, times to own and to resolve,
//! satisfaction and the evolution pipeline. Each is one grouped query (or two) over the
//! caller's scoped rows, and each figure links to the list that counts the same rows.

pub mod period;
pub mod pipeline;
pub mod satisfaction;
pub mod table;
pub mod times;
pub mod trend;
pub mod volumes;

use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, UnionType},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    db::{Ctx, Handle, directory},
    domain::role::Role,
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
    /// `csv`: the report as a CSV file (the API also answers CSV to `Accept: text/csv`).
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    pub sep: Option<String>,
}

impl ReportFilter {
    /// The offer code asked for, if any, in capitals.
    pub fn offer_code(&self) -> Option<String> {
        self.offer
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_uppercase)
    }

    /// A ticket list's filter with this report's offer (and nothing else yet).
    pub fn ticket_filter(&self) -> crate::services::tickets::TicketFilter {
        crate::services::tickets::TicketFilter {
            offer: self.offer_code(),
            ..Default::default()
        }
    }
}

/// Reports are the coordinators' and administrators' (within their scope); anyone else is told
/// the page does not exist.
pub fn managers_only<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<()> {
    let caller = ctx.caller();
    if caller.has(Role::Coordinator) || caller.has(Role::Admin) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The id of the offer a filter names (0, which no offer has, for an unknown code): the rows
/// stay scoped, so naming an offer outside the scope finds nothing.
pub async fn offer_id<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Option<i64>> {
    let Some(code) = filter.offer_code() else {
        return Ok(None);
    };
    Ok(Some(
        directory::offers_by_code(ctx, [code])
            .await?
            .first()
            .map_or(0, |o| o.id),
    ))
}

/// The codes of offers, in one query.
pub async fn offer_codes<C: Handle>(
    ctx: &Ctx<C>,
    ids: Vec<i64>,
) -> ServiceResult<Vec<(i64, String)>> {
    Ok(directory::offers(ctx, ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect())
}

/// The label of `id` among `labels` (empty when missing).
pub fn label_of(labels: &[(i64, String)], id: i64) -> String {
    labels
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

/// A ticket list's address with a filter.
pub fn ticket_list(filter: &crate::services::tickets::TicketFilter) -> String {
    format!(
        "/desk/tickets?{}",
        crate::services::dashboards::query_of(filter)
    )
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
    /// The ticket list of the offer's month (HTML path).
    pub list: String,
}

#[derive(Debug, FromQueryResult)]
struct Aggregate {
    offer_id: i64,
    month: i64,
    tickets: i64,
    without_sla: i64,
    tto_measured: i64,
    tto_met: i64,
    tto_seconds: Option<f64>,
    ttr_measured: i64,
    ttr_met: i64,
    ttr_seconds: Option<f64>,
}

/// Sums and means come back as DECIMAL or NUMERIC on some databases; cast so that every one
/// answers the same Rust types.
pub fn casts(backend: DbBackend) -> (&'static str, &'static str) {
    match backend {
        DbBackend::Postgres => ("BIGINT", "DOUBLE PRECISION"),
        DbBackend::MySql => ("SIGNED", "DOUBLE"),
        _ => ("INTEGER", "REAL"),
    }
}

/// `part` of `whole` as a percentage with one decimal.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// TTO and TTR met and mean times by offer and month, over the tickets the caller reads, in
/// one statement (at most 24 months).
///
/// The statement is one grouped query per month joined by `UNION ALL` rather than one query
/// grouped by a month expression: each month then reads its own range of the
/// `(offer_id, created_at, …)` index that carries every column summed here
/// (`ix_ticket_sla_report`) and groups in the index's order, where a month expression made
/// every database evaluate it on each ticket and sort them all (SQLite: 120 ms against 40 ms
/// for seven months of 100 000 tickets).
pub async fn sla<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Vec<SlaReportRow>> {
    let period = period::Period::of(filter, ctx.now())?;
    let backend = ctx.get_database_backend();
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
    let offer = offer_id(ctx, filter).await?;
    let mut months = period.months.iter().zip(0i64..).map(|(month, index)| {
        let mut query = ctx
            .find::<ticket::Entity>()
            .select_only()
            // The month's index is ours, an integer: written into the SQL, it needs no type
            // for PostgreSQL to infer.
            .expr_as(Expr::cust(format!("CAST({index} AS {int})")), "month")
            .column(ticket::Column::OfferId)
            .expr_as(Expr::cust(format!("CAST(COUNT(*) AS {int})")), "tickets")
            .expr_as(count_if("sla_id IS NULL"), "without_sla")
            .expr_as(count_if("tto_outcome IS NOT NULL"), "tto_measured")
            .expr_as(count_if("tto_outcome = 'met'"), "tto_met")
            .expr_as(mean("tto"), "tto_seconds")
            .expr_as(count_if("ttr_outcome IS NOT NULL"), "ttr_measured")
            .expr_as(count_if("ttr_outcome = 'met'"), "ttr_met")
            .expr_as(mean("ttr"), "ttr_seconds")
            .filter(ticket::Column::CreatedAt.gte(month.start))
            .filter(ticket::Column::CreatedAt.lt(month.end))
            .group_by(ticket::Column::OfferId);
        if let Some(offer) = offer {
            query = query.filter(ticket::Column::OfferId.eq(offer));
        }
        query.into_query()
    });
    let Some(mut statement) = months.next() else {
        return Ok(Vec::new());
    };
    for month in months {
        statement.union(UnionType::All, month);
    }
    let mut rows = Aggregate::find_by_statement(backend.build(&statement))
        .all(ctx)
        .await?;
    rows.sort_by_key(|r| (r.offer_id, r.month));
    // The codes of the offers that appear, in one query.
    let codes = offer_codes(ctx, rows.iter().map(|r| r.offer_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| report_row(r, &codes, &period))
        .collect())
}

/// One aggregate as a report row, its offer named by code.
fn report_row(r: Aggregate, codes: &[(i64, String)], period: &period::Period) -> SlaReportRow {
    let offer = label_of(codes, r.offer_id);
    let month = period.month(r.month);
    SlaReportRow {
        list: ticket_list(&crate::services::tickets::TicketFilter {
            offer: Some(offer.clone()),
            ..period.list_filter(month)
        }),
        offer,
        month: month.map(period::Month::label).unwrap_or_default(),
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

/// The SLA report as a table.
pub fn sla_table(rows: &[SlaReportRow]) -> table::Table {
    use table::Cell;
    table::Table {
        headers: [
            "tickets-offer",
            "report-month",
            "report-tickets",
            "report-tto-measured",
            "report-tto-met",
            "report-tto-mean",
            "report-ttr-measured",
            "report-ttr-met",
            "report-ttr-mean",
            "report-without-sla",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.offer.clone()),
                    Cell::text(r.month.clone()),
                    Cell::count(r.tickets).linked(r.list.clone()),
                    Cell::count(r.tto_measured),
                    Cell::value(r.tto_met_percent),
                    Cell::value(r.tto_mean_minutes),
                    Cell::count(r.ttr_measured),
                    Cell::value(r.ttr_met_percent),
                    Cell::value(r.ttr_mean_minutes),
                    Cell::count(r.without_sla),
                ]
            })
            .collect(),
    }
}

/// Compliance by month over every offer of the rows, for the trend chart: the percentage of
/// times to own and to resolve met, each of the last six months of the period.
pub fn sla_trend(
    rows: &[SlaReportRow],
    filter: &ReportFilter,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<trend::Trend> {
    let period = period::Period::of(filter, now)?;
    Ok(trend::Trend::of(
        &period,
        &["report-tto-met", "report-ttr-met"],
        rows.iter().map(|r| {
            (
                r.month.as_str(),
                [(r.tto_met, r.tto_measured), (r.ttr_met, r.ttr_measured)],
            )
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages() {
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }
}
