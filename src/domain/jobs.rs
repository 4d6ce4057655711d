//! Rules of the background jobs: when a failed job is tried again, and which slot a periodic
//! job belongs to.

use chrono::{DateTime, Duration, Utc};

/// How long to wait before attempt `attempts + 1` after `attempts` failures: 30 s doubling each
/// time, at most an hour, so an SMTP server down for an afternoon is retried about hourly.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    let seconds = 30_i64.saturating_mul(1_i64 << doublings);
    Duration::seconds(seconds.min(3600))
}

/// The start of the period of `every` seconds that holds `now` (periods are counted from the
/// Unix epoch, so every process finds the same slot for the same instant).
pub fn slot(now: DateTime<Utc>, every: i64) -> DateTime<Utc> {
    let every = every.max(1);
    let start = now.timestamp().div_euclid(every) * every;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::{backoff, slot};
    use chrono::{DateTime, Duration, Utc};

    #[test]
    fn retries_back_off_doubling_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(i32::MAX).num_seconds(), 3600);
    }

    #[test]
    fn every_process_finds_the_same_slot() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap_or_default();
        let start = at("2026-11-25T10:00:00Z");
        for offset in [0, 1, 299, 599] {
            assert_eq!(slot(start + Duration::seconds(offset), 600), start);
        }
        assert_eq!(
            slot(start + Duration::seconds(600), 600),
            at("2026-11-25T10:10:00Z")
        );
        assert_eq!(slot(start, 0), start);
    }
}
