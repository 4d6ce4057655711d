//! Business time: the clock of service levels, which runs only inside a coverage window —
//! weekly opening intervals in an IANA time zone, minus holidays.
//!
//! Business time is real elapsed time inside the open intervals: an interval 08:00–18:00 is
//! ten hours on an ordinary day. Intervals are local wall-clock times, turned into instants day by
//! day through the zone, so daylight-saving changes fall where they should:
//! - a local time that does not exist (the spring gap, 02:00–03:00 in Paris on the last Sunday
//!   of March) is read as the first instant after the gap, so 00:00–06:00 lasts five hours then;
//! - a local time that happens twice (the autumn repeat) is read as the earlier instant for an
//!   opening and the later for a closing, so 00:00–06:00 lasts seven hours then.
//!
//! Time is counted in seconds; [`Calendar::between`] rounds down to whole minutes.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::sla::CoverageWindow;

/// How far ahead [`Calendar::add_seconds`] looks for open time before giving up: a window whose
/// every open day for three years is a holiday has no deadline.
const HORIZON_DAYS: i64 = 366 * 3;

/// Why a window cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The time zone is not an IANA name.
    UnknownTimeZone(String),
    /// The interval at this index is not `HH:MM`–`HH:MM` on a weekday 0–6, ending after it
    /// starts.
    BadInterval(usize),
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalendarError::UnknownTimeZone(zone) => write!(f, "unknown time zone {zone}"),
            CalendarError::BadInterval(i) => write!(f, "interval {i} is not valid"),
        }
    }
}

impl std::error::Error for CalendarError {}

/// A coverage window ready for arithmetic.
#[derive(Debug, Clone)]
pub struct Calendar {
    zone: Tz,
    /// Per weekday (0 = Monday), sorted, merged opening intervals.
    days: [Vec<(NaiveTime, NaiveTime)>; 7],
    holidays: BTreeSet<NaiveDate>,
}

/// Sorts intervals and merges those that overlap or touch.
fn merged(mut intervals: Vec<(NaiveTime, NaiveTime)>) -> Vec<(NaiveTime, NaiveTime)> {
    intervals.sort();
    let mut out: Vec<(NaiveTime, NaiveTime)> = Vec::new();
    for (start, end) in intervals {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

impl Calendar {
    /// Compiles a window.
    pub fn new(window: &CoverageWindow) -> Result<Calendar, CalendarError> {
        let zone: Tz = window
            .time_zone
            .parse()
            .map_err(|_| CalendarError::UnknownTimeZone(window.time_zone.clone()))?;
        let mut days: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for (i, interval) in window.intervals.iter().enumerate() {
            let start = NaiveTime::parse_from_str(&interval.start, "%H:%M");
            let end = NaiveTime::parse_from_str(&interval.end, "%H:%M");
            match (start, end, days.get_mut(usize::from(interval.weekday))) {
                (Ok(start), Ok(end), Some(day)) if end > start => day.push((start, end)),
                _ => return Err(CalendarError::BadInterval(i)),
            }
        }
        Ok(Calendar {
            zone,
            days: days.map(merged),
            holidays: window.holidays.iter().copied().collect(),
        })
    }

    /// The instant a local time names: see the module's rules for gaps and repeats.
    fn instant(&self, local: NaiveDateTime, opening: bool) -> DateTime<Utc> {
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(early, late) => {
                if opening { early } else { late }.with_timezone(&Utc)
            }
            LocalResult::None => {
                // In a gap: the first minute after it (gaps are at most a few hours).
                (1..=24 * 60)
                    .find_map(|m| {
                        self.zone
                            .from_local_datetime(&(local + Duration::minutes(m)))
                            .earliest()
                    })
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|| local.and_utc())
            }
        }
    }

    /// The open intervals of a local date, as instants.
    fn open_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        self.days[weekday]
            .iter()
            .map(|(start, end)| {
                (
                    self.instant(date.and_time(*start), true),
                    self.instant(date.and_time(*end), false),
                )
            })
            .filter(|(start, end)| end > start)
            .collect()
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Open seconds between two instants (0 when `to` is not after `from`).
    pub fn seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            for (start, end) in self.open_on(date) {
                let (start, end) = (start.max(from), end.min(to));
                if end > start {
                    total += (end - start).num_seconds();
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// Business minutes between two instants, rounded down.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.seconds_between(from, to) / 60
    }

    /// The instant `seconds` of business time after `start`; counting begins at the next
    /// opening when `start` is outside the window. Zero seconds give `start` when it is open,
    /// else the next opening. None when no open time comes within three years.
    pub fn add_seconds(&self, start: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut left = seconds.max(0);
        let mut date = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            for (open, close) in self.open_on(date) {
                if close <= start {
                    continue;
                }
                let from = open.max(start);
                let available = (close - from).num_seconds();
                if left <= available && !(left == 0 && from == close) {
                    return Some(from + Duration::seconds(left));
                }
                left -= available;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// The instant `minutes` business minutes after `start` (see [`Calendar::add_seconds`]).
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        self.add_seconds(start, minutes.saturating_mul(60))
    }

    /// Whether the clock runs at this instant.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.open_on(self.local_date(at))
            .iter()
            .any(|(start, end)| *start <= at && at < *end)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::{Calendar, CalendarError};
    use crate::domain::sla::{CoverageWindow, Interval};
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    fn paris(text: &str) -> DateTime<Utc> {
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        Paris
            .from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn window(zone: &str, intervals: &[(u8, &str, &str)], holidays: &[&str]) -> Calendar {
        Calendar::new(&CoverageWindow {
            time_zone: zone.to_owned(),
            intervals: intervals
                .iter()
                .map(|(weekday, start, end)| Interval {
                    weekday: *weekday,
                    start: (*start).to_owned(),
                    end: (*end).to_owned(),
                })
                .collect(),
            holidays: holidays.iter().map(|d| d.parse().unwrap()).collect(),
        })
        .unwrap()
    }

    fn office() -> Calendar {
        Calendar::new(&CoverageWindow::business_days()).unwrap()
    }

    #[test]
    fn adding_business_minutes_in_office_hours() {
        let cal = office();
        // 2026-11-23 is a Monday.
        let cases = [
            ("2026-11-23 09:00", 60, "2026-11-23 10:00"),
            ("2026-11-23 17:00", 120, "2026-11-24 09:00"),
            ("2026-11-27 17:00", 120, "2026-11-30 09:00"),
            ("2026-11-28 11:00", 30, "2026-11-30 08:30"),
            ("2026-11-23 06:00", 30, "2026-11-23 08:30"),
            ("2026-11-23 18:00", 1, "2026-11-24 08:01"),
            ("2026-11-23 09:00", 0, "2026-11-23 09:00"),
            ("2026-11-23 19:00", 0, "2026-11-24 08:00"),
            ("2026-11-23 08:00", 600, "2026-11-23 18:00"),
            ("2026-11-23 08:00", 601, "2026-11-24 08:01"),
            ("2026-11-23 08:00", 3000, "2026-11-27 18:00"),
        ];
        for (start, minutes, expected) in cases {
            assert_eq!(
                cal.add(paris(start), minutes),
                Some(paris(expected)),
                "{start} + {minutes}"
            );
        }
    }

    #[test]
    fn holidays_are_skipped() {
        // Christmas 2026 is a Friday.
        let cal = window(
            "Europe/Paris",
            &[
                (0, "08:00", "18:00"),
                (1, "08:00", "18:00"),
                (2, "08:00", "18:00"),
                (3, "08:00", "18:00"),
                (4, "08:00", "18:00"),
            ],
            &["2026-12-25"],
        );
        assert_eq!(
            cal.add(paris("2026-12-24 17:00"), 120),
            Some(paris("2026-12-28 09:00"))
        );
        assert_eq!(
            cal.between(paris("2026-12-24 17:00"), paris("2026-12-28 09:00")),
            120
        );
        assert!(!cal.is_open(paris("2026-12-25 10:00")));
        assert!(cal.is_open(paris("2026-12-24 10:00")));
    }

    #[test]
    fn measuring_business_minutes() {
        let cal = office();
        let cases = [
            ("2026-11-23 09:00", "2026-11-23 11:30", 150),
            ("2026-11-23 17:00", "2026-11-24 09:00", 120),
            ("2026-11-27 17:00", "2026-11-30 09:00", 120),
            ("2026-11-24 09:00", "2026-11-23 09:00", 0),
            ("2026-11-28 09:00", "2026-11-29 18:00", 0),
            ("2026-11-23 00:00", "2026-11-30 00:00", 3000),
        ];
        for (from, to, expected) in cases {
            assert_eq!(
                cal.between(paris(from), paris(to)),
                expected,
                "{from} → {to}"
            );
        }
    }

    #[test]
    fn daylight_saving_changes_in_paris() {
        // Every day 00:00–06:00: five real hours on 29 March 2026, seven on 25 October.
        let nights = window(
            "Europe/Paris",
            &(0..7).map(|d| (d, "00:00", "06:00")).collect::<Vec<_>>(),
            &[],
        );
        let march = |h: &str| paris(&format!("2026-03-29 {h}"));
        assert_eq!(nights.between(march("00:00"), march("12:00")), 5 * 60);
        let october_start = utc("2026-10-24T22:00:00Z"); // 00:00 local (CEST)
        let october_end = utc("2026-10-25T11:00:00Z"); // 12:00 local (CET)
        assert_eq!(nights.between(october_start, october_end), 7 * 60);
        // 00:00 + 3 h in March: 01:00 then the gap, so 04:00 local = 02:00 UTC.
        assert_eq!(
            nights.add(march("00:00"), 180),
            Some(utc("2026-03-29T02:00:00Z"))
        );
        // In October, 03:00 + 1 h UTC-wise: 02:00 local happens twice.
        assert_eq!(
            nights.add(october_start, 180),
            Some(utc("2026-10-25T01:00:00Z"))
        );
        // Office hours across the spring weekend: Friday 17:00 + 2 h = Monday 09:00 (07:00 UTC).
        assert_eq!(
            office().add(paris("2026-03-27 17:00"), 120),
            Some(utc("2026-03-30T07:00:00Z"))
        );
        assert_eq!(
            office().add(paris("2026-10-23 17:00"), 120),
            Some(utc("2026-10-26T08:00:00Z"))
        );
    }

    #[test]
    fn unusual_windows() {
        // One morning a week, Wednesday 10:00–12:00.
        let wednesdays = window("Europe/Paris", &[(2, "10:00", "12:00")], &[]);
        assert_eq!(
            wednesdays.add(paris("2026-11-23 09:00"), 150),
            Some(paris("2026-12-02 10:30"))
        );
        // Two intervals a day, overlapping ones merged.
        let split = window(
            "Europe/Paris",
            &[
                (0, "08:00", "12:00"),
                (0, "14:00", "18:00"),
                (0, "11:00", "12:30"),
            ],
            &[],
        );
        assert_eq!(
            split.between(paris("2026-11-23 00:00"), paris("2026-11-24 00:00")),
            8 * 60 + 30
        );
        assert_eq!(
            split.add(paris("2026-11-23 12:00"), 60),
            Some(paris("2026-11-23 14:30"))
        );
        // Far from Paris.
        let auckland = window("Pacific/Auckland", &[(0, "09:00", "17:00")], &[]);
        // Monday 23 November 2026, 09:00 in Auckland (NZDT, UTC+13) is Sunday 20:00 UTC.
        assert_eq!(
            auckland.add(utc("2026-11-22T19:00:00Z"), 60),
            Some(utc("2026-11-22T21:00:00Z"))
        );
    }

    #[test]
    fn no_open_time_gives_no_deadline_and_bad_windows_are_refused() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let wednesdays: Vec<String> = (0..170)
            .map(|w| (start + chrono::Duration::weeks(w)).to_string())
            .collect();
        let refs: Vec<&str> = wednesdays.iter().map(String::as_str).collect();
        let closed = window("Europe/Paris", &[(2, "10:00", "12:00")], &refs);
        assert_eq!(closed.add(paris("2026-11-24 09:00"), 1), None);
        let bad = Calendar::new(&CoverageWindow {
            time_zone: "Mars/Olympus".to_owned(),
            intervals: Vec::new(),
            holidays: Vec::new(),
        });
        assert!(matches!(bad, Err(CalendarError::UnknownTimeZone(_))));
        let bad = Calendar::new(&CoverageWindow {
            time_zone: "UTC".to_owned(),
            intervals: vec![Interval {
                weekday: 0,
                start: "18:00".to_owned(),
                end: "08:00".to_owned(),
            }],
            holidays: Vec::new(),
        });
        assert_eq!(bad.err(), Some(CalendarError::BadInterval(0)));
    }

    /// Windows of at least an hour a week; the properties add at most 3 000 minutes, which such
    /// a window gives within a year (the horizon is three).
    fn any_calendar() -> impl Strategy<Value = Calendar> {
        let zone = prop::sample::select(vec![
            "Europe/Paris",
            "America/New_York",
            "Pacific/Auckland",
            "UTC",
        ]);
        let interval = (0u8..7, 0u32..23, 1u32..12).prop_map(|(weekday, hour, length)| {
            let end = (hour + length).min(23);
            Interval {
                weekday,
                start: format!("{hour:02}:00"),
                end: format!("{end:02}:00"),
            }
        });
        (zone, prop::collection::vec(interval, 1..5)).prop_map(|(zone, intervals)| {
            Calendar::new(&CoverageWindow {
                time_zone: zone.to_owned(),
                intervals,
                holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap_or_default()],
            })
            .unwrap()
        })
    }

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // Whole minutes from 2025 to 2028.
        (0i64..4 * 366 * 24 * 60)
            .prop_map(|m| utc("2025-01-01T00:00:00Z") + chrono::Duration::minutes(m))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn measuring_what_was_added_gives_it_back(cal in any_calendar(), start in any_instant(), minutes in 0i64..3_000) {
            let end = cal.add(start, minutes).unwrap();
            prop_assert_eq!(cal.between(start, end), minutes);
        }

        #[test]
        fn measuring_is_additive(cal in any_calendar(), a in any_instant(), b in any_instant(), c in any_instant()) {
            let mut points = [a, b, c];
            points.sort();
            let [a, b, c] = points;
            prop_assert_eq!(cal.seconds_between(a, c), cal.seconds_between(a, b) + cal.seconds_between(b, c));
        }

        #[test]
        fn adding_more_never_ends_sooner(cal in any_calendar(), start in any_instant(), n in 0i64..1_500, more in 0i64..1_500) {
            prop_assert!(cal.add(start, n).unwrap() <= cal.add(start, n + more).unwrap());
        }

        #[test]
        fn a_deadline_lies_in_open_time_or_closes_an_interval(cal in any_calendar(), start in any_instant(), minutes in 1i64..3_000) {
            let end = cal.add(start, minutes).unwrap();
            let just_before = end - chrono::Duration::seconds(1);
            prop_assert!(cal.is_open(just_before));
        }
    }
}
