//! When digests are due: every day (daily) or every Monday (weekly) at a set hour, Paris time.
//! A run of the digest job at any instant sends what was held before the latest due instant,
//! under that instant's period name; so a run that comes late (a server down at 07:00) still
//! sends that period's digest, and a second run of the same period finds it sent.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a contact gets an offer's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// One mail per event (the default; no choice stored).
    Single,
    /// One mail a day with the day's events.
    Daily,
    /// One mail on Mondays with the week's events.
    Weekly,
}

impl Frequency {
    /// As stored (`digest_choice.frequency`, `notification.digest`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    /// From storage; an unknown word is single mails.
    pub fn parse(word: &str) -> Self {
        match word {
            "daily" => Self::Daily,
            "weekly" => Self::Weekly,
            _ => Self::Single,
        }
    }
}

/// The latest instant at or before `now` when a digest of `frequency` was due (`at` Paris
/// time, Mondays for weekly ones), and the period's name (`daily:2026-12-07`). None for single
/// mails.
pub fn due(
    now: DateTime<Utc>,
    at: NaiveTime,
    frequency: Frequency,
) -> Option<(DateTime<Utc>, String)> {
    let local = now.with_timezone(&Paris);
    let mut day = local.date_naive();
    // Eight days back reach the latest Monday at any hour.
    for _ in 0..8 {
        let wanted = match frequency {
            Frequency::Single => return None,
            Frequency::Daily => true,
            Frequency::Weekly => day.weekday() == Weekday::Mon,
        };
        if wanted {
            // A set hour inside the spring gap does not exist that day: the first instant after.
            let instant = Paris
                .from_local_datetime(&day.and_time(at))
                .earliest()
                .or_else(|| {
                    Paris
                        .from_local_datetime(&(day.and_time(at) + Duration::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc));
            if let Some(instant) = instant.filter(|t| *t <= now) {
                return Some((instant, format!("{}:{day}", frequency.as_str())));
            }
        }
        day = day.pred_opt()?;
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn daily_and_weekly_periods() {
        let seven = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        // Monday 7 December 2026, winter: Paris is UTC+1.
        for (now, frequency, expected) in [
            (
                "2026-12-07T06:05:00Z",
                Frequency::Daily,
                Some(("2026-12-07T06:00:00Z", "daily:2026-12-07")),
            ),
            (
                "2026-12-07T05:59:00Z",
                Frequency::Daily,
                Some(("2026-12-06T06:00:00Z", "daily:2026-12-06")),
            ),
            (
                "2026-12-07T06:05:00Z",
                Frequency::Weekly,
                Some(("2026-12-07T06:00:00Z", "weekly:2026-12-07")),
            ),
            (
                "2026-12-10T12:00:00Z",
                Frequency::Weekly,
                Some(("2026-12-07T06:00:00Z", "weekly:2026-12-07")),
            ),
            (
                "2026-12-07T05:00:00Z",
                Frequency::Weekly,
                Some(("2026-11-30T06:00:00Z", "weekly:2026-11-30")),
            ),
            // Summer: UTC+2.
            (
                "2026-07-01T05:30:00Z",
                Frequency::Daily,
                Some(("2026-07-01T05:00:00Z", "daily:2026-07-01")),
            ),
            ("2026-12-07T06:05:00Z", Frequency::Single, None),
        ] {
            let got = due(utc(now), seven, frequency);
            let want = expected.map(|(t, p)| (utc(t), p.to_owned()));
            assert_eq!(got, want, "{now} {frequency:?}");
        }
    }

    #[test]
    fn frequencies_round_trip() {
        for f in [Frequency::Single, Frequency::Daily, Frequency::Weekly] {
            assert_eq!(Frequency::parse(f.as_str()), f);
        }
    }
}
