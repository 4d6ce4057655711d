//! Reports: service levels by offer and month.

use axum::{Json, extract::Query};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::reports::{self, ReportFilter, SlaReportRow},
};

/// TTO and TTR met (%) and mean business times, by offer and month of filing, over the
/// tickets the caller reads.
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "reports", params(ReportFilter),
    responses((status = 200, body = Vec<SlaReportRow>), (status = 422)), security(("bearer" = [])))]
pub async fn sla(
    ctx: Ctx,
    Query(filter): Query<ReportFilter>,
) -> Result<Json<Vec<SlaReportRow>>, AppError> {
    Ok(Json(reports::sla(&ctx, &filter).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(sla))
}
