//! The brute-force lock-out: failures counted in a window; too many lock sign-in for a while.

use chrono::{DateTime, Duration, Utc};

/// How many failures lock, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures within `window` that lock.
    pub max_failures: i32,
    /// The counting window, and the lock's length.
    pub window: Duration,
}

/// What is recorded for one key (an e-mail or an address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failures {
    /// Failures counted in the current window.
    pub count: i32,
    /// When the window began.
    pub window_started_at: DateTime<Utc>,
    /// Until when sign-in is refused, if it is.
    pub locked_until: Option<DateTime<Utc>>,
}

/// Seconds until sign-in is allowed again, if it is locked now.
pub fn locked_for(failures: &Failures, now: DateTime<Utc>) -> Option<u64> {
    let until = failures.locked_until?;
    (until > now).then(|| u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1))
}

/// The record after one more failure at `now`.
pub fn after_failure(previous: Option<&Failures>, now: DateTime<Utc>, policy: Policy) -> Failures {
    let fresh = Failures {
        count: 1,
        window_started_at: now,
        locked_until: None,
    };
    let Some(previous) = previous else {
        return lock_if_due(fresh, now, policy);
    };
    if now - previous.window_started_at > policy.window {
        return lock_if_due(fresh, now, policy);
    }
    lock_if_due(
        Failures {
            count: previous.count + 1,
            window_started_at: previous.window_started_at,
            locked_until: previous.locked_until,
        },
        now,
        policy,
    )
}

fn lock_if_due(mut failures: Failures, now: DateTime<Utc>, policy: Policy) -> Failures {
    if failures.count >= policy.max_failures {
        failures.locked_until = Some(now + policy.window);
        // A new window starts with the lock, so one more failure after it does not re-lock.
        failures.count = 0;
        failures.window_started_at = now + policy.window;
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_failures: 3,
        window: Duration::minutes(15),
    };

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::minutes(minutes)
    }

    #[test]
    fn the_third_failure_in_the_window_locks_for_the_window() {
        let one = after_failure(None, at(0), POLICY);
        let two = after_failure(Some(&one), at(1), POLICY);
        assert_eq!(locked_for(&two, at(1)), None);
        let three = after_failure(Some(&two), at(2), POLICY);
        assert_eq!(locked_for(&three, at(2)), Some(15 * 60));
        assert_eq!(locked_for(&three, at(16)), Some(60));
        assert_eq!(locked_for(&three, at(17)), None);
    }

    #[test]
    fn failures_spread_beyond_the_window_never_lock() {
        let mut record = after_failure(None, at(0), POLICY);
        for minute in [16, 32, 48, 64] {
            record = after_failure(Some(&record), at(minute), POLICY);
            assert_eq!(record.count, 1);
            assert_eq!(locked_for(&record, at(minute)), None);
        }
    }
}
