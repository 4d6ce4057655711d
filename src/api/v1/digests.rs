//! The caller's digests: per offer, single mails or a daily or weekly digest.

use axum::{Json, extract::Path};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::digests::{self, DigestChoiceView, DigestInput},
};

/// The caller's choice for each offer they read.
#[utoipa::path(get, path = "/api/v1/me/digests", tag = "notifications",
    responses((status = 200, body = Vec<DigestChoiceView>)), security(("bearer" = [])))]
pub async fn list(ctx: Ctx) -> Result<Json<Vec<DigestChoiceView>>, AppError> {
    Ok(Json(digests::choices(&ctx).await?))
}

/// Sets how the caller gets one offer's ticket and evolution mail.
#[utoipa::path(put, path = "/api/v1/me/digests/{code}", tag = "notifications",
    params(("code" = String, Path, description = "offer code")), request_body = DigestInput,
    responses((status = 200, body = DigestChoiceView), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn choose(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<DigestInput>,
) -> Result<Json<DigestChoiceView>, AppError> {
    Ok(Json(digests::choose(&ctx, &code, body.frequency).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list))
        .routes(routes!(choose))
}
