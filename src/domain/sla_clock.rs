//! The clock of one service level metric on one ticket (time to own, time to resolve), as a
//! value that lifecycle events change: started at creation, paused while the ticket waits,
//! resumed, stopped with its outcome, started again on reopening with the time already spent.
//!
//! Business time is counted in seconds by a [`Calendar`]; the deadline and the 75 % instant are
//! planned from the time left whenever the clock (re)starts or its target changes, so a pause
//! moves them by exactly the business time it lasted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::business_time::Calendar;

/// How a stopped clock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SlaOutcome)]
pub enum Outcome {
    /// Within the target.
    Met,
    /// Beyond it.
    Passed,
}

/// One metric's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricClock {
    /// The target, business minutes; none: no service level applies, nothing is measured.
    pub target_minutes: Option<i32>,
    /// Business seconds counted up to `running_since` (or up to the pause or stop).
    pub spent_seconds: i64,
    /// Since when it runs; none while paused or stopped.
    pub running_since: Option<DateTime<Utc>>,
    /// When the target is reached, while running.
    pub deadline: Option<DateTime<Utc>>,
    /// When 75 % of the target is reached, while running.
    pub warn_at: Option<DateTime<Utc>>,
    /// Set when stopped.
    pub outcome: Option<Outcome>,
    /// Business minutes beyond the target, when stopped.
    pub overrun_minutes: Option<i32>,
}

impl MetricClock {
    /// A clock started at `now` for `target_minutes` (none: an idle clock).
    pub fn started(cal: &Calendar, target_minutes: Option<i32>, now: DateTime<Utc>) -> Self {
        let mut clock = MetricClock {
            target_minutes,
            running_since: target_minutes.map(|_| now),
            ..MetricClock::default()
        };
        clock.plan(cal, now);
        clock
    }

    /// Whether it runs.
    pub fn running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Whether it has stopped for good (until a reopening).
    pub fn stopped(&self) -> bool {
        self.outcome.is_some() && !self.running()
    }

    /// Business seconds spent by `now`.
    pub fn spent_at(&self, cal: &Calendar, now: DateTime<Utc>) -> i64 {
        self.spent_seconds
            + self
                .running_since
                .map_or(0, |since| cal.seconds_between(since, now))
    }

    /// Business minutes left before the target at `now` (negative: overrun).
    pub fn left_minutes(&self, cal: &Calendar, now: DateTime<Utc>) -> Option<i64> {
        self.target_minutes
            .map(|t| (i64::from(t) * 60 - self.spent_at(cal, now)).div_euclid(60))
    }

    fn plan(&mut self, cal: &Calendar, now: DateTime<Utc>) {
        let (Some(target), Some(_)) = (self.target_minutes, self.running_since) else {
            self.deadline = None;
            self.warn_at = None;
            return;
        };
        let at = |seconds: i64| {
            let left = seconds - self.spent_seconds;
            // Already beyond: due now (the overrun is measured when the clock stops).
            if left <= 0 {
                Some(now)
            } else {
                cal.add_seconds(now, left)
            }
        };
        self.deadline = at(i64::from(target) * 60);
        self.warn_at = at(i64::from(target) * 45);
    }

    /// Pauses (the ticket waits for the requester): the time so far is banked.
    pub fn pause(&mut self, cal: &Calendar, now: DateTime<Utc>) {
        if self.running() {
            self.spent_seconds = self.spent_at(cal, now);
            self.running_since = None;
            self.plan(cal, now);
        }
    }

    /// Resumes a paused clock; the deadlines move by the pause.
    pub fn resume(&mut self, cal: &Calendar, now: DateTime<Utc>) {
        if self.target_minutes.is_some() && !self.running() && self.outcome.is_none() {
            self.running_since = Some(now);
            self.plan(cal, now);
        }
    }

    /// Stops the clock and records its outcome. An overrun recorded earlier (before a
    /// reopening) stays.
    pub fn stop(&mut self, cal: &Calendar, now: DateTime<Utc>) {
        let Some(target) = self.target_minutes else {
            return;
        };
        if self.stopped() {
            return;
        }
        self.spent_seconds = self.spent_at(cal, now);
        self.running_since = None;
        let over = (self.spent_seconds - i64::from(target) * 60).max(0);
        let passed = over > 0 || self.outcome == Some(Outcome::Passed);
        self.outcome = Some(if passed {
            Outcome::Passed
        } else {
            Outcome::Met
        });
        let over_minutes = i32::try_from((over + 59) / 60).unwrap_or(i32::MAX);
        self.overrun_minutes = Some(self.overrun_minutes.unwrap_or(0).max(over_minutes));
        self.plan(cal, now);
    }

    /// Starts again after a reopening, with the time already spent: a met outcome is to be
    /// decided anew, a passed one stays.
    pub fn reopen(&mut self, cal: &Calendar, now: DateTime<Utc>) {
        if self.target_minutes.is_none() || self.running() {
            return;
        }
        if self.outcome == Some(Outcome::Met) {
            self.outcome = None;
            self.overrun_minutes = None;
        }
        self.running_since = Some(now);
        // A passed outcome is kept for the record; the clock runs to measure the rest.
        self.plan(cal, now);
    }

    /// Applies a new target (the priority changed), keeping the time spent.
    pub fn retarget(&mut self, cal: &Calendar, target_minutes: Option<i32>, now: DateTime<Utc>) {
        if self.stopped() {
            return;
        }
        if self.running() {
            self.spent_seconds = self.spent_at(cal, now);
            self.running_since = Some(now);
        }
        self.target_minutes = target_minutes;
        if target_minutes.is_none() {
            self.running_since = None;
        }
        self.plan(cal, now);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::{MetricClock, Outcome};
    use crate::domain::{business_time::Calendar, sla::CoverageWindow};
    use chrono::{DateTime, TimeZone, Utc};
    use chrono_tz::Europe::Paris;

    fn paris(text: &str) -> DateTime<Utc> {
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        Paris
            .from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn office() -> Calendar {
        Calendar::new(&CoverageWindow::business_days()).unwrap()
    }

    #[test]
    fn a_pause_moves_the_deadline_by_its_business_length() {
        let cal = office();
        // Monday 09:00, 4 business hours: due 13:00, 75 % at 12:00.
        let mut clock = MetricClock::started(&cal, Some(240), paris("2026-11-23 09:00"));
        assert_eq!(clock.deadline, Some(paris("2026-11-23 13:00")));
        assert_eq!(clock.warn_at, Some(paris("2026-11-23 12:00")));
        // Paused 10:00 to 15:00: 3 h left from 15:00 → 18:00, the day's closing.
        clock.pause(&cal, paris("2026-11-23 10:00"));
        assert_eq!((clock.deadline, clock.spent_seconds), (None, 3600));
        clock.resume(&cal, paris("2026-11-23 15:00"));
        assert_eq!(clock.deadline, Some(paris("2026-11-23 18:00")));
        assert_eq!(clock.warn_at, Some(paris("2026-11-23 17:00")));
        clock.stop(&cal, paris("2026-11-23 17:30"));
        assert_eq!(clock.outcome, Some(Outcome::Met));
        assert_eq!(clock.overrun_minutes, Some(0));
        assert_eq!(clock.deadline, None);
    }

    #[test]
    fn an_overrun_is_measured_in_business_minutes_and_survives_a_reopening() {
        let cal = office();
        let mut clock = MetricClock::started(&cal, Some(60), paris("2026-11-27 17:30"));
        // Friday 17:30 + 1 h = Monday 08:30; stopped Monday 10:00: 90 minutes over.
        assert_eq!(clock.deadline, Some(paris("2026-11-30 08:30")));
        clock.stop(&cal, paris("2026-11-30 10:00"));
        assert_eq!(clock.outcome, Some(Outcome::Passed));
        assert_eq!(clock.overrun_minutes, Some(90));
        // Reopened: it runs again from the time spent, already beyond, so due at once…
        clock.reopen(&cal, paris("2026-11-30 11:00"));
        assert!(clock.running());
        assert_eq!(clock.deadline, Some(paris("2026-11-30 11:00")));
        // …and stopping again keeps the passed outcome, with the larger overrun.
        clock.stop(&cal, paris("2026-11-30 11:30"));
        assert_eq!(clock.outcome, Some(Outcome::Passed));
        assert_eq!(clock.overrun_minutes, Some(120));
    }

    #[test]
    fn a_met_outcome_is_decided_anew_after_a_reopening() {
        let cal = office();
        let mut clock = MetricClock::started(&cal, Some(120), paris("2026-11-23 09:00"));
        clock.stop(&cal, paris("2026-11-23 10:00"));
        assert_eq!(clock.outcome, Some(Outcome::Met));
        clock.reopen(&cal, paris("2026-11-24 09:00"));
        assert_eq!(clock.outcome, None);
        assert_eq!(clock.deadline, Some(paris("2026-11-24 10:00")));
        assert_eq!(
            clock.left_minutes(&cal, paris("2026-11-24 09:30")),
            Some(30)
        );
    }

    #[test]
    fn a_new_priority_keeps_the_time_spent() {
        let cal = office();
        let mut clock = MetricClock::started(&cal, Some(1200), paris("2026-11-23 09:00"));
        clock.retarget(&cal, Some(240), paris("2026-11-23 11:00"));
        assert_eq!(clock.deadline, Some(paris("2026-11-23 13:00")));
        assert_eq!(clock.spent_seconds, 7200);
    }

    #[test]
    fn without_a_target_nothing_is_measured() {
        let cal = office();
        let mut clock = MetricClock::started(&cal, None, paris("2026-11-23 09:00"));
        clock.pause(&cal, paris("2026-11-23 10:00"));
        clock.resume(&cal, paris("2026-11-23 11:00"));
        clock.stop(&cal, paris("2026-11-23 12:00"));
        assert_eq!(clock, MetricClock::default());
    }
}
