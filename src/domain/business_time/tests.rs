//! The calendar's rules, case by case.
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use super::{Calendar, CalendarError};
use crate::domain::{
    holidays::PublicHolidays,
    sla::{CoverageWindow, Interval},
};
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
        round_the_clock: false,
        public_holidays: PublicHolidays::None,
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
        ..CoverageWindow::business_days()
    });
    assert!(matches!(bad, Err(CalendarError::UnknownTimeZone(_))));
    for (start, end) in [("18:00", "18:00"), ("24:00", "08:00"), ("08:00", "24:30")] {
        let bad = Calendar::new(&CoverageWindow {
            time_zone: "UTC".to_owned(),
            intervals: vec![Interval {
                weekday: 0,
                start: start.to_owned(),
                end: end.to_owned(),
            }],
            ..CoverageWindow::business_days()
        });
        assert_eq!(
            bad.err(),
            Some(CalendarError::BadInterval(0)),
            "{start}-{end}"
        );
    }
}

fn new_york(text: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::America::New_York
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn always(zone: &str) -> Calendar {
    Calendar::new(&CoverageWindow {
        time_zone: zone.to_owned(),
        round_the_clock: true,
        intervals: Vec::new(),
        ..CoverageWindow::business_days()
    })
    .unwrap()
}

#[test]
fn round_the_clock_counts_real_time_across_both_changes() {
    let cal = always("Europe/Paris");
    // March 2026 has 23-hour Sunday, October a 25-hour one: exact minutes.
    let cases = [
        ("2026-03-01 00:00", "2026-04-01 00:00", 31 * 1440 - 60),
        ("2026-10-01 00:00", "2026-11-01 00:00", 31 * 1440 + 60),
        ("2026-03-15 12:00", "2026-11-15 12:00", 245 * 1440),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            cal.between(paris(from), paris(to)),
            expected,
            "{from} → {to}"
        );
        assert_eq!((paris(to) - paris(from)).num_minutes(), expected);
        assert_eq!(cal.add(paris(from), expected), Some(paris(to)));
    }
    // Sunday 03:00 + 30 min is 03:30, whatever the day.
    assert_eq!(
        cal.add(paris("2026-11-29 03:00"), 30),
        Some(paris("2026-11-29 03:30"))
    );
    // The case: Monday to Friday 00:00–24:00, Friday 23:30 + 60 min is Monday
    // 00:30 in Paris, Sunday 23:30 UTC (23:59 lost a minute a day).
    let weekdays = window(
        "Europe/Paris",
        &(0..5).map(|d| (d, "00:00", "24:00")).collect::<Vec<_>>(),
        &[],
    );
    assert_eq!(
        weekdays.add(paris("2026-11-27 23:30"), 60),
        Some(utc("2026-11-29T23:30:00Z"))
    );
    assert_eq!(
        weekdays.between(paris("2026-11-23 00:00"), paris("2026-11-30 00:00")),
        5 * 1440
    );
}

#[test]
fn an_overnight_shift_across_a_weekend_and_a_holiday() {
    // Monday to Friday nights 22:00–06:00, French public holidays (Wednesday 11 November
    // 2026 is one: its morning tail and its evening are closed, Thursday's tail is open).
    let shift = Calendar::new(&CoverageWindow {
        time_zone: "Europe/Paris".to_owned(),
        round_the_clock: false,
        intervals: (0..5)
            .map(|weekday| Interval {
                weekday,
                start: "22:00".to_owned(),
                end: "06:00".to_owned(),
            })
            .collect(),
        public_holidays: PublicHolidays::France,
        holidays: Vec::new(),
    })
    .unwrap();
    let cases = [
        // Friday 23:00: 1 h, Saturday 00:00–06:00, then Monday 22:00.
        ("2026-11-06 23:00", 480, "2026-11-09 23:00"),
        ("2026-11-06 23:00", 420, "2026-11-07 06:00"),
        ("2026-11-07 12:00", 1, "2026-11-09 22:01"),
        // Tuesday 23:00: 1 h, then the holiday, then Thursday 00:00.
        ("2026-11-10 23:00", 240, "2026-11-12 03:00"),
    ];
    for (start, minutes, expected) in cases {
        assert_eq!(
            shift.add(paris(start), minutes),
            Some(paris(expected)),
            "{start} + {minutes}"
        );
    }
    assert_eq!(
        shift.between(paris("2026-11-10 20:00"), paris("2026-11-13 12:00")),
        120 + 360 + 120 + 360
    );
    assert!(shift.is_open(paris("2026-11-07 05:59")));
    assert!(!shift.is_open(paris("2026-11-08 03:00")));
    assert!(!shift.is_open(paris("2026-11-11 03:00")));
    assert!(shift.is_open(paris("2026-11-12 03:00")));
}

#[test]
fn a_window_ending_at_midnight_across_the_spring_change() {
    // Saturday 18:00–24:00 and Sunday 00:00–24:00; 29 March 2026 has 23 hours.
    let cal = window(
        "Europe/Paris",
        &[(5, "18:00", "24:00"), (6, "00:00", "24:00")],
        &[],
    );
    assert_eq!(
        cal.between(paris("2026-03-28 00:00"), paris("2026-03-30 00:00")),
        6 * 60 + 23 * 60
    );
    let cases = [
        ("2026-03-28 23:00", 60, "2026-03-28T23:00:00Z"),
        // 01:00 + 60 min is 03:00 summer time: the gap is not open.
        ("2026-03-28 23:00", 180, "2026-03-29T01:00:00Z"),
        ("2026-03-28 23:00", 181, "2026-03-29T01:01:00Z"),
        // Sunday 23:30 + 30 min: midnight, Monday 00:00 summer time.
        ("2026-03-29 23:30", 30, "2026-03-29T22:00:00Z"),
        ("2026-03-29 23:30", 31, "2026-04-04T16:01:00Z"),
    ];
    for (start, minutes, expected) in cases {
        assert_eq!(
            cal.add(paris(start), minutes),
            Some(utc(expected)),
            "{start} + {minutes}"
        );
    }
}

#[test]
fn a_window_ending_inside_the_repeated_autumn_hour() {
    // (zone, window on the day of the change, its opening instant, minutes open,
    // instants closed, instants open): the wall clock shows the repeated hour twice.
    let paris_cal = |start, end| window("Europe/Paris", &[(6, start, end)], &[]);
    let ny_cal = |start, end| window("America/New_York", &[(6, start, end)], &[]);
    let cases = [
        (
            paris_cal("00:00", "02:30"),
            paris("2026-10-25 00:00"),
            150 + 30,
            ["2026-10-25T00:40:00Z", "2026-10-25T01:30:00Z"],
            ["2026-10-25T00:20:00Z", "2026-10-25T01:10:00Z"],
        ),
        (
            paris_cal("02:15", "02:45"),
            paris("2026-10-25 00:00"),
            60,
            // 02:50 summer time, 02:50 winter time.
            ["2026-10-25T00:50:00Z", "2026-10-25T01:50:00Z"],
            ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"],
        ),
        (
            ny_cal("00:00", "01:30"),
            new_york("2026-11-01 00:00"),
            90 + 30,
            ["2026-11-01T05:40:00Z", "2026-11-01T06:40:00Z"],
            ["2026-11-01T05:20:00Z", "2026-11-01T06:20:00Z"],
        ),
        (
            ny_cal("01:15", "01:45"),
            new_york("2026-11-01 00:00"),
            60,
            ["2026-11-01T05:50:00Z", "2026-11-01T06:50:00Z"],
            ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"],
        ),
    ];
    for (cal, day, minutes, closed, open) in cases {
        let next_day = day + chrono::Duration::days(1);
        assert_eq!(cal.between(day, next_day), minutes, "{day}");
        let end = cal.add(day, minutes).unwrap();
        assert_eq!(cal.between(day, end), minutes);
        assert!(end < next_day, "{day}: {end}");
        for at in closed {
            assert!(!cal.is_open(utc(at)), "{at} is closed");
        }
        for at in open {
            assert!(cal.is_open(utc(at)), "{at} is open");
        }
    }
    // Paris 00:00 + 160 min: 150 in summer time, 10 in the repeated hour.
    assert_eq!(
        paris_cal("00:00", "02:30").add(paris("2026-10-25 00:00"), 160),
        Some(utc("2026-10-25T01:10:00Z"))
    );
}

#[test]
fn one_hour_a_week_reaches_an_amount_years_away() {
    // Wednesdays 10:00–11:00: 10 000 minutes are 166 weeks and 40 minutes.
    let cal = window("Europe/Paris", &[(2, "10:00", "11:00")], &[]);
    let start = paris("2026-11-24 12:00");
    let deadline = cal.add(start, 10_000);
    assert_eq!(deadline, Some(paris("2030-01-30 10:40")));
    assert_eq!(cal.between(start, paris("2030-01-30 10:40")), 10_000);
    // The largest target on such a window is still answered.
    assert!(
        cal.add(start, crate::domain::sla::MAX_TARGET_MINUTES)
            .is_some()
    );
}

/// Windows of at least an hour a week, some with intervals ending at 24:00 or crossing
/// midnight, some round the clock, with French holidays; the properties add at most 3 000
/// minutes, which such a window gives within a few years.
fn any_calendar() -> impl Strategy<Value = Calendar> {
    let zone = prop::sample::select(vec![
        "Europe/Paris",
        "America/New_York",
        "Pacific/Auckland",
        "UTC",
    ]);
    // Whole or half hours: the half hours meet the repeated and missing hours halfway.
    let interval = (0u8..7, 0u32..48, 1u32..40).prop_map(|(weekday, half, length)| {
        let clock = |h: u32| format!("{:02}:{:02}", h / 2, h % 2 * 30);
        let end = half + length;
        Interval {
            weekday,
            start: clock(half),
            // Past midnight: the next day's time, or 24:00 exactly.
            end: if end == 48 {
                "24:00".to_owned()
            } else {
                clock(end % 48)
            },
        }
    });
    let rules = prop::sample::select(vec![PublicHolidays::None, PublicHolidays::France]);
    (zone, prop::collection::vec(interval, 1..5), rules, 0..10u8).prop_map(
        |(zone, intervals, public_holidays, always)| {
            Calendar::new(&CoverageWindow {
                time_zone: zone.to_owned(),
                round_the_clock: always == 0,
                intervals,
                public_holidays,
                holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 24).unwrap_or_default()],
            })
            .unwrap()
        },
    )
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

#[test]
fn a_pause_costs_its_overlap_with_the_window_and_nothing_outside_it() {
    // Office hours, Monday 2026-11-23; a 4-hour target filed at 09:00 is due at 13:00.
    // (pauses, start, minutes, expected deadline, business minutes 09:00–19:00 that day)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, i64, &'a str, i64);
    let cases: [Case; 6] = [
        (&[], "2026-11-23 09:00", 240, "2026-11-23 13:00", 540),
        // Inside the window: pushed by its whole length.
        (
            &[("2026-11-23 10:00", "2026-11-23 12:00")],
            "2026-11-23 09:00",
            240,
            "2026-11-23 15:00",
            420,
        ),
        // Straddling the evening's closing: only 17:00–18:00 counts.
        (
            &[("2026-11-23 17:00", "2026-11-23 22:00")],
            "2026-11-23 15:00",
            240,
            "2026-11-24 10:00",
            480,
        ),
        // At night: nothing.
        (
            &[("2026-11-23 22:00", "2026-11-24 06:00")],
            "2026-11-23 09:00",
            240,
            "2026-11-23 13:00",
            540,
        ),
        // Two overlapping pauses count once: 10:00–12:30.
        (
            &[
                ("2026-11-23 10:00", "2026-11-23 12:00"),
                ("2026-11-23 11:00", "2026-11-23 12:30"),
            ],
            "2026-11-23 09:00",
            240,
            "2026-11-23 15:30",
            390,
        ),
        // Starting inside a pause: counting begins at its end.
        (
            &[("2026-11-23 08:00", "2026-11-23 10:00")],
            "2026-11-23 09:00",
            60,
            "2026-11-23 11:00",
            480,
        ),
    ];
    for (pauses, start, minutes, due, open) in cases {
        let cal = office().with_pauses(pauses.iter().map(|(a, b)| (paris(a), paris(b))));
        assert_eq!(
            cal.add(paris(start), minutes),
            Some(paris(due)),
            "{pauses:?}"
        );
        assert_eq!(
            cal.between(paris("2026-11-23 09:00"), paris("2026-11-23 19:00")),
            open,
            "{pauses:?}"
        );
    }
}

#[test]
fn pauses_are_seen_where_they_overlap() {
    let cal = office().with_pauses([(paris("2026-11-23 10:00"), paris("2026-11-23 12:00"))]);
    assert!(cal.pauses_between(paris("2026-11-23 09:00"), paris("2026-11-23 10:30")));
    assert!(!cal.pauses_between(paris("2026-11-23 12:00"), paris("2026-11-23 13:00")));
    // A reversed stretch is no pause.
    let none = office().with_pauses([(paris("2026-11-23 12:00"), paris("2026-11-23 10:00"))]);
    assert_eq!(
        none.between(paris("2026-11-23 09:00"), paris("2026-11-23 19:00")),
        540
    );
}
