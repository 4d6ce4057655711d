//! How values read on a page: dates, durations, decimals and sizes in the reader's language.
//! Pure functions, registered as template filters in [`super::Views`]; times are shown on the
//! consortium's wall clock (Europe/Paris), the zone the service levels are measured in.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Paris;

use crate::i18n::Lang;

/// French puts a narrow no-break space before `%` and between a number and its unit.
const NNBSP: char = '\u{202f}';

const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(lang: Lang, month0: u32) -> &'static str {
    let months = match lang {
        Lang::Fr => &MONTHS_FR,
        Lang::En => &MONTHS_EN,
    };
    months.get(month0 as usize).copied().unwrap_or("")
}

/// The day of an instant in Paris: "6 déc. 2026", "6 Dec 2026".
pub fn date(at: DateTime<Utc>, lang: Lang) -> String {
    day(at.with_timezone(&Paris).date_naive(), lang)
}

/// A calendar day: "6 déc. 2026", "6 Dec 2026".
pub fn day(day: NaiveDate, lang: Lang) -> String {
    format!("{} {} {}", day.day(), month(lang, day.month0()), day.year())
}

/// The day and the time: "6 déc. 2026 à 11:08", "6 Dec 2026, 11:08".
pub fn date_time(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Paris);
    let (day, hour, minute) = (date(at, lang), local.hour(), local.minute());
    match lang {
        Lang::Fr => format!("{day} à {hour:02}:{minute:02}"),
        Lang::En => format!("{day}, {hour:02}:{minute:02}"),
    }
}

/// How long ago (or how soon) `at` is from `now`, when that is within a week: "il y a 5 min",
/// "dans 2 h", "3 days ago". Further away, the date says it better: `None`.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> Option<String> {
    let minutes = (now - at).num_minutes();
    let span = minutes.unsigned_abs();
    if span >= 7 * 24 * 60 {
        return None;
    }
    if span == 0 {
        return Some(match lang {
            Lang::Fr => "à l'instant".to_owned(),
            Lang::En => "just now".to_owned(),
        });
    }
    let amount = if span < 60 {
        format!("{span} min")
    } else if span < 24 * 60 {
        format!("{} h", span / 60)
    } else {
        let days = span / (24 * 60);
        match (lang, days) {
            (Lang::Fr, 1) => "1 jour".to_owned(),
            (Lang::Fr, d) => format!("{d} jours"),
            (Lang::En, 1) => "1 day".to_owned(),
            (Lang::En, d) => format!("{d} days"),
        }
    };
    Some(match (lang, minutes > 0) {
        (Lang::Fr, true) => format!("il y a {amount}"),
        (Lang::Fr, false) => format!("dans {amount}"),
        (Lang::En, true) => format!("{amount} ago"),
        (Lang::En, false) => format!("in {amount}"),
    })
}

/// A length of time in minutes: "2 h 30 min", "45 min", "3 h".
pub fn duration(minutes: i64) -> String {
    let (hours, rest) = (minutes.abs() / 60, minutes.abs() % 60);
    let sign = if minutes < 0 { "-" } else { "" };
    match (hours, rest) {
        (0, m) => format!("{sign}{m} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, m) => format!("{sign}{h} h {m} min"),
    }
}

/// Minutes counted in the service level's opening hours: "2 h 30 min ouvrées",
/// "2 h 30 min business time".
pub fn business_duration(minutes: i64, lang: Lang) -> String {
    let span = duration(minutes);
    match lang {
        Lang::Fr if minutes.abs() <= 1 => format!("{span} ouvrée"),
        Lang::Fr => format!("{span} ouvrées"),
        Lang::En => format!("{span} business time"),
    }
}

/// A decimal number with `digits` after the separator: "51,11" in French, "51.11" in English.
pub fn decimal(value: f64, digits: usize, lang: Lang) -> String {
    let text = format!("{value:.digits$}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A percentage, trailing zeros dropped: "99,5 %" (narrow no-break space), "99.5%".
pub fn percent(value: f64, lang: Lang) -> String {
    let mut number = decimal(value, 1, lang);
    if number.ends_with(",0") || number.ends_with(".0") {
        number.truncate(number.len() - 2);
    }
    match lang {
        Lang::Fr => format!("{number}{NNBSP}%"),
        Lang::En => format!("{number}%"),
    }
}

/// A file's size: "512 o", "1,2 Ko", "3,4 Mo" in French; "512 B", "1.2 kB", "3.4 MB" in
/// English (binary multiples, as file managers count).
pub fn file_size(bytes: u64, lang: Lang) -> String {
    let units: [&str; 4] = match lang {
        Lang::Fr => ["o", "Ko", "Mo", "Go"],
        Lang::En => ["B", "kB", "MB", "GB"],
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    let number = if unit == 0 {
        bytes.to_string()
    } else {
        decimal(value, 1, lang)
    };
    format!("{number} {}", units[unit])
}

#[cfg(test)]
#[allow(clippy::expect_used, reason = "tests fail loudly by design")]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn dates_read_in_paris_time_in_both_languages_across_clock_changes() {
        let cases = [
            // Winter (UTC+1), summer (UTC+2), and either side of both changes of 2026.
            (
                "2026-12-06T10:08:00Z",
                "6 déc. 2026 à 11:08",
                "6 Dec 2026, 11:08",
            ),
            (
                "2026-07-14T07:30:00Z",
                "14 juil. 2026 à 09:30",
                "14 Jul 2026, 09:30",
            ),
            (
                "2026-03-29T00:59:00Z",
                "29 mars 2026 à 01:59",
                "29 Mar 2026, 01:59",
            ),
            (
                "2026-03-29T01:00:00Z",
                "29 mars 2026 à 03:00",
                "29 Mar 2026, 03:00",
            ),
            (
                "2026-10-25T00:30:00Z",
                "25 oct. 2026 à 02:30",
                "25 Oct 2026, 02:30",
            ),
            (
                "2026-10-25T01:30:00Z",
                "25 oct. 2026 à 02:30",
                "25 Oct 2026, 02:30",
            ),
            // Late on New Year's Eve in UTC is already the next year in Paris.
            (
                "2026-12-31T23:30:00Z",
                "1 janv. 2027 à 00:30",
                "1 Jan 2027, 00:30",
            ),
        ];
        for (instant, fr, en) in cases {
            assert_eq!(date_time(at(instant), Lang::Fr), fr, "{instant}");
            assert_eq!(date_time(at(instant), Lang::En), en, "{instant}");
        }
        assert_eq!(date(at("2026-02-01T12:00:00Z"), Lang::Fr), "1 févr. 2026");
    }

    #[test]
    fn relative_times_within_a_week_else_none() {
        let now = at("2026-12-06T10:08:00Z");
        let cases = [
            (
                "2026-12-06T10:08:00Z",
                Some("à l'instant"),
                Some("just now"),
            ),
            (
                "2026-12-06T10:03:00Z",
                Some("il y a 5 min"),
                Some("5 min ago"),
            ),
            ("2026-12-06T12:10:00Z", Some("dans 2 h"), Some("in 2 h")),
            (
                "2026-12-03T10:00:00Z",
                Some("il y a 3 jours"),
                Some("3 days ago"),
            ),
            (
                "2026-12-05T09:00:00Z",
                Some("il y a 1 jour"),
                Some("1 day ago"),
            ),
            ("2026-11-20T10:00:00Z", None, None),
        ];
        for (instant, fr, en) in cases {
            assert_eq!(
                relative(at(instant), now, Lang::Fr).as_deref(),
                fr,
                "{instant}"
            );
            assert_eq!(
                relative(at(instant), now, Lang::En).as_deref(),
                en,
                "{instant}"
            );
        }
        // Across the autumn change: 02:30 (first) to 02:30 (second) is one real hour.
        let first = at("2026-10-25T00:30:00Z");
        let second = at("2026-10-25T01:30:00Z");
        assert_eq!(
            relative(first, second, Lang::Fr).as_deref(),
            Some("il y a 1 h")
        );
    }

    #[test]
    fn durations_in_business_time() {
        let cases = [
            (150, "2 h 30 min ouvrées", "2 h 30 min business time"),
            (45, "45 min ouvrées", "45 min business time"),
            (180, "3 h ouvrées", "3 h business time"),
            (1, "1 min ouvrée", "1 min business time"),
            (-30, "-30 min ouvrées", "-30 min business time"),
        ];
        for (minutes, fr, en) in cases {
            assert_eq!(business_duration(minutes, Lang::Fr), fr);
            assert_eq!(business_duration(minutes, Lang::En), en);
        }
    }

    #[test]
    fn decimals_percentages_and_sizes() {
        assert_eq!(decimal(51.111, 2, Lang::Fr), "51,11");
        assert_eq!(decimal(51.111, 2, Lang::En), "51.11");
        assert_eq!(decimal(6.0, 1, Lang::Fr), "6,0");
        assert_eq!(percent(100.0, Lang::Fr), "100\u{202f}%");
        assert_eq!(percent(99.5, Lang::Fr), "99,5\u{202f}%");
        assert_eq!(percent(99.5, Lang::En), "99.5%");
        let cases = [
            (512, "512 o", "512 B"),
            (1_258_291, "1,2 Mo", "1.2 MB"),
            (2_048, "2,0 Ko", "2.0 kB"),
            (3_435_973_837, "3,2 Go", "3.2 GB"),
        ];
        for (bytes, fr, en) in cases {
            assert_eq!(file_size(bytes, Lang::Fr), fr, "{bytes}");
            assert_eq!(file_size(bytes, Lang::En), en, "{bytes}");
        }
    }
}
