//! The homes' dashboards, for clients that draw their own.

use axum::Json;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::dashboards::{self, Dashboard},
};

/// The caller's dashboards, one section per role held; every figure comes with the list
/// (an HTML path with the filters of `GET /api/v1/tickets`) it counts.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports",
    responses((status = 200, body = Dashboard)), security(("bearer" = [])))]
pub async fn dashboard(ctx: Ctx) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(dashboards::for_caller(&ctx).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(dashboard))
}
