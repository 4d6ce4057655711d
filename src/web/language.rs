//! The language switcher: remembers the choice in a cookie and goes back where the visitor was.

use axum::{extract::Query, response::Redirect};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use serde::Deserialize;

use super::forms::is_local_path;
use crate::i18n::{LANG_COOKIE, Lang};

/// Query of `GET /lang`.
#[derive(Deserialize)]
pub struct Switch {
    to: String,
    next: Option<String>,
}

/// `GET /lang?to=en&next=/login`. A plain link rather than a form: the choice changes nothing but
/// how pages are worded, so it needs no CSRF token and works without JavaScript.
pub async fn switch(jar: CookieJar, Query(query): Query<Switch>) -> (CookieJar, Redirect) {
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let Some(lang) = Lang::parse(&query.to) else {
        return (jar, Redirect::to(&next));
    };
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    (jar.add(cookie), Redirect::to(&next))
}
