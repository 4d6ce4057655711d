//! Service levels: priorities, targets and the coverage window they are measured in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{catalogue::RequestKind, holidays::PublicHolidays};

/// The largest target, in business minutes (about 69 days round the clock): a bound on how far
/// the clock plans, so that a window open one minute a week still answers quickly.
pub const MAX_TARGET_MINUTES: i64 = 100_000;

/// A ticket's priority.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SlaMetric)]
pub enum Metric {
    /// Time to own: creation to first assignment.
    Tto,
    /// Time to resolve: creation to resolution.
    Ttr,
}

/// One service level target: for tickets of `kind` and `priority`, `metric` within `minutes`
/// of business time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Ticket kind.
    pub kind: RequestKind,
    /// Ticket priority.
    pub priority: Priority,
    /// What is measured.
    pub metric: Metric,
    /// Business minutes allowed.
    pub minutes: i64,
}

/// The target for tickets of `kind` and `priority` on `metric`, in business minutes.
pub fn target_minutes(
    targets: &[Target],
    kind: RequestKind,
    priority: Priority,
    metric: Metric,
) -> Option<i32> {
    targets
        .iter()
        .find(|t| t.kind == kind && t.priority == priority && t.metric == metric)
        .and_then(|t| i32::try_from(t.minutes).ok())
}

/// A weekly opening interval, e.g. Monday 08:00–18:00, Monday 08:00–24:00, or an overnight
/// shift Friday 22:00–06:00 (a closing before the opening is on the next day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// 0 = Monday … 6 = Sunday: the day of the opening.
    pub weekday: u8,
    /// Opening, `HH:MM` from `00:00` to `23:59`.
    pub start: String,
    /// Closing, `HH:MM` up to `24:00`; at or before the opening, it is the next day's.
    pub end: String,
}

/// Minutes since midnight of a wall-clock time `HH:MM`, `24:00` included (1440).
pub fn clock_minutes(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    match (hours, minutes) {
        (0..=23, 0..=59) | (24, 0) => Some(hours * 60 + minutes),
        _ => None,
    }
}

impl Interval {
    /// Opening and closing in minutes since the opening day's midnight: the closing is past
    /// 1440 when the interval crosses midnight. None when the times do not read, the opening
    /// is `24:00`, or both are the same.
    pub fn span(&self) -> Option<(u32, u32)> {
        let (start, end) = (clock_minutes(&self.start)?, clock_minutes(&self.end)?);
        if start >= 1440 || start == end {
            None
        } else if start < end {
            Some((start, end))
        } else {
            // Crosses midnight: the closing is the next day's.
            Some((start, end + 1440))
        }
    }
}

/// When the clock runs: weekly intervals (or round the clock) in a time zone, minus holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageWindow {
    /// IANA time zone, e.g. `Europe/Paris`.
    pub time_zone: String,
    /// Open every day, all day ("24/7"): the intervals are then not used. Holidays still
    /// close, so a 24/7 window wants no holiday rules.
    #[serde(default)]
    pub round_the_clock: bool,
    /// Weekly opening intervals.
    pub intervals: Vec<Interval>,
    /// Public holidays computed from rules.
    #[serde(default)]
    pub public_holidays: PublicHolidays,
    /// One-off closures (e.g. the week between Christmas and New Year), `YYYY-MM-DD`.
    pub holidays: Vec<NaiveDate>,
}

impl CoverageWindow {
    /// Monday to Friday, 08:00–18:00, Europe/Paris, no holidays: the spec's default.
    pub fn business_days() -> CoverageWindow {
        CoverageWindow {
            time_zone: "Europe/Paris".to_owned(),
            round_the_clock: false,
            public_holidays: PublicHolidays::None,
            intervals: (0..5)
                .map(|weekday| Interval {
                    weekday,
                    start: "08:00".to_owned(),
                    end: "18:00".to_owned(),
                })
                .collect(),
            holidays: Vec::new(),
        }
    }
}

/// A problem of a window or its targets: the field, the catalogue message that tells it and the
/// message's arguments.
pub type Problem = (String, &'static str, Vec<(&'static str, String)>);

/// Checks a window and targets; answers each problem.
pub fn check(window: &CoverageWindow, targets: &[Target]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if window.time_zone.parse::<chrono_tz::Tz>().is_err() {
        problems.push(("time_zone".to_owned(), "catalogue-sla-time-zone", vec![]));
    }
    if window.intervals.is_empty() && !window.round_the_clock {
        problems.push(("intervals".to_owned(), "catalogue-sla-no-interval", vec![]));
    }
    if window.intervals.len() > 50 || window.holidays.len() > 400 || targets.len() > 100 {
        problems.push(("intervals".to_owned(), "catalogue-sla-too-many", vec![]));
    }
    for (i, interval) in window.intervals.iter().enumerate() {
        let start = clock_minutes(&interval.start);
        let end = clock_minutes(&interval.end);
        let reason = match (interval.weekday, start, end) {
            (7.., _, _) => Some("catalogue-sla-weekday"),
            (_, None, _) | (_, _, None) => Some("catalogue-sla-times"),
            (_, Some(1440), _) => Some("catalogue-sla-opening-at-midnight"),
            (_, Some(s), Some(e)) if e == s => Some("catalogue-sla-same-times"),
            _ => None,
        };
        if let Some(reason) = reason {
            problems.push((format!("intervals[{i}]"), reason, vec![]));
        }
    }
    for (i, target) in targets.iter().enumerate() {
        if target.minutes <= 0 || target.minutes > MAX_TARGET_MINUTES {
            problems.push((
                format!("targets[{i}].minutes"),
                "catalogue-sla-target-range",
                vec![("max", MAX_TARGET_MINUTES.to_string())],
            ));
        }
        let duplicate = targets[..i].iter().any(|t| {
            t.kind == target.kind && t.priority == target.priority && t.metric == target.metric
        });
        if duplicate {
            problems.push((
                format!("targets[{i}]"),
                "catalogue-sla-target-twice",
                vec![],
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(minutes: i64) -> Target {
        Target {
            kind: RequestKind::Incident,
            priority: Priority::High,
            metric: Metric::Tto,
            minutes,
        }
    }

    #[test]
    fn a_sound_window_has_no_problem() {
        assert!(check(&CoverageWindow::business_days(), &[target(30)]).is_empty());
        let mut nights = CoverageWindow::business_days();
        nights.intervals[0].start = "22:00".to_owned();
        nights.intervals[0].end = "06:00".to_owned();
        nights.intervals[1].end = "24:00".to_owned();
        assert!(check(&nights, &[target(30)]).is_empty());
        let always = CoverageWindow {
            round_the_clock: true,
            intervals: Vec::new(),
            ..CoverageWindow::business_days()
        };
        assert!(check(&always, &[target(MAX_TARGET_MINUTES)]).is_empty());
        assert_eq!(check(&always, &[target(MAX_TARGET_MINUTES + 1)]).len(), 1);
    }

    #[test]
    fn clock_times_go_up_to_24_00() {
        let cases = [
            ("00:00", Some(0)),
            ("08:30", Some(510)),
            ("23:59", Some(1439)),
            ("24:00", Some(1440)),
            ("24:01", None),
            ("8:00", None),
            ("08:60", None),
            ("0800", None),
        ];
        for (text, expected) in cases {
            assert_eq!(clock_minutes(text), expected, "{text}");
        }
        let span = |start: &str, end: &str| {
            Interval {
                weekday: 0,
                start: start.to_owned(),
                end: end.to_owned(),
            }
            .span()
        };
        assert_eq!(span("08:00", "24:00"), Some((480, 1440)));
        assert_eq!(span("22:00", "06:00"), Some((1320, 1800)));
        assert_eq!(span("00:00", "24:00"), Some((0, 1440)));
        assert_eq!(span("24:00", "06:00"), None);
        assert_eq!(span("08:00", "08:00"), None);
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut window = CoverageWindow::business_days();
        window.time_zone = "Mars/Olympus".to_owned();
        window.intervals[1].end = "08:00".to_owned();
        window.intervals[2].weekday = 7;
        window.intervals[3].start = "8h".to_owned();
        let fields: Vec<String> = check(&window, &[target(0), target(30)])
            .into_iter()
            .map(|(f, _, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "time_zone",
                "intervals[1]",
                "intervals[2]",
                "intervals[3]",
                "targets[0].minutes",
                "targets[1]"
            ]
        );
    }
}
