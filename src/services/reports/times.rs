//! Times to own and to resolve by offer, in business time (the SLA clock's measure, stored
//! when a clock stops): how many were measured, the mean and the 90th percentile.
//!
//! The counts and means are one grouped query; each percentile is one more query that ranks
//! the measures within their offer with window functions (`ROW_NUMBER`, `COUNT … OVER`, which
//! SQLite, PostgreSQL and MariaDB all have) and keeps the first at or past 90 %, so the
//! database answers one row per offer and nothing is held in memory but the result.

use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    Select,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ReportFilter, casts, label_of, offer_codes, offer_id,
    period::Period,
    table::{Cell, Table},
    ticket_list,
};
use crate::{
    db::{Ctx, Handle},
    services::{error::ServiceResult, tickets::TicketFilter},
};

/// One offer's times, in business minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimesRow {
    /// Offer code.
    pub offer: String,
    /// Tickets filed in the period whose time to own was measured.
    pub tto_measured: i64,
    /// Mean business minutes to own.
    pub tto_mean_minutes: Option<f64>,
    /// 90th percentile (nearest rank) of the business minutes to own.
    pub tto_p90_minutes: Option<f64>,
    /// Tickets filed in the period whose time to resolve was measured.
    pub ttr_measured: i64,
    /// Mean business minutes to resolve.
    pub ttr_mean_minutes: Option<f64>,
    /// 90th percentile (nearest rank) of the business minutes to resolve.
    pub ttr_p90_minutes: Option<f64>,
    /// The offer's tickets filed in the period (HTML path).
    pub list: String,
}

#[derive(Debug, FromQueryResult)]
struct Aggregate {
    offer_id: i64,
    tto_measured: i64,
    tto_seconds: Option<f64>,
    ttr_measured: i64,
    ttr_seconds: Option<f64>,
}

#[derive(Debug, FromQueryResult)]
struct Percentile {
    offer_id: i64,
    seconds: i64,
}

/// Which clock.
#[derive(Clone, Copy)]
enum Metric {
    Tto,
    Ttr,
}

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::Tto => "tto",
            Metric::Ttr => "ttr",
        }
    }
}

fn minutes(seconds: f64) -> f64 {
    (seconds / 6.0).round() / 10.0
}

/// The 90th percentile of `metric` by offer over `tickets`.
async fn p90<C: Handle>(
    ctx: &Ctx<C>,
    tickets: Select<ticket::Entity>,
    metric: Metric,
) -> ServiceResult<Vec<Percentile>> {
    let m = metric.name();
    let ranked = tickets
        .select_only()
        .column(ticket::Column::OfferId)
        .expr_as(Expr::cust(format!("{m}_spent_seconds")), "seconds")
        .expr_as(
            Expr::cust(format!(
                "ROW_NUMBER() OVER (PARTITION BY offer_id ORDER BY {m}_spent_seconds)"
            )),
            "rank_in_offer",
        )
        .expr_as(
            Expr::cust("COUNT(*) OVER (PARTITION BY offer_id)"),
            "offer_count",
        )
        .filter(Expr::cust(format!("{m}_outcome IS NOT NULL")))
        .into_query();
    let outer = Query::select()
        .column(Alias::new("offer_id"))
        .expr_as(Expr::col(Alias::new("seconds")).min(), "seconds")
        .from_subquery(ranked, Alias::new("ranked"))
        // Nearest rank: the first measure whose rank reaches 90 % of the count.
        .and_where(Expr::cust("rank_in_offer * 10 >= offer_count * 9"))
        .group_by_col(Alias::new("offer_id"))
        .to_owned();
    let backend: DbBackend = ctx.get_database_backend();
    Ok(Percentile::find_by_statement(backend.build(&outer))
        .all(ctx)
        .await?)
}

/// Times to own and to resolve by offer, over the caller's tickets filed in the period.
pub async fn times<C: Handle>(ctx: &Ctx<C>, filter: &ReportFilter) -> ServiceResult<Vec<TimesRow>> {
    super::managers_only(ctx)?;
    let period = Period::of(filter, ctx.now())?;
    let (int, float) = casts(ctx.get_database_backend());
    let mut tickets = ctx.find::<ticket::Entity>().filter(period.filed());
    if let Some(offer) = offer_id(ctx, filter).await? {
        tickets = tickets.filter(ticket::Column::OfferId.eq(offer));
    }
    let measured = |m: &str| {
        Expr::cust(format!(
            "CAST(SUM(CASE WHEN {m}_outcome IS NOT NULL THEN 1 ELSE 0 END) AS {int})"
        ))
    };
    let mean = |m: &str| {
        Expr::cust(format!(
            "CAST(AVG(CASE WHEN {m}_outcome IS NOT NULL THEN {m}_spent_seconds END) AS {float})"
        ))
    };
    let rows = tickets
        .clone()
        .select_only()
        .column(ticket::Column::OfferId)
        .expr_as(measured("tto"), "tto_measured")
        .expr_as(mean("tto"), "tto_seconds")
        .expr_as(measured("ttr"), "ttr_measured")
        .expr_as(mean("ttr"), "ttr_seconds")
        .group_by(ticket::Column::OfferId)
        .into_model::<Aggregate>()
        .all(ctx)
        .await?;
    let tto = p90(ctx, tickets.clone(), Metric::Tto).await?;
    let ttr = p90(ctx, tickets, Metric::Ttr).await?;
    let codes = offer_codes(ctx, rows.iter().map(|r| r.offer_id).collect()).await?;
    let percentile = |of: &[Percentile], offer: i64| {
        of.iter()
            .find(|p| p.offer_id == offer)
            .map(|p| minutes(p.seconds as f64))
    };
    let mut rows: Vec<TimesRow> = rows
        .into_iter()
        .map(|r| {
            let offer = label_of(&codes, r.offer_id);
            TimesRow {
                list: ticket_list(&TicketFilter {
                    offer: Some(offer.clone()),
                    ..period.list_filter(None)
                }),
                offer,
                tto_measured: r.tto_measured,
                tto_mean_minutes: r.tto_seconds.map(minutes),
                tto_p90_minutes: percentile(&tto, r.offer_id),
                ttr_measured: r.ttr_measured,
                ttr_mean_minutes: r.ttr_seconds.map(minutes),
                ttr_p90_minutes: percentile(&ttr, r.offer_id),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.offer.cmp(&b.offer));
    Ok(rows)
}

/// The rows as a table.
pub fn table(rows: &[TimesRow]) -> Table {
    Table {
        headers: [
            "tickets-offer",
            "report-tto-measured",
            "report-tto-mean",
            "report-tto-p90",
            "report-ttr-measured",
            "report-ttr-mean",
            "report-ttr-p90",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.offer.clone()).linked(r.list.clone()),
                    Cell::count(r.tto_measured),
                    Cell::value(r.tto_mean_minutes),
                    Cell::value(r.tto_p90_minutes),
                    Cell::count(r.ttr_measured),
                    Cell::value(r.ttr_mean_minutes),
                    Cell::value(r.ttr_p90_minutes),
                ]
            })
            .collect(),
    }
}
