//! The consortium's wall-clock time, as people type it in forms.
//!
//! Forms send `datetime-local` values, which carry no zone: they are read in the consortium's
//! zone (the French universities' `Europe/Paris`), the zone the demo SLAs are measured in too.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

/// Reads `YYYY-MM-DDTHH:MM` (or with seconds) as Paris time. A time that falls in the spring
/// clock change's gap does not exist (None); one repeated in autumn is the first of the two.
pub fn parse_form_local(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Paris
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::parse_form_local;

    #[test]
    fn form_times_are_paris_time_across_clock_changes() {
        let utc = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().ok();
        let cases = [
            ("2026-01-15T09:30", utc("2026-01-15T08:30:00Z")),
            ("2026-07-15T09:30:15", utc("2026-07-15T07:30:15Z")),
            // 02:30 does not exist on the last Sunday of March…
            ("2026-03-29T02:30", None),
            // …and happens twice on the last Sunday of October: the first one.
            ("2026-10-25T02:30", utc("2026-10-25T00:30:00Z")),
            ("15/01/2026 09:30", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_form_local(text), expected, "{text}");
        }
    }
}
