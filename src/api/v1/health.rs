//! `GET /healthz`: whether this process and its database answer, for load balancers.

use axum::{Json, extract::State, http::StatusCode};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::state::AppState;

/// The health report.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when everything answers, `degraded` otherwise.
    status: &'static str,
    /// `ok` or `unavailable`.
    database: &'static str,
}

/// Health of the process and its database.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "system",
    responses(
        (status = 200, description = "Everything answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    if state.database_answers().await {
        (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "degraded",
                database: "unavailable",
            }),
        )
    }
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(healthz))
}
