//! The "what if" of a service level: for a ticket started at an instant, of a kind and
//! priority, waiting during some pauses, the deadlines and 75 % instants its SLA gives and the
//! business time counted on each local day — computed by the very clocks tickets use
//! ([`MetricClock`]), so the answer is what a real ticket would get.
//!
//! Pauses move time to resolve only: a ticket waits ("pending") only once it is owned, when
//! time to own has already stopped (SPEC section 3's lifecycle).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{business_time::Calendar, sla_clock::MetricClock};

/// The most pauses one question may carry.
pub const MAX_PAUSES: usize = 50;

/// The longest pause, in days: each is measured day by day, so a question stays cheap.
const MAX_PAUSE_DAYS: i64 = 366;

/// A time the ticket waits, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// When it starts waiting.
    pub from: DateTime<Utc>,
    /// When it resumes.
    pub to: DateTime<Utc>,
}

/// Business minutes counted on one local date of the window's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    /// The local date.
    pub date: NaiveDate,
    /// Counted towards time to own.
    pub tto_minutes: i64,
    /// Counted towards time to resolve.
    pub ttr_minutes: i64,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// Time to own.
    pub tto: MetricClock,
    /// Time to resolve, after the pauses.
    pub ttr: MetricClock,
    /// Per local date, from the start to each deadline, pauses left out; dates without any
    /// counted time are left out.
    pub days: Vec<DayCount>,
    /// Each pause with the business minutes it kept out of the count.
    pub pauses: Vec<(Pause, i64)>,
}

/// Checks the pauses: each ends after it starts and within a year, none before the start, in
/// order and apart.
/// Answers (index, catalogue message) for the first problem.
pub fn check_pauses(start: DateTime<Utc>, pauses: &[Pause]) -> Result<(), (usize, &'static str)> {
    if pauses.len() > MAX_PAUSES {
        return Err((MAX_PAUSES, "catalogue-pause-too-many"));
    }
    let mut since = start;
    for (i, pause) in pauses.iter().enumerate() {
        if pause.to <= pause.from {
            return Err((i, "catalogue-pause-backwards"));
        }
        if pause.to - pause.from > chrono::Duration::days(MAX_PAUSE_DAYS) {
            return Err((i, "catalogue-pause-too-long"));
        }
        if pause.from < since {
            return Err((i, "catalogue-pause-order"));
        }
        since = pause.to;
    }
    Ok(())
}

/// Forecasts a ticket (pauses checked by [`check_pauses`] first).
pub fn forecast(
    cal: &Calendar,
    tto_target: Option<i32>,
    ttr_target: Option<i32>,
    start: DateTime<Utc>,
    pauses: &[Pause],
) -> Forecast {
    let tto = MetricClock::started(cal, tto_target, start);
    let mut ttr = MetricClock::started(cal, ttr_target, start);
    for pause in pauses {
        ttr.pause(cal, pause.from);
        ttr.resume(cal, pause.to);
    }
    let mut days: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    if let Some(due) = tto.deadline {
        for (date, seconds) in cal.seconds_by_day(start, due) {
            days.entry(date).or_default().0 += seconds;
        }
    }
    if let Some(due) = ttr.deadline {
        // The running stretches: between the pauses, up to the deadline.
        let mut stretches = Vec::new();
        let mut from = start;
        for pause in pauses {
            stretches.push((from, pause.from));
            from = pause.to;
        }
        stretches.push((from, due));
        for (from, to) in stretches {
            for (date, seconds) in cal.seconds_by_day(from, to.min(due)) {
                days.entry(date).or_default().1 += seconds;
            }
        }
    }
    Forecast {
        tto,
        ttr,
        days: days
            .into_iter()
            .map(|(date, (tto, ttr))| DayCount {
                date,
                tto_minutes: tto / 60,
                ttr_minutes: ttr / 60,
            })
            .collect(),
        pauses: pauses
            .iter()
            .map(|p| (*p, cal.between(p.from, p.to)))
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;
    use crate::domain::{local_time::parse_form_local, sla::CoverageWindow};

    fn paris(text: &str) -> DateTime<Utc> {
        parse_form_local(&text.replace(' ', "T")).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_pause_moves_time_to_resolve_and_the_days_add_up() {
        let cal = Calendar::new(&CoverageWindow::business_days()).unwrap();
        // Friday 17:00, 60 min to own, 240 to resolve, waiting Monday 09:00–14:00.
        let pause = Pause {
            from: paris("2026-11-30 09:00"),
            to: paris("2026-11-30 14:00"),
        };
        let answer = forecast(
            &cal,
            Some(60),
            Some(240),
            paris("2026-11-27 17:00"),
            &[pause],
        );
        assert_eq!(answer.tto.deadline, Some(paris("2026-11-27 18:00")));
        assert_eq!(answer.tto.warn_at, Some(paris("2026-11-27 17:45")));
        // 60 on Friday, 60 on Monday morning, then from 14:00 the 120 left.
        assert_eq!(answer.ttr.deadline, Some(paris("2026-11-30 16:00")));
        assert_eq!(answer.ttr.warn_at, Some(paris("2026-11-30 15:00")));
        assert_eq!(
            answer.days,
            [
                DayCount {
                    date: date("2026-11-27"),
                    tto_minutes: 60,
                    ttr_minutes: 60
                },
                DayCount {
                    date: date("2026-11-30"),
                    tto_minutes: 0,
                    ttr_minutes: 180
                },
            ]
        );
        assert_eq!(answer.pauses, [(pause, 300)]);
    }

    #[test]
    fn pauses_out_of_order_are_refused() {
        let start = paris("2026-11-27 17:00");
        let pause = |from: &str, to: &str| Pause {
            from: paris(from),
            to: paris(to),
        };
        let cases = [
            (vec![], Ok(())),
            (vec![pause("2026-11-30 09:00", "2026-11-30 08:00")], Err(0)),
            (vec![pause("2026-11-27 16:00", "2026-11-30 08:00")], Err(0)),
            (vec![pause("2026-11-30 09:00", "2027-12-02 08:00")], Err(0)),
            (
                vec![
                    pause("2026-11-30 09:00", "2026-11-30 10:00"),
                    pause("2026-11-30 09:30", "2026-11-30 11:00"),
                ],
                Err(1),
            ),
        ];
        for (pauses, expected) in cases {
            assert_eq!(check_pauses(start, &pauses).map_err(|(i, _)| i), expected);
        }
    }
}
