//! The HTML side: portal and desk pages, the login page, the language switcher, static assets.

mod assets;
mod language;
mod login;

use axum::{Router, response::Redirect, routing::get};

use crate::state::AppState;

/// The routes of the pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/login") }))
        .route("/login", get(login::form))
        .route("/lang", get(language::switch))
        .route("/static/{*path}", get(assets::serve))
}
