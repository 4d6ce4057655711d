//! Rendering pages: the minijinja environment over the embedded `templates/` folder, the `t()`
//! translation function, the formatting filters (see [`mod@format`]), and [`Page`], what an HTML
//! handler returns.

mod filters;
pub mod format;

use std::sync::Arc;

use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, State, Value, context, value::Serde};
use rust_embed::Embed;
use serde::Serialize;

use crate::{error::AppError, i18n::Lang};

/// The `templates/` folder, compiled into the release binary (read from disk in debug builds).
#[derive(Embed)]
#[folder = "templates/"]
#[include = "*.html"]
#[include = "*.txt"]
struct Templates;

/// The template environment, shared by every request.
#[derive(Clone)]
pub struct Views {
    env: Arc<Environment<'static>>,
}

impl Default for Views {
    fn default() -> Self {
        Self::new()
    }
}

impl Views {
    /// Builds the environment. Templates whose names end in `.html` are auto-escaped.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_loader(|name| {
            Ok(Templates::get(name).map(|file| String::from_utf8_lossy(&file.data).into_owned()))
        });
        env.add_function("t", translate);
        env.add_function("csrf_input", csrf_input);
        // A variable a page forgot (or misspelt) fails its rendering, so the test that renders
        // the page fails; testing whether one is there (`{% if errors %}`) stays allowed.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        env.add_filter("local_time", |value: String| {
            crate::domain::local_time::show(&value)
        });
        // The short form comes as its two lines: the weekday, then the day and month.
        env.add_filter("day_short", |state: &State, value: String| {
            let short = day(state, &value).0;
            match short.split_once(' ') {
                Some((weekday, date)) => vec![weekday.to_owned(), date.to_owned()],
                None => vec![short, String::new()],
            }
        });
        env.add_filter("day_long", |state: &State, value: String| {
            day(state, &value).1
        });
        filters::register(&mut env);
        Self { env: Arc::new(env) }
    }

    /// Renders `template` in `lang`; `path` is the current URL path, for the language switcher.
    pub fn render(
        &self,
        template: &str,
        lang: Lang,
        path: &str,
        ctx: Value,
    ) -> Result<String, minijinja::Error> {
        let languages: Vec<_> = Lang::ALL
            .iter()
            .map(|l| context! { code => l.code(), name => l.t("language-name") })
            .collect();
        let base = context! { lang => lang.code(), path => path, languages => languages };
        self.env
            .get_template(template)?
            .render(context! { ..ctx, ..base })
    }
}

/// `{{ csrf_input() }}`: the hidden field every form posts its session's token in (see
/// [`crate::auth::csrf`]); the one way templates write it.
fn csrf_input(state: &State) -> Result<Value, minijinja::Error> {
    let token = state.lookup("csrf").ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            "a form on a page without a session token",
        )
    })?;
    let token = minijinja::HtmlEscape(&token.to_string()).to_string();
    Ok(Value::from_safe_string(format!(
        r#"<input type="hidden" name="_csrf" value="{token}">"#
    )))
}

/// The language of the page being rendered.
fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}

/// `{{ date | day_short }}` / `day_long`: a `YYYY-MM-DD` day written in the page's language;
/// what is not a day is shown as it came.
fn day(state: &State, value: &str) -> (String, String) {
    match value.parse() {
        Ok(day) => crate::domain::local_time::day_labels(day, page_lang(state)),
        Err(_) => (value.to_owned(), value.to_owned()),
    }
}

/// `t("key")` or `t("key", name=value…)` in a template, in the page's language.
fn translate(state: &State, key: &str, kwargs: minijinja::value::Kwargs) -> String {
    let lang = page_lang(state);
    let args: Vec<(&str, String)> = kwargs
        .args()
        .filter_map(|k| kwargs.get::<Value>(k).ok().map(|v| (k, v.to_string())))
        .collect();
    if args.is_empty() {
        lang.t(key)
    } else {
        lang.t_args(key, &args)
    }
}

/// A page to render: what HTML handlers return. The language and path are filled in by
/// the response layer of `crate::http`, so handlers only name the template and its data.
pub struct Page {
    template: &'static str,
    ctx: Value,
}

impl Page {
    /// A page from `template` with `data` (any `Serialize`).
    pub fn new(template: &'static str, data: impl Serialize) -> Self {
        Self {
            template,
            ctx: Value::from(Serde(&data)),
        }
    }
}

/// The pending render of a [`Page`], carried in the response until the page layer renders it.
#[derive(Clone)]
pub struct PendingPage {
    /// Template name.
    pub template: &'static str,
    /// Its data.
    pub ctx: Value,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = Html(String::new()).into_response();
        response.extensions_mut().insert(PendingPage {
            template: self.template,
            ctx: self.ctx,
        });
        response
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Internal(anyhow::Error::new(err).context("rendering a template"))
    }
}
