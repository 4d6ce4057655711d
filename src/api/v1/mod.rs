//! Version 1 of the JSON API: one module per area, each a router of annotated handlers.

pub mod accounts;
pub mod agreements;
pub mod auth;
pub mod dashboards;
pub mod evolutions;
pub mod faqs;
pub mod health;
pub mod notifications;
pub mod offers;
pub mod organisations;
pub mod reports;
pub mod teams;
pub mod tickets;
pub mod tokens;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every documented route of the API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(health::routes())
        .merge(auth::routes())
        .merge(tokens::routes())
        .merge(organisations::routes())
        .merge(accounts::routes())
        .merge(teams::routes())
        .merge(offers::routes())
        .merge(agreements::routes())
        .merge(tickets::routes())
        .merge(reports::routes())
        .merge(dashboards::routes())
        .merge(notifications::routes())
        .merge(faqs::routes())
        .merge(evolutions::routes())
}
