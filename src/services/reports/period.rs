//! A report's period: whole months of the consortium's calendar (Europe/Paris), the calendar
//! the ticket lists filter days in, so that a month's figure and the list it links to count the
//! same tickets, including those filed just after midnight on the first of a month.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use entity::ticket;
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Alias, CaseStatement, Expr, ExprTrait, Func, SimpleExpr},
};

use super::ReportFilter;
use crate::services::{
    error::{ServiceError, ServiceResult},
    tickets::TicketFilter,
};

/// One month of a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// Its first day.
    pub first: NaiveDate,
    /// Its first instant, Paris midnight.
    pub start: DateTime<Utc>,
    /// The first instant of the next month.
    pub end: DateTime<Utc>,
}

impl Month {
    /// `YYYY-MM`.
    pub fn label(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// Its last day.
    pub fn last(&self) -> NaiveDate {
        next_month(self.first).pred_opt().unwrap_or(self.first)
    }
}

/// The months a report covers, oldest first (1 to 24).
#[derive(Debug, Clone)]
pub struct Period {
    /// Its months.
    pub months: Vec<Month>,
}

/// The first instant of a Paris day.
fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    Paris
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || day.and_time(NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(Months::new(1)).unwrap_or(first)
}

/// The first day of a `YYYY-MM` month.
fn month_start(field: &str, text: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| ServiceError::field(field, "report-month-format", vec![]))
}

impl Period {
    /// The period a filter asks for: `from` to `to` (twelve months up to this one by default,
    /// at most 24), this month read in Paris.
    pub fn of(filter: &ReportFilter, now: DateTime<Utc>) -> ServiceResult<Self> {
        let today = now.with_timezone(&Paris).date_naive();
        let this_month = today.with_day(1).unwrap_or(today);
        let to = match filter.to.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => month_start("to", text)?,
            None => this_month,
        };
        let from = match filter.from.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => month_start("from", text)?,
            None => to.checked_sub_months(Months::new(11)).unwrap_or(to),
        };
        let too_long = from
            .checked_add_months(Months::new(24))
            .is_some_and(|l| l <= to);
        if from > to || too_long {
            return Err(ServiceError::field(
                "from",
                "report-range",
                vec![("max", "24".to_owned())],
            ));
        }
        let mut months = Vec::new();
        let mut first = from;
        while first <= to {
            let next = next_month(first);
            months.push(Month {
                first,
                start: paris_midnight(first),
                end: paris_midnight(next),
            });
            if next == first {
                break;
            }
            first = next;
        }
        Ok(Self { months })
    }

    /// The last `count` months up to and including this one.
    pub fn last_months(count: u32, now: DateTime<Utc>) -> ServiceResult<Self> {
        let today = now.with_timezone(&Paris).date_naive();
        let from = today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(count.saturating_sub(1))))
            .unwrap_or(today);
        Self::of(
            &ReportFilter {
                from: Some(from.format("%Y-%m").to_string()),
                ..ReportFilter::default()
            },
            now,
        )
    }

    fn first(&self) -> Option<&Month> {
        self.months.first()
    }

    fn last(&self) -> Option<&Month> {
        self.months.last()
    }

    /// Tickets filed within the period.
    pub fn filed(&self) -> Condition {
        let mut condition = Condition::all();
        if let (Some(first), Some(last)) = (self.first(), self.last()) {
            condition = condition
                .add(ticket::Column::CreatedAt.gte(first.start))
                .add(ticket::Column::CreatedAt.lt(last.end));
        }
        condition
    }

    /// A ticket list's filter on the days of `month` (the whole period for none).
    pub fn list_filter(&self, month: Option<&Month>) -> TicketFilter {
        let (first, last) = match month {
            Some(m) => (Some(m.first), Some(m.last())),
            None => (self.first().map(|m| m.first), self.last().map(Month::last)),
        };
        TicketFilter {
            created_from: first.map(|d| d.format("%Y-%m-%d").to_string()),
            created_to: last.map(|d| d.format("%Y-%m-%d").to_string()),
            ..TicketFilter::default()
        }
    }

    /// The index of the month a ticket was filed in, as an SQL integer (`int` is the backend's
    /// integer type name): one `CASE` over the month boundaries, bound as values like the
    /// lists' own day filters, so that every database buckets the same instants alike.
    pub fn month_index(&self, int: &str) -> SimpleExpr {
        let case = self
            .months
            .iter()
            .zip(0i64..)
            .fold(CaseStatement::new(), |case, (month, i)| {
                case.case(
                    Expr::col((ticket::Entity, ticket::Column::CreatedAt)).lt(month.end),
                    Expr::val(i),
                )
            });
        Func::cast_as(case, Alias::new(int)).into()
    }

    /// The month of an index [`Self::month_index`] answered.
    pub fn month(&self, index: i64) -> Option<&Month> {
        usize::try_from(index).ok().and_then(|i| self.months.get(i))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::{Period, ReportFilter};

    fn period(from: &str, to: &str) -> Result<Period, crate::services::error::ServiceError> {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        Period::of(
            &ReportFilter {
                from: Some(from.into()),
                to: Some(to.into()),
                ..ReportFilter::default()
            },
            now,
        )
    }

    #[test]
    fn months_are_paris_months() {
        let p = period("2026-03", "2026-04").unwrap();
        assert_eq!(p.months.len(), 2);
        // Winter time: Paris midnight is 23:00 UTC the day before; summer time 22:00.
        assert_eq!(p.months[0].start.to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(p.months[1].start.to_rfc3339(), "2026-03-31T22:00:00+00:00");
        assert_eq!(p.months[1].label(), "2026-04");
        assert_eq!(p.months[1].last().to_string(), "2026-04-30");
    }

    #[test]
    fn ranges_are_checked() {
        assert!(period("2026-05", "2026-04").is_err());
        assert!(period("2024-01", "2026-01").is_err());
        assert_eq!(period("2024-02", "2026-01").unwrap().months.len(), 24);
        assert!(period("2026-13", "2026-12").is_err());
    }

    #[test]
    fn the_default_is_twelve_months_to_this_one() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).unwrap();
        let p = Period::of(&ReportFilter::default(), now).unwrap();
        // 23:30 UTC on 30 November is already December in Paris.
        assert_eq!(p.months.last().unwrap().label(), "2026-12");
        assert_eq!(p.months.len(), 12);
        let six = Period::last_months(6, now).unwrap();
        assert_eq!(six.months.first().unwrap().label(), "2026-07");
    }
}
