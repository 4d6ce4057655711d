//! Reports: service levels by offer and month.

use axum::{
    Json,
    extract::{Query, State},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::ApiCaller,
    db::Scoped,
    error::AppError,
    services::reports::{self, ReportFilter, SlaReportRow},
    state::AppState,
};

/// TTO and TTR met (%) and mean business times, by offer and month of filing, over the
/// tickets the caller reads.
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "reports", params(ReportFilter),
    responses((status = 200, body = Vec<SlaReportRow>), (status = 422)), security(("bearer" = [])))]
pub async fn sla(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(filter): Query<ReportFilter>,
) -> Result<Json<Vec<SlaReportRow>>, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    Ok(Json(reports::sla(&db, &filter, state.clock.now()).await?))
}

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sla))
}
