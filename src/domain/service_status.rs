//! An offer's service status, as subscribers are told it, and the availability figures its
//! history gives: minutes spent in each status over a period.

use chrono::{DateTime, Utc};
use entity::service_status;
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

/// Minutes in each status within `[start, end)`, given the periods of the history (in any
/// order). Time before the first period, or not covered by any, counts as operational: an
/// offer is operational until someone says otherwise. Answers the minutes per status in
/// [`ServiceState::ALL`]'s order.
pub fn minutes_in(periods: &[Period], start: DateTime<Utc>, end: DateTime<Utc>) -> [i64; 5] {
    let mut minutes = [0_i64; 5];
    if end <= start {
        return minutes;
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
            let seconds = (to - from).num_seconds();
            minutes[index(period.state)] += seconds;
            covered += seconds;
        }
    }
    let total = (end - start).num_seconds();
    minutes[0] += (total - covered).max(0);
    minutes.map(|seconds| seconds / 60)
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

    #[test]
    fn availability_leaves_announced_maintenance_out() {
        assert_eq!(availability_per_mille(&[1320, 0, 0, 120, 0]), 916);
        assert_eq!(availability_per_mille(&[1380, 0, 0, 0, 60]), 1000);
        assert_eq!(availability_per_mille(&[0; 5]), 1000);
    }
}
