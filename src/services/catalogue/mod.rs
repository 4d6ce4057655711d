//! The service catalogue and agreements: offers and their subcategories, SLAs, conventions,
//! their documents, and the filing rule.

pub mod attachments;
pub mod conventions;
pub mod filing;
pub mod offers;
pub mod slas;
pub mod subcategories;
pub mod what_if;

use chrono::{DateTime, NaiveDate, Utc};

/// The day `now` falls on in the consortium's calendar: conventions start and end on French
/// dates, so the day turns at midnight in Paris, not in UTC.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// Parses a JSON list column; a malformed one reads as empty rather than failing a page.
pub fn json_list<T: serde::de::DeserializeOwned>(raw: Option<&str>) -> Vec<T> {
    raw.and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

/// Trims a list of short texts, dropping empty ones; 422 on `field` past the limits.
pub fn clean_list(problems: &mut super::Problems, field: &str, items: &[String]) -> Vec<String> {
    let items: Vec<String> = items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 50 || items.iter().any(|s| s.chars().count() > 100) {
        problems.rule(
            field,
            "catalogue-list-limits",
            vec![("entries", "50".to_owned()), ("length", "100".to_owned())],
        );
    }
    items
}

/// An optional http(s) link, trimmed; 422 on `field` otherwise.
pub fn clean_url(problems: &mut super::Problems, field: &str, url: Option<&str>) -> Option<String> {
    let url = url.map(str::trim).filter(|u| !u.is_empty())?;
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500 {
        problems.rule(field, "catalogue-url", vec![("max", "500".to_owned())]);
    }
    Some(url.to_owned())
}
