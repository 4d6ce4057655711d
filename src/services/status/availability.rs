//! Availability per month: minutes in each status from an offer's status history, in real time
//! and in business time, on the offer's status page and in the desk's availability report.
//!
//! Months are the consortium's (Europe/Paris), as every report's; the month under way is counted
//! up to now. Business time is the coverage window of one SLA of the offer's provider: the one
//! that the most conventions in force on the offer are measured against (ties: the oldest), or,
//! when no convention names one, the provider's oldest SLA. Availability in business time answers
//! "was it there when our service levels say it must be", so it is read against the window most
//! subscribers hold; and it is always the provider's own window, never one of another provider.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{convention, convention_offer, offer, service_status, sla};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::provides;
use crate::{
    db::{Ctx, Handle},
    domain::{
        business_time::Calendar,
        service_status::{
            Period, ServiceState, availability_per_mille, business_minutes_in, minutes_in,
        },
    },
    services::{
        MAX_PER_PAGE,
        catalogue::{slas::SlaView, today},
        error::{ServiceError, ServiceResult},
        reports::{
            ReportFilter, managers_only,
            period::{Month, Period as ReportPeriod},
            table::{Cell, Table},
        },
    },
};

/// Minutes in each status over one month (Paris), in real time and in business time.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthAvailability {
    /// `YYYY-MM`.
    pub month: String,
    /// Minutes per status, real time, keyed by the status word.
    pub minutes: HashMap<String, i64>,
    /// Share of the month not in a partial or major outage, in per mille, real time.
    pub availability_per_mille: i64,
    /// Minutes per status within the SLA's coverage window (none without an SLA).
    pub business_minutes: Option<HashMap<String, i64>>,
    /// Share of the business time not in a partial or major outage, in per mille.
    pub business_availability_per_mille: Option<i64>,
    /// The SLA whose coverage window measures business time.
    pub sla: Option<String>,
}

/// One offer's months, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferAvailability {
    /// The offer's code.
    pub offer: String,
    /// Its months.
    pub months: Vec<MonthAvailability>,
}

/// The window business time is measured in, for one offer.
struct Coverage {
    name: String,
    calendar: Calendar,
}

/// Keyed by status word.
fn keyed(minutes: [i64; 5]) -> HashMap<String, i64> {
    ServiceState::ALL
        .iter()
        .zip(minutes)
        .map(|(s, m)| (s.as_str().to_owned(), m))
        .collect()
}

/// The figures of one offer's months from its periods.
fn months_of(
    periods: &[Period],
    months: &[Month],
    now: DateTime<Utc>,
    coverage: Option<&Coverage>,
) -> Vec<MonthAvailability> {
    months
        .iter()
        .rev()
        .filter(|m| m.start < now)
        .map(|m| {
            let end = m.end.min(now);
            let real = minutes_in(periods, m.start, end);
            let business =
                coverage.map(|c| business_minutes_in(periods, m.start, end, &c.calendar));
            MonthAvailability {
                month: m.label(),
                minutes: keyed(real),
                availability_per_mille: availability_per_mille(&real),
                business_minutes: business.map(keyed),
                business_availability_per_mille: business.map(|b| availability_per_mille(&b)),
                sla: coverage.map(|c| c.name.clone()),
            }
        })
        .collect()
}

/// The status periods of `offers` that overlap `[start, now)`, by offer, in one query.
async fn periods<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[i64],
    start: DateTime<Utc>,
) -> ServiceResult<HashMap<i64, Vec<Period>>> {
    let mut by_offer: HashMap<i64, Vec<Period>> = HashMap::new();
    for p in ctx
        .find::<service_status::Entity>()
        .filter(service_status::Column::OfferId.is_in(offers.iter().copied()))
        .filter(
            sea_orm::Condition::any()
                .add(service_status::Column::EndedAt.is_null())
                .add(service_status::Column::EndedAt.gt(start)),
        )
        .filter(service_status::Column::StartedAt.lt(ctx.now()))
        .all(ctx)
        .await?
    {
        by_offer.entry(p.offer_id).or_default().push(Period {
            state: p.status.into(),
            from: p.started_at,
            to: p.ended_at,
        });
    }
    Ok(by_offer)
}

/// The coverage window of each offer (see the module's rule), in three queries whatever the
/// number of offers: the conventions' links to the offers, the conventions in force with an
/// SLA, the providers' SLAs.
async fn coverages<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[offer::Model],
) -> ServiceResult<HashMap<i64, Coverage>> {
    // The platform reads which SLA the subscribers' conventions name: the reader of an offer's
    // availability does not read the others' conventions, and learns nothing of them but the
    // window the figure is measured in.
    let platform = ctx.as_platform();
    let links: Vec<(i64, i64)> = platform
        .find::<convention_offer::Entity>()
        .select_only()
        .column(convention_offer::Column::OfferId)
        .column(convention_offer::Column::ConventionId)
        .filter(convention_offer::Column::OfferId.is_in(offers.iter().map(|o| o.id)))
        .into_tuple()
        .all(&platform)
        .await?;
    let today = today(ctx.now());
    let named: HashMap<i64, i64> = platform
        .find::<convention::Entity>()
        .select_only()
        .column(convention::Column::Id)
        .column(convention::Column::SlaId)
        .filter(convention::Column::Id.is_in(links.iter().map(|(_, c)| *c)))
        .filter(convention::Column::Status.eq(convention::ConventionStatus::Production))
        .filter(convention::Column::StartDate.lte(today))
        .filter(convention::Column::EndDate.gte(today))
        .filter(convention::Column::SlaId.is_not_null())
        .into_tuple::<(i64, i64)>()
        .all(&platform)
        .await?
        .into_iter()
        .collect();
    let slas = platform
        .find::<sla::Entity>()
        .filter(sla::Column::ProviderId.is_in(offers.iter().map(|o| o.provider_id)))
        .order_by_asc(sla::Column::Id)
        .all(&platform)
        .await?;
    let mut out = HashMap::new();
    for o in offers {
        let held = |id: i64| {
            links
                .iter()
                .filter(|(offer, convention)| *offer == o.id && named.get(convention) == Some(&id))
                .count()
        };
        // The most held; among equals the first met, the oldest (ids ascending).
        let chosen = slas.iter().filter(|s| s.provider_id == o.provider_id).fold(
            None::<(&sla::Model, usize)>,
            |best, s| {
                let count = held(s.id);
                match best {
                    Some((_, most)) if most >= count => best,
                    _ => Some((s, count)),
                }
            },
        );
        let Some((row, _)) = chosen else { continue };
        let view = SlaView::from(row.clone());
        // A window that does not compile measures nothing rather than failing the page.
        if let Ok(calendar) = Calendar::new(&view.coverage_window) {
            out.insert(
                o.id,
                Coverage {
                    name: view.name,
                    calendar,
                },
            );
        }
    }
    Ok(out)
}

/// Minutes in each status for the current month and the `months - 1` before it (Paris months,
/// the current one up to now), in real and business time, newest first.
pub async fn availability<C: Handle>(
    ctx: &Ctx<C>,
    code: &str,
    months: u32,
) -> ServiceResult<Vec<MonthAvailability>> {
    let row = super::offer_by_code(ctx, code).await?;
    let period = ReportPeriod::last_months(months.clamp(1, 24), ctx.now())?;
    let start = period.months.first().map_or(ctx.now(), |m| m.start);
    let mut periods = periods(ctx, &[row.id], start).await?;
    let coverage = coverages(ctx, std::slice::from_ref(&row)).await?;
    Ok(months_of(
        &periods.remove(&row.id).unwrap_or_default(),
        &period.months,
        ctx.now(),
        coverage.get(&row.id),
    ))
}

/// The availability report: for each offer the caller provides (a coordinator, its provider's;
/// an administrator, all), or the one the filter names, minutes in each status per month of
/// the period, in real and business time. Others are told the report does not exist; an offer
/// named that the caller does not provide is 404.
pub async fn report<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Vec<OfferAvailability>> {
    managers_only(ctx)?;
    let period = ReportPeriod::of(filter, ctx.now())?;
    let mut query = ctx
        .find::<offer::Entity>()
        .order_by_asc(offer::Column::Code);
    if let Some(code) = filter.offer_code() {
        query = query.filter(offer::Column::Code.eq(code));
    }
    let offers: Vec<offer::Model> = query
        .limit(MAX_PER_PAGE)
        .all(ctx)
        .await?
        .into_iter()
        .filter(|o| provides(ctx.scope(), o))
        .collect();
    if offers.is_empty() && filter.offer_code().is_some() {
        return Err(ServiceError::NotFound);
    }
    let ids: Vec<i64> = offers.iter().map(|o| o.id).collect();
    let start = period.months.first().map_or(ctx.now(), |m| m.start);
    let mut periods = periods(ctx, &ids, start).await?;
    let coverage = coverages(ctx, &offers).await?;
    Ok(offers
        .into_iter()
        .map(|o| OfferAvailability {
            months: months_of(
                &periods.remove(&o.id).unwrap_or_default(),
                &period.months,
                ctx.now(),
                coverage.get(&o.id),
            ),
            offer: o.code,
        })
        .collect())
}

/// The report's table: one row per offer, month and measure (real time, business time).
pub fn table(rows: &[OfferAvailability]) -> Table {
    let mut headers = vec![
        "tickets-offer".to_owned(),
        "report-month".to_owned(),
        "availability-measure".to_owned(),
    ];
    headers.extend(
        ServiceState::ALL
            .iter()
            .map(|s| format!("service-{}", s.as_str())),
    );
    headers.push("availability-share".to_owned());
    headers.push("availability-sla".to_owned());
    let mut out = Vec::new();
    for offer in rows {
        for m in &offer.months {
            let measures = [
                (
                    "availability-real",
                    Some(&m.minutes),
                    Some(m.availability_per_mille),
                ),
                (
                    "availability-business",
                    m.business_minutes.as_ref(),
                    m.business_availability_per_mille,
                ),
            ];
            for (measure, minutes, share) in measures {
                let Some(minutes) = minutes else { continue };
                let mut row = vec![
                    Cell::text(offer.offer.clone()),
                    Cell::text(m.month.clone()),
                    Cell::key(measure),
                ];
                row.extend(
                    ServiceState::ALL
                        .iter()
                        .map(|s| Cell::count(minutes.get(s.as_str()).copied().unwrap_or_default())),
                );
                row.push(Cell::value(share.map(|p| p as f64 / 10.0)));
                row.push(Cell::text(m.sla.clone().unwrap_or_default()));
                out.push(row);
            }
        }
    }
    Table { headers, rows: out }
}
