//! The formatting filters of the templates, each a thin wrapper over [`mod@super::format`] in the
//! page's language: `date_time`, `date`, `when` (a `<time>` saying how long ago, the exact
//! date in its title), `duration`, `business_duration`, `decimal`, `percent`, `month_long`, `file_size`.

use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{Environment, State, Value};

use super::{format, page_lang};

/// Adds the filters to `env`.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_filter("date_time", |state: &State, value: Value| {
        shown(&value, |at| format::date_time(at, page_lang(state)))
    });
    env.add_filter("date", |state: &State, value: Value| {
        let lang = page_lang(state);
        match value.as_str().and_then(|s| s.parse::<NaiveDate>().ok()) {
            Some(day) => format::day(day, lang),
            None => shown(&value, |at| format::date(at, lang)),
        }
    });
    env.add_filter("when", when);
    env.add_filter("duration", |minutes: i64| format::duration(minutes));
    env.add_filter("business_duration", |state: &State, minutes: i64| {
        format::business_duration(minutes, page_lang(state))
    });
    env.add_filter(
        "decimal",
        |state: &State, value: f64, digits: Option<usize>| {
            format::decimal(value, digits.unwrap_or(1), page_lang(state))
        },
    );
    env.add_filter("percent", |state: &State, value: f64| {
        format::percent(value, page_lang(state))
    });
    env.add_filter("month_long", |state: &State, month: String| {
        crate::domain::local_time::month_label(&month, page_lang(state))
    });
    env.add_filter("file_size", |state: &State, bytes: u64| {
        format::file_size(bytes, page_lang(state))
    });
}

/// An instant given as RFC 3339 text, shown by `show`; nothing for none, and what does not
/// parse as it came.
fn shown(value: &Value, show: impl Fn(DateTime<Utc>) -> String) -> String {
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    let text = value.to_string();
    match DateTime::parse_from_rfc3339(&text) {
        Ok(at) => show(at.with_timezone(&Utc)),
        Err(_) => text,
    }
}

/// `{{ x | when }}`: `<time datetime="…" title="6 déc. 2026 à 11:08">il y a 5 min</time>`
/// within a week of the page's `now`, the exact date as the text otherwise.
fn when(state: &State, value: Value) -> Value {
    let lang = page_lang(state);
    let Some(at) = value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|at| at.with_timezone(&Utc))
    else {
        return value;
    };
    let exact = format::date_time(at, lang);
    let now = state.lookup("now").and_then(|n| {
        n.as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    });
    let text = now
        .and_then(|now| format::relative(at, now.with_timezone(&Utc), lang))
        .unwrap_or_else(|| exact.clone());
    let escape = |s: &str| minijinja::HtmlEscape(s).to_string();
    Value::from_safe_string(format!(
        r#"<time datetime="{}" title="{}">{}</time>"#,
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        escape(&exact),
        escape(&text)
    ))
}
