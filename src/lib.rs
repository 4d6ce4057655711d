//! Guichet: a multi-tenant ITIL service desk for a consortium of universities that host
//! applications for one another. `app` builds the router that production serves and that the
//! tests drive over HTTP.

pub mod access;
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod controls;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod password;
pub mod quota;
pub mod server;
pub mod services;
pub mod sso;
pub mod state;
pub mod view;
pub mod web;

use axum::Router;

pub use state::AppState;

/// The whole application: pages, API and every layer around them.
pub fn app(state: AppState) -> Router {
    let (api, probes) = api::routes(&state);
    let routes = Router::new()
        .merge(web::routes())
        .merge(api)
        .fallback(|| async { error::AppError::NotFound });
    http::layers(routes, probes, state)
}
