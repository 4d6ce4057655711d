//! Incidents of the last 14 days by day and priority: the first chart of the consortium's
//! former iTop incident dashboard.
//!
//! Days are the consortium's (Paris) days. The database groups by UTC hour, which every
//! database can name, and the hours are folded into Paris days here: exact across the clock
//! changes (the offsets are whole hours), and at most 14 × 24 × 4 rows whatever the volume.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::query_of;
use crate::{
    db::{Ctx, Handle},
    domain::catalogue::RequestKind,
    services::{error::ServiceResult, tickets::TicketFilter},
};

/// How many days the chart covers, today included.
pub const DAYS: u64 = 14;

/// Priorities from the highest, as stored.
pub const PRIORITIES: [ticket::Priority; 4] = [
    ticket::Priority::Critical,
    ticket::Priority::High,
    ticket::Priority::Medium,
    ticket::Priority::Low,
];

/// One day's incidents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Day {
    /// The Paris day.
    pub date: NaiveDate,
    /// Counts by priority, critical first (the order of [`PRIORITIES`]).
    pub counts: [u64; 4],
    /// The lists behind each count, same order.
    pub hrefs: [String; 4],
    /// The list of the whole day.
    pub href: String,
}

/// The fortnight, oldest day first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fortnight {
    /// Fourteen days.
    pub days: Vec<Day>,
    /// The list of the whole fortnight.
    pub href: String,
    /// Incidents in it.
    pub total: u64,
}

/// Each database's name for a timestamp's UTC hour, `YYYY-MM-DDTHH`.
fn hour_of(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "to_char(created_at, 'YYYY-MM-DD\"T\"HH24')",
        DbBackend::MySql => "DATE_FORMAT(created_at, '%Y-%m-%dT%H')",
        _ => "strftime('%Y-%m-%dT%H', created_at)",
    }
}

/// The Paris day of a UTC hour named `YYYY-MM-DDTHH`.
fn paris_day(hour: &str) -> Option<NaiveDate> {
    let utc = NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M").ok()?;
    Some(utc.and_utc().with_timezone(&Paris).date_naive())
}

/// The first Paris day of the fortnight ending on `now`'s day, and its first instant.
fn first_day(now: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>) {
    let today = now.with_timezone(&Paris).date_naive();
    let first = today.checked_sub_days(Days::new(DAYS - 1)).unwrap_or(today);
    let start = first
        .and_hms_opt(0, 0, 0)
        .and_then(|t| Paris.from_local_datetime(&t).earliest())
        .map_or(now, |t| t.with_timezone(&Utc));
    (first, start)
}

fn day_filter(from: NaiveDate, to: NaiveDate, priority: Option<ticket::Priority>) -> TicketFilter {
    TicketFilter {
        kind: Some(RequestKind::Incident),
        created_from: Some(from.to_string()),
        created_to: Some(to.to_string()),
        priority: priority.map(Into::into),
        ..TicketFilter::default()
    }
}

/// The caller's incidents of the last 14 Paris days, by day and priority.
pub async fn fortnight<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Fortnight> {
    let (first, start) = first_day(ctx.now());
    let hour = Expr::cust(hour_of(ctx.get_database_backend()));
    let rows: Vec<(String, ticket::Priority, i64)> = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::Kind.eq(ticket::Kind::Incident))
        .filter(ticket::Column::CreatedAt.gte(start))
        .select_only()
        .expr_as(hour.clone(), "hour")
        .column(ticket::Column::Priority)
        .expr_as(Expr::col((ticket::Entity, ticket::Column::Id)).count(), "n")
        .group_by(hour)
        .group_by(ticket::Column::Priority)
        .into_tuple()
        .all(ctx)
        .await?;
    let mut days: Vec<Day> = (0..DAYS)
        .filter_map(|i| first.checked_add_days(Days::new(i)))
        .map(|date| Day {
            date,
            counts: [0; 4],
            hrefs: PRIORITIES.map(|p| {
                format!(
                    "/desk/tickets?{}",
                    query_of(&day_filter(date, date, Some(p)))
                )
            }),
            href: format!("/desk/tickets?{}", query_of(&day_filter(date, date, None))),
        })
        .collect();
    let mut total = 0;
    for (hour, priority, count) in rows {
        let Some(day) = paris_day(&hour).and_then(|d| days.iter_mut().find(|x| x.date == d)) else {
            continue;
        };
        if let Some(slot) = PRIORITIES.iter().position(|p| *p == priority) {
            day.counts[slot] += count.unsigned_abs();
            total += count.unsigned_abs();
        }
    }
    let last = days.last().map_or(first, |d| d.date);
    Ok(Fortnight {
        href: format!("/desk/tickets?{}", query_of(&day_filter(first, last, None))),
        days,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::{first_day, paris_day};

    #[test]
    fn utc_hours_fold_into_paris_days() {
        let day = |s: &str| s.parse::<chrono::NaiveDate>().ok();
        // 23:00 UTC is already the next day in Paris, winter and summer alike.
        assert_eq!(paris_day("2026-01-15T23"), day("2026-01-16"));
        assert_eq!(paris_day("2026-01-15T22"), day("2026-01-15"));
        assert_eq!(paris_day("2026-07-15T22"), day("2026-07-16"));
        assert_eq!(paris_day("2026-07-15T21"), day("2026-07-15"));
        assert_eq!(paris_day("nonsense"), None);
    }

    #[test]
    fn the_fortnight_starts_at_paris_midnight_thirteen_days_back() {
        let now = "2026-12-06T10:00:00Z".parse().unwrap_or_default();
        let (first, start) = first_day(now);
        assert_eq!(first.to_string(), "2026-11-23");
        assert_eq!(start.to_rfc3339(), "2026-11-22T23:00:00+00:00");
    }
}
