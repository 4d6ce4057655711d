//! A trend: percentages by month (met deadlines, deflected requests…), summed over offers, for
//! the last six months of a report's period.

use serde::Serialize;
use utoipa::ToSchema;

use super::{percent, period::Period};

/// How many months a trend shows.
pub const MONTHS: usize = 6;

/// One month of a trend.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// One percentage per series (none when nothing was measured).
    pub values: Vec<Option<f64>>,
    /// What each percentage is of.
    pub wholes: Vec<i64>,
}

/// Percentages by month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trend {
    /// What each series measures, as catalogue keys.
    pub series: Vec<String>,
    /// The months, oldest first.
    pub points: Vec<TrendPoint>,
}

impl Trend {
    /// Sums `(part, whole)` by month and series over `rows` (`(month, pairs)`, months as
    /// `YYYY-MM`), for the last [`MONTHS`] months of `period`.
    pub fn of<'a, const N: usize>(
        period: &Period,
        series: &[&str; N],
        rows: impl Iterator<Item = (&'a str, [(i64, i64); N])>,
    ) -> Self {
        let months: Vec<String> = period
            .months
            .iter()
            .rev()
            .take(MONTHS)
            .rev()
            .map(super::period::Month::label)
            .collect();
        let mut sums = vec![[(0i64, 0i64); N]; months.len()];
        for (month, pairs) in rows {
            if let Some(i) = months.iter().position(|m| m == month) {
                for (sum, (part, whole)) in sums[i].iter_mut().zip(pairs) {
                    sum.0 += part;
                    sum.1 += whole;
                }
            }
        }
        Self {
            series: series.iter().map(|s| (*s).to_owned()).collect(),
            points: months
                .into_iter()
                .zip(sums)
                .map(|(month, pairs)| TrendPoint {
                    month,
                    values: pairs.iter().map(|(p, w)| percent(*p, *w)).collect(),
                    wholes: pairs.iter().map(|(_, w)| *w).collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::{Period, Trend};

    #[test]
    fn months_are_summed_over_offers() {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        let period = Period::last_months(12, now).unwrap();
        let rows = [
            ("2026-12", [(1, 2)]),
            ("2026-12", [(1, 2)]),
            ("2026-07", [(0, 1)]),
            ("2026-01", [(5, 5)]),
        ];
        let trend = Trend::of(&period, &["report-ttr-met"], rows.into_iter());
        assert_eq!(trend.points.len(), 6);
        assert_eq!(trend.points[0].month, "2026-07");
        assert_eq!(trend.points[0].values, vec![Some(0.0)]);
        assert_eq!(trend.points[1].values, vec![None]);
        assert_eq!(trend.points[5].values, vec![Some(50.0)]);
        assert_eq!(trend.points[5].wholes, vec![4]);
    }
}
