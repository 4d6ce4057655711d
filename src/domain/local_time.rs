//! The consortium's wall-clock time, as people type it in forms.
//!
//! Forms send `datetime-local` values, which carry no zone: they are read in the consortium's
//! zone (the French universities' `Europe/Paris`), the zone the demo SLAs are measured in too.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
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

/// An instant as a `datetime-local` field shows it: Paris wall-clock time, `YYYY-MM-DDTHH:MM`
/// (what [`parse_form_local`] reads back).
pub fn form_value(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Shows an instant (RFC 3339) as Paris wall-clock time, `YYYY-MM-DD HH:MM`; what does not
/// parse is shown as it came.
pub fn show(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.with_timezone(&Paris).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

const DAYS_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A day as its reader writes it: short (`lun. 23/11`, `Mon 11/23`) and long (`23 novembre
/// 2026`, `Monday 23 November 2026`).
pub fn day_labels(day: NaiveDate, lang: crate::i18n::Lang) -> (String, String) {
    let weekday = day.weekday().num_days_from_monday() as usize;
    match lang {
        crate::i18n::Lang::Fr => (
            format!(
                "{} {:02}/{:02}",
                DAYS_FR[weekday % 7],
                day.day(),
                day.month()
            ),
            format!(
                "{} {} {}",
                day.day(),
                MONTHS_FR[day.month0() as usize % 12],
                day.year()
            ),
        ),
        crate::i18n::Lang::En => (
            day.format("%a %m/%d").to_string(),
            day.format("%A %-d %B %Y").to_string(),
        ),
    }
}

/// A month as its reader names it (`novembre 2026`, `November 2026`), from `YYYY-MM`; what
/// does not parse is shown as it came.
pub fn month_label(month: &str, lang: crate::i18n::Lang) -> String {
    let Ok(first) = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") else {
        return month.to_owned();
    };
    match lang {
        crate::i18n::Lang::Fr => {
            format!(
                "{} {}",
                MONTHS_FR[first.month0() as usize % 12],
                first.year()
            )
        }
        crate::i18n::Lang::En => first.format("%B %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{day_labels, form_value, month_label, parse_form_local, show};

    #[test]
    fn months_are_named_in_the_readers_language() {
        assert_eq!(month_label("2026-08", Lang::Fr), "août 2026");
        assert_eq!(month_label("2026-08", Lang::En), "August 2026");
        assert_eq!(month_label("août", Lang::Fr), "août");
    }
    use crate::i18n::Lang;

    #[test]
    fn days_are_written_the_french_way() {
        let day = "2026-11-23".parse().unwrap_or_default();
        assert_eq!(
            day_labels(day, Lang::Fr),
            ("lun. 23/11".to_owned(), "23 novembre 2026".to_owned())
        );
        assert_eq!(day_labels(day, Lang::En).0, "Mon 11/23");
    }

    #[test]
    fn instants_are_shown_in_paris_time() {
        assert_eq!(show("2026-01-15T08:30:00Z"), "2026-01-15 09:30");
        assert_eq!(show("2026-07-15T07:30:15.123456Z"), "2026-07-15 09:30");
        assert_eq!(show("not a time"), "not a time");
    }

    #[test]
    fn form_values_read_back_as_the_same_instant() {
        for (utc, shown) in [
            ("2026-01-15T08:30:00Z", "2026-01-15T09:30"),
            ("2026-07-15T07:30:00Z", "2026-07-15T09:30"),
        ] {
            let at = utc.parse::<chrono::DateTime<chrono::Utc>>().ok();
            assert_eq!(at.map(form_value).as_deref(), Some(shown));
            assert_eq!(parse_form_local(shown), at);
        }
    }

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
