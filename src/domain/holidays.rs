//! Public holidays computed from rules rather than typed: the French public holidays (fixed
//! dates and the three that follow Easter) and, as an option, the two extra days of
//! Alsace–Moselle (Good Friday and 26 December), where Université de Strasbourg stands.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which public holidays close a coverage window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicHolidays {
    /// None: only the one-off closures.
    #[default]
    None,
    /// The French public holidays.
    France,
    /// The French public holidays and Alsace–Moselle's Good Friday and 26 December.
    AlsaceMoselle,
}

/// The stored rule, variant for variant (sea-orm decodes the column, failing on an unknown word).
impl From<entity::sla::PublicHolidays> for PublicHolidays {
    fn from(stored: entity::sla::PublicHolidays) -> Self {
        use entity::sla::PublicHolidays as Stored;
        match stored {
            Stored::None => PublicHolidays::None,
            Stored::France => PublicHolidays::France,
            Stored::AlsaceMoselle => PublicHolidays::AlsaceMoselle,
        }
    }
}

impl From<PublicHolidays> for entity::sla::PublicHolidays {
    fn from(rule: PublicHolidays) -> Self {
        use entity::sla::PublicHolidays as Stored;
        match rule {
            PublicHolidays::None => Stored::None,
            PublicHolidays::France => Stored::France,
            PublicHolidays::AlsaceMoselle => Stored::AlsaceMoselle,
        }
    }
}

impl PublicHolidays {
    /// Every value.
    pub const ALL: [PublicHolidays; 3] = [
        PublicHolidays::None,
        PublicHolidays::France,
        PublicHolidays::AlsaceMoselle,
    ];

    /// The stored and exchanged name.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicHolidays::None => "none",
            PublicHolidays::France => "france",
            PublicHolidays::AlsaceMoselle => "alsace_moselle",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(text: &str) -> Option<PublicHolidays> {
        PublicHolidays::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The holiday falling on `date` under these rules, as a code (`christmas`, `easter-monday`…).
    pub fn holiday(self, date: NaiveDate) -> Option<&'static str> {
        if self == PublicHolidays::None {
            return None;
        }
        let fixed = match (date.month(), date.day()) {
            (1, 1) => Some("new-year"),
            (5, 1) => Some("labour-day"),
            (5, 8) => Some("victory-1945"),
            (7, 14) => Some("national-day"),
            (8, 15) => Some("assumption"),
            (11, 1) => Some("all-saints"),
            (11, 11) => Some("armistice"),
            (12, 25) => Some("christmas"),
            (12, 26) if self == PublicHolidays::AlsaceMoselle => Some("saint-stephen"),
            _ => None,
        };
        if fixed.is_some() {
            return fixed;
        }
        let easter = easter_sunday(date.year())?;
        match (date - easter).num_days() {
            -2 if self == PublicHolidays::AlsaceMoselle => Some("good-friday"),
            1 => Some("easter-monday"),
            39 => Some("ascension"),
            50 => Some("whit-monday"),
            _ => None,
        }
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian computus, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let h = (19 * a + b - b / 4 - (b - (b + 8) / 25 + 1) / 3 + 15).rem_euclid(30);
    let l = (32 + 2 * (b % 4) + 2 * (c / 4) - h - c % 4).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(
        year,
        u32::try_from(n / 31).ok()?,
        u32::try_from(n % 31 + 1).ok()?,
    )
}

/// The days from `from` (included) for `days` days that these rules or the one-off `closures`
/// close, each with its code (`closure` for a one-off closure).
pub fn closed_days(
    rules: PublicHolidays,
    closures: &[NaiveDate],
    from: NaiveDate,
    days: i64,
) -> Vec<(NaiveDate, &'static str)> {
    (0..days)
        .filter_map(|n| from.checked_add_signed(Duration::days(n)))
        .filter_map(|date| {
            rules
                .holiday(date)
                .map(|key| (date, key))
                .or_else(|| closures.contains(&date).then_some((date, "closure")))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn easter_based_holidays_match_the_official_dates_2026_to_2030() {
        // (year, Good Friday, Easter Monday, Ascension, Whit Monday), from the official French
        // calendars (service-public.fr).
        let years = [
            (2026, "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25"),
            (2027, "2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17"),
            (2028, "2028-04-14", "2028-04-17", "2028-05-25", "2028-06-05"),
            (2029, "2029-03-30", "2029-04-02", "2029-05-10", "2029-05-21"),
            (2030, "2030-04-19", "2030-04-22", "2030-05-30", "2030-06-10"),
        ];
        for (year, friday, monday, ascension, whit) in years {
            let france = PublicHolidays::France;
            assert_eq!(france.holiday(date(friday)), None, "{year}");
            assert_eq!(
                france.holiday(date(monday)),
                Some("easter-monday"),
                "{year}"
            );
            assert_eq!(france.holiday(date(ascension)), Some("ascension"), "{year}");
            assert_eq!(france.holiday(date(whit)), Some("whit-monday"), "{year}");
            let (first, next) = (
                date(&format!("{year}-01-01")),
                date(&format!("{}-01-01", year + 1)),
            );
            let days = closed_days(france, &[], first, (next - first).num_days());
            assert_eq!(days.len(), 11, "{year}: eleven French public holidays");
        }
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_saint_stephen() {
        let alsace = PublicHolidays::AlsaceMoselle;
        assert_eq!(alsace.holiday(date("2027-03-26")), Some("good-friday"));
        assert_eq!(alsace.holiday(date("2027-12-26")), Some("saint-stephen"));
        assert_eq!(PublicHolidays::France.holiday(date("2027-12-26")), None);
        assert_eq!(alsace.holiday(date("2027-12-25")), Some("christmas"));
        let days = closed_days(alsace, &[], date("2028-01-01"), 366);
        assert_eq!(days.len(), 13);
        assert_eq!(PublicHolidays::None.holiday(date("2027-12-25")), None);
    }

    #[test]
    fn fixed_holidays_and_one_off_closures() {
        let closures = [date("2026-12-28"), date("2026-12-29")];
        let days = closed_days(PublicHolidays::France, &closures, date("2026-12-20"), 14);
        assert_eq!(
            days,
            [
                (date("2026-12-25"), "christmas"),
                (date("2026-12-28"), "closure"),
                (date("2026-12-29"), "closure"),
                (date("2027-01-01"), "new-year"),
            ]
        );
        for (name, stored) in [
            (PublicHolidays::None, "none"),
            (PublicHolidays::France, "france"),
            (PublicHolidays::AlsaceMoselle, "alsace_moselle"),
        ] {
            assert_eq!(PublicHolidays::parse(stored), Some(name));
        }
    }
}
