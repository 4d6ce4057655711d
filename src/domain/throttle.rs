//! Attempt counting for the brute-force lock-out and the mail rate limits: attempts are counted
//! in a window *before* the work they guard is done, so that parallel attempts cannot all slip in
//! under the threshold; the attempt that reaches the threshold locks for a whole window.
//!
//! A sign-in that turns out to be right clears its account's count (see
//! `auth::throttle`): what stays counted are the failures, and the attempts still running.

use chrono::{DateTime, Duration, Utc};

/// How many attempts lock, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts within `window` that lock.
    pub max_attempts: i32,
    /// The counting window, and the lock's length.
    pub window: Duration,
}

/// What is recorded for one key (an e-mail, an address…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempts {
    /// Attempts counted in the current window.
    pub count: i32,
    /// When the window began.
    pub window_started_at: DateTime<Utc>,
    /// Until when attempts are refused, if they are.
    pub locked_until: Option<DateTime<Utc>>,
}

/// What one more attempt gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The attempt goes ahead, counted as this record.
    Counted(Attempts),
    /// Refused for this many more seconds; nothing is counted.
    Locked {
        /// Seconds until attempts are allowed again (at least 1).
        retry_after: u64,
    },
}

/// Seconds until attempts are allowed again, if they are refused now.
pub fn locked_for(attempts: &Attempts, now: DateTime<Utc>) -> Option<u64> {
    let until = attempts.locked_until?;
    (until > now).then(|| u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1))
}

/// The verdict on one more attempt at `now`, given the record as it stands.
pub fn attempt(previous: Option<&Attempts>, now: DateTime<Utc>, policy: Policy) -> Verdict {
    if let Some(retry_after) = previous.and_then(|p| locked_for(p, now)) {
        return Verdict::Locked { retry_after };
    }
    let next = match previous {
        // A lock that has passed, or a window that has, starts counting afresh.
        Some(p) if p.locked_until.is_none() && now - p.window_started_at <= policy.window => {
            Attempts {
                count: p.count + 1,
                window_started_at: p.window_started_at,
                locked_until: None,
            }
        }
        _ => Attempts {
            count: 1,
            window_started_at: now,
            locked_until: None,
        },
    };
    let locked_until = (next.count >= policy.max_attempts).then(|| now + policy.window);
    Verdict::Counted(Attempts {
        locked_until,
        ..next
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_attempts: 3,
        window: Duration::minutes(15),
    };

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::minutes(minutes)
    }

    fn counted(verdict: Verdict) -> Attempts {
        match verdict {
            Verdict::Counted(attempts) => attempts,
            Verdict::Locked { retry_after } => panic!("locked for {retry_after} s"),
        }
    }

    #[test]
    fn the_third_attempt_in_the_window_goes_ahead_and_locks_for_the_window() {
        let one = counted(attempt(None, at(0), POLICY));
        let two = counted(attempt(Some(&one), at(1), POLICY));
        assert_eq!(locked_for(&two, at(1)), None);
        let three = counted(attempt(Some(&two), at(2), POLICY));
        assert_eq!(three.count, 3);
        assert_eq!(locked_for(&three, at(2)), Some(15 * 60));
        assert_eq!(
            attempt(Some(&three), at(16), POLICY),
            Verdict::Locked { retry_after: 60 }
        );
        assert_eq!(locked_for(&three, at(17)), None);
    }

    #[test]
    fn after_the_lock_counting_starts_again() {
        let mut record = counted(attempt(None, at(0), POLICY));
        for minute in [1, 2] {
            record = counted(attempt(Some(&record), at(minute), POLICY));
        }
        let after = counted(attempt(Some(&record), at(17), POLICY));
        assert_eq!(after.count, 1);
        assert_eq!(after.window_started_at, at(17));
        assert_eq!(after.locked_until, None);
    }

    #[test]
    fn attempts_spread_beyond_the_window_never_lock() {
        let mut record = counted(attempt(None, at(0), POLICY));
        for minute in [16, 32, 48, 64] {
            record = counted(attempt(Some(&record), at(minute), POLICY));
            assert_eq!(record.count, 1);
            assert_eq!(locked_for(&record, at(minute)), None);
        }
    }

    #[test]
    fn a_threshold_of_one_locks_at_the_first_attempt() {
        let policy = Policy {
            max_attempts: 1,
            window: Duration::hours(1),
        };
        let first = counted(attempt(None, at(0), policy));
        assert_eq!(first.locked_until, Some(at(60)));
        assert_eq!(
            attempt(Some(&first), at(30), policy),
            Verdict::Locked {
                retry_after: 30 * 60
            }
        );
    }
}
