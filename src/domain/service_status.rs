//! An offer's service status, as subscribers are told it, and the availability figures its
//! history gives: minutes spent in each status over a period.

use chrono::{DateTime, Utc};
use entity::service_status;

use super::business_time::Calendar;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What subscribers are told about an offer's service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceState {
    /// Everything works.
    Operational,
    /// Works, slowly or with errors.
    Degraded,
    /// Part of the service is down.
    PartialOutage,
    /// The service is down.
    MajorOutage,
    /// Down or limited for an announced maintenance.
    Maintenance,
}

impl ServiceState {
    /// Every status, best first.
    pub const ALL: [ServiceState; 5] = [
        ServiceState::Operational,
        ServiceState::Degraded,
        ServiceState::PartialOutage,
        ServiceState::MajorOutage,
        ServiceState::Maintenance,
    ];

    /// Its word, as stored and shown to the texts.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::Operational => "operational",
            ServiceState::Degraded => "degraded",
            ServiceState::PartialOutage => "partial_outage",
            ServiceState::MajorOutage => "major_outage",
            ServiceState::Maintenance => "maintenance",
        }
    }

    /// The status a word names.
    pub fn parse(word: &str) -> Option<ServiceState> {
        Self::ALL.into_iter().find(|s| s.as_str() == word)
    }
}

impl From<service_status::Status> for ServiceState {
    fn from(value: service_status::Status) -> Self {
        match value {
            service_status::Status::Operational => Self::Operational,
            service_status::Status::Degraded => Self::Degraded,
            service_status::Status::PartialOutage => Self::PartialOutage,
            service_status::Status::MajorOutage => Self::MajorOutage,
            service_status::Status::Maintenance => Self::Maintenance,
        }
    }
}

impl From<ServiceState> for service_status::Status {
    fn from(value: ServiceState) -> Self {
        match value {
            ServiceState::Operational => Self::Operational,
            ServiceState::Degraded => Self::Degraded,
            ServiceState::PartialOutage => Self::PartialOutage,
            ServiceState::MajorOutage => Self::MajorOutage,
            ServiceState::Maintenance => Self::Maintenance,
        }
    }
}

/// A period in one status; `to` is none while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The status.
    pub state: ServiceState,
    /// Since when.
    pub from: DateTime<Utc>,
    /// Until when (none: still).
    pub to: Option<DateTime<Utc>>,
}

/// Minutes in each status within `[start, end)`, real time, given the periods of the history (in
/// any order). Time before the first period, or not covered by any, counts as operational: an
/// offer is operational until someone says otherwise. Answers the minutes per status in
/// [`ServiceState::ALL`]'s order.
pub fn minutes_in(periods: &[Period], start: DateTime<Utc>, end: DateTime<Utc>) -> [i64; 5] {
    measured_in(periods, start, end, |from, to| (to - from).num_seconds())
}

/// The same as [`minutes_in`], in the business time of `calendar` (a coverage window): only the
/// open hours of each period count.
pub fn business_minutes_in(
    periods: &[Period],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    calendar: &Calendar,
) -> [i64; 5] {
    measured_in(periods, start, end, |from, to| {
        calendar.seconds_between(from, to)
    })
}

/// Minutes in each status within `[start, end)`, each stretch measured in seconds by `seconds`.
/// Periods are clipped to the range (an ongoing one, to its end: callers pass `now` for the
/// current month); what no period covers is operational.
fn measured_in(
    periods: &[Period],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    seconds: impl Fn(DateTime<Utc>, DateTime<Utc>) -> i64,
) -> [i64; 5] {
    let mut totals = [0_i64; 5];
    if end <= start {
        return totals;
    }
    let index = |state: ServiceState| {
        ServiceState::ALL
            .iter()
            .position(|s| *s == state)
            .unwrap_or_default()
    };
    let mut covered = 0_i64;
    for period in periods {
        let from = period.from.max(start);
        let to = period.to.unwrap_or(end).min(end);
        if to > from {
            let spent = seconds(from, to);
            totals[index(period.state)] += spent;
            covered += spent;
        }
    }
    totals[0] += (seconds(start, end) - covered).max(0);
    totals.map(|seconds| seconds / 60)
}

/// Availability in per mille: the share of the time not in a partial or major outage.
/// Maintenance announced ahead does not count against it (it is agreed downtime).
pub fn availability_per_mille(minutes: &[i64; 5]) -> i64 {
    let total: i64 = minutes.iter().sum();
    if total == 0 {
        return 1000;
    }
    let down = minutes[2] + minutes[3];
    (total - down) * 1000 / total
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn minutes_per_status_over_a_day() {
        // (periods, expected minutes: operational, degraded, partial, major, maintenance)
        let cases: Vec<(Vec<Period>, [i64; 5])> = vec![
            (vec![], [1440, 0, 0, 0, 0]),
            (
                vec![Period {
                    state: ServiceState::MajorOutage,
                    from: at(1, 10),
                    to: Some(at(1, 12)),
                }],
                [1320, 0, 0, 120, 0],
            ),
            (
                // Began the day before, still going: counted from the start of the day.
                vec![Period {
                    state: ServiceState::Degraded,
                    from: at(1, 0) - chrono::Duration::hours(5),
                    to: None,
                }],
                [0, 1440, 0, 0, 0],
            ),
            (
                vec![
                    Period {
                        state: ServiceState::Maintenance,
                        from: at(1, 2),
                        to: Some(at(1, 3)),
                    },
                    Period {
                        state: ServiceState::Operational,
                        from: at(1, 3),
                        to: Some(at(1, 6)),
                    },
                    Period {
                        state: ServiceState::PartialOutage,
                        from: at(1, 6),
                        to: Some(at(1, 7)),
                    },
                ],
                [1320, 0, 60, 0, 60],
            ),
        ];
        for (periods, expected) in cases {
            assert_eq!(
                minutes_in(&periods, at(1, 0), at(2, 0)),
                expected,
                "{periods:?}"
            );
        }
    }

    /// Paris office hours, Monday to Friday 08:00–18:00, no holidays.
    fn office() -> Calendar {
        Calendar::new(&crate::domain::sla::CoverageWindow::business_days()).unwrap()
    }

    fn paris(day: u32, hour: u32) -> DateTime<Utc> {
        // December: Paris is UTC+1.
        at(day, hour) - chrono::Duration::hours(1)
    }

    #[test]
    fn business_minutes_count_only_the_open_hours_of_each_period() {
        // Tuesday 1 December 2026 to Saturday 5, office hours: 4 open days of 600 minutes.
        let (start, end) = (paris(1, 0), paris(5, 0));
        // (periods, `end` (now, for a month under way), expected minutes)
        let cases: Vec<(Vec<Period>, DateTime<Utc>, [i64; 5])> = vec![
            (vec![], end, [2400, 0, 0, 0, 0]),
            (
                // An outage through the night: only 08:00–10:00 the next morning counts.
                vec![Period {
                    state: ServiceState::MajorOutage,
                    from: paris(1, 20),
                    to: Some(paris(2, 10)),
                }],
                end,
                [2280, 0, 0, 120, 0],
            ),
            (
                // Begun before the range and still going: clipped to the range's start and to
                // now (Wednesday 12:00): Tuesday 600 + Wednesday 240.
                vec![Period {
                    state: ServiceState::Degraded,
                    from: paris(1, 0) - chrono::Duration::days(3),
                    to: None,
                }],
                paris(2, 12),
                [0, 840, 0, 0, 0],
            ),
            (
                // Maintenance at night costs no business time at all.
                vec![Period {
                    state: ServiceState::Maintenance,
                    from: paris(3, 22),
                    to: Some(paris(4, 6)),
                }],
                end,
                [2400, 0, 0, 0, 0],
            ),
        ];
        for (periods, now, expected) in cases {
            assert_eq!(
                business_minutes_in(&periods, start, now.min(end), &office()),
                expected,
                "{periods:?}"
            );
        }
    }

    #[test]
    fn a_period_is_clipped_to_the_month_in_real_time() {
        let periods = [Period {
            state: ServiceState::PartialOutage,
            from: at(1, 0) - chrono::Duration::hours(2),
            to: Some(at(1, 1)),
        }];
        assert_eq!(minutes_in(&periods, at(1, 0), at(1, 2)), [60, 0, 60, 0, 0]);
        // A range that ends before it starts measures nothing.
        assert_eq!(minutes_in(&periods, at(1, 2), at(1, 0)), [0; 5]);
    }

    #[test]
    fn availability_leaves_announced_maintenance_out() {
        assert_eq!(availability_per_mille(&[1320, 0, 0, 120, 0]), 916);
        assert_eq!(availability_per_mille(&[1380, 0, 0, 0, 60]), 1000);
        assert_eq!(availability_per_mille(&[0; 5]), 1000);
    }
}
