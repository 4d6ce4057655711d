//! Version 1 of the JSON API: one module per area, each a router of annotated handlers.

pub mod health;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every documented route of the API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(health::routes())
}
