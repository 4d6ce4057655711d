//! Business time: the clock of service levels, which runs only inside a coverage window —
//! weekly opening intervals (or round the clock) in an IANA time zone, minus holidays.
//!
//! Business time is real elapsed time inside the open intervals: an interval 08:00–18:00 is
//! ten hours on an ordinary day. Intervals are local wall-clock times, from `00:00` up to
//! `24:00`; one whose closing is at or before its opening crosses midnight (22:00–06:00 opens
//! on its weekday and closes on the next), and is read as two pieces, one on each local date.
//!
//! **The rule for daylight-saving changes**: an instant is open when the local wall-clock time
//! at that instant falls inside an interval of that local date (and that date is not a
//! holiday). Nothing else is needed:
//! - the missing spring hour (02:00–03:00 in Paris on the last Sunday of March) is never shown
//!   by a wall clock, so it is never open: 00:00–06:00 lasts five hours that day, and a window
//!   02:15–02:45 is closed;
//! - the repeated autumn hour (02:00–03:00 in Paris on the last Sunday of October) is shown
//!   twice, so it is open twice: 00:00–06:00 lasts seven hours that day, a window 02:15–02:45 is
//!   open 30 minutes in summer time then 30 in winter time, 60 in all, and at 02:50 summer time
//!   it is closed.
//!
//! Computed day by day: a local date is cut into stretches of constant UTC offset (at most one
//! change a day, as every zone does), and each stretch is intersected with the day's intervals
//! in wall-clock time.
//!
//! **Pauses**: a calendar may also be given stretches of real time during which the clock does
//! not run even inside the window (an SLA that pauses its clocks during the announced
//! maintenance of its offer): each is cut out of the open intervals it overlaps, so it costs
//! exactly its overlap with the window, and nothing when it falls outside it.
//!
//! Time is counted in seconds; [`Calendar::between`] rounds down to whole minutes. Adding time
//! walks open days until the amount is spent: what is bounded is a run of closed days (three
//! years without open time gives no deadline), not the amount, which the targets' own bound
//! ([`MAX_TARGET_MINUTES`](super::sla::MAX_TARGET_MINUTES)) keeps finite.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::{holidays::PublicHolidays, sla::CoverageWindow};

/// The longest run of days without open time before [`Calendar::add_seconds`] gives up: a
/// window whose every open day for three years is a holiday has no deadline.
const MAX_CLOSED_RUN_DAYS: u32 = 366 * 3;

/// Minutes in a day.
const DAY: u32 = 24 * 60;

/// Why a window cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The time zone is not an IANA name.
    UnknownTimeZone(String),
    /// The interval at this index is not `HH:MM`–`HH:MM` (up to `24:00`) on a weekday 0–6,
    /// with an opening different from its closing.
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
    /// Per weekday (0 = Monday), sorted, merged opening intervals in minutes since midnight,
    /// within 0..=1440.
    days: [Vec<(u32, u32)>; 7],
    public_holidays: PublicHolidays,
    closures: BTreeSet<NaiveDate>,
    /// Stretches `[from, to)` when the clock does not run, sorted and merged.
    pauses: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Cuts `pauses` (sorted, merged) out of the sorted open intervals `open`.
fn without_pauses(
    open: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pauses: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::with_capacity(open.len());
    for (start, end) in open {
        let mut from = start;
        for (pause_from, pause_to) in pauses {
            if *pause_to <= from || *pause_from >= end {
                continue;
            }
            if *pause_from > from {
                out.push((from, *pause_from));
            }
            from = from.max(*pause_to);
        }
        if from < end {
            out.push((from, end));
        }
    }
    out
}

/// Sorts intervals and merges those that overlap or touch.
fn merged(mut intervals: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    intervals.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
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
        let mut days: [Vec<(u32, u32)>; 7] = Default::default();
        if window.round_the_clock {
            days = std::array::from_fn(|_| vec![(0, DAY)]);
        } else {
            for (i, interval) in window.intervals.iter().enumerate() {
                let weekday = usize::from(interval.weekday);
                let (Some((start, end)), true) = (interval.span(), weekday < 7) else {
                    return Err(CalendarError::BadInterval(i));
                };
                // An overnight interval: its tail belongs to the next local date.
                days[weekday].push((start, end.min(DAY)));
                if end > DAY {
                    days[(weekday + 1) % 7].push((0, end - DAY));
                }
            }
        }
        Ok(Calendar {
            zone,
            days: days.map(merged),
            public_holidays: window.public_holidays,
            closures: window.holidays.iter().copied().collect(),
            pauses: Vec::new(),
        })
    }

    /// The same window with stretches of real time `[from, to)` when the clock does not run
    /// (in any order; empty or reversed ones are ignored).
    pub fn with_pauses(
        mut self,
        pauses: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    ) -> Calendar {
        let spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = pauses
            .into_iter()
            .filter(|(from, to)| from < to)
            .chain(std::mem::take(&mut self.pauses))
            .collect();
        let mut sorted = spans;
        sorted.sort_unstable();
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (from, to) in sorted {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        self.pauses = merged;
        self
    }

    /// Whether some pause overlaps `[from, to)`.
    pub fn pauses_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.pauses
            .iter()
            .any(|(start, end)| *start < to && *end > from)
    }

    /// Whether a local date is closed all day by a holiday rule or a one-off closure.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.closures.contains(&date) || self.public_holidays.holiday(date).is_some()
    }

    /// The offset of the zone at an instant, in seconds east of UTC.
    fn offset(&self, at: DateTime<Utc>) -> i64 {
        i64::from(
            self.zone
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    }

    /// The first instant whose local date is `date`.
    fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        // Midnight itself may fall in a gap (some zones change there): then the day starts
        // at the first minute that exists, the end of the gap.
        (0..=24 * 60)
            .find_map(|m| {
                self.zone
                    .from_local_datetime(&(midnight + Duration::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// The stretches `[from, to)` of constant offset between two instants of one local date,
    /// with their offset.
    fn stretches(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>, i64)> {
        let second = Duration::seconds(1);
        let mut out = Vec::new();
        let mut start = from;
        while start < to {
            let offset = self.offset(start);
            if self.offset(to - second) == offset {
                out.push((start, to, offset));
                break;
            }
            // The change lies in (start, to): find its first second by bisection.
            let (mut same, mut changed) = (start, to - second);
            while changed - same > second {
                // Whole seconds: transitions fall on them, and halves would drift below.
                let mid = same + Duration::seconds((changed - same).num_seconds() / 2);
                if self.offset(mid) == offset {
                    same = mid;
                } else {
                    changed = mid;
                }
            }
            out.push((start, changed, offset));
            start = changed;
        }
        out
    }

    /// The open intervals of a local date, as instants, in order (see the module's rule).
    fn open_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let intervals = &self.days[date.weekday().num_days_from_monday() as usize];
        if intervals.is_empty() || self.is_holiday(date) {
            return Vec::new();
        }
        let Some(next) = date.succ_opt() else {
            return Vec::new();
        };
        let midnight: NaiveDateTime = date.and_time(chrono::NaiveTime::MIN);
        let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (from, to, offset) in self.stretches(self.day_start(date), self.day_start(next)) {
            let shift = Duration::seconds(offset);
            // The stretch in wall-clock time, intersected with each interval.
            let (wall_from, wall_to) = (from.naive_utc() + shift, to.naive_utc() + shift);
            for (start, end) in intervals {
                let open = wall_from.max(midnight + Duration::minutes(i64::from(*start)));
                let close = wall_to.min(midnight + Duration::minutes(i64::from(*end)));
                if close > open {
                    let (open, close) = ((open - shift).and_utc(), (close - shift).and_utc());
                    match out.last_mut() {
                        Some(last) if last.1 == open => last.1 = close,
                        _ => out.push((open, close)),
                    }
                }
            }
        }
        if self.pauses.is_empty() {
            out
        } else {
            without_pauses(out, &self.pauses)
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Open seconds between two instants per local date, for the dates that have some.
    pub fn seconds_by_day(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(NaiveDate, i64)> {
        let mut out = Vec::new();
        if to <= from {
            return out;
        }
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            let seconds: i64 = self
                .open_on(date)
                .into_iter()
                .map(|(start, end)| (end.min(to) - start.max(from)).num_seconds().max(0))
                .sum();
            if seconds > 0 {
                out.push((date, seconds));
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        out
    }

    /// Open seconds between two instants (0 when `to` is not after `from`).
    pub fn seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.seconds_by_day(from, to).iter().map(|(_, s)| s).sum()
    }

    /// Business minutes between two instants, rounded down.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.seconds_between(from, to) / 60
    }

    /// The instant `seconds` of business time after `start`; counting begins at the next
    /// opening when `start` is outside the window. Zero seconds give `start` when it is open,
    /// else the next opening. None when three years in a row bring no open time.
    pub fn add_seconds(&self, start: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut left = seconds.max(0);
        let mut date = self.local_date(start);
        let mut closed_run = 0;
        while closed_run < MAX_CLOSED_RUN_DAYS {
            closed_run += 1;
            for (open, close) in self.open_on(date) {
                if close <= start {
                    continue;
                }
                closed_run = 0;
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
mod tests;
