//! The establishments' identity providers (CAS, OpenID Connect): administrators only; the
//! client secret is written and never read back.

use axum::{Json, http::StatusCode};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::identity_providers::{self, NewProvider, ProviderView},
};

/// Every identity provider (administrators only).
#[utoipa::path(get, path = "/api/v1/identity-providers", tag = "identity-providers",
    responses((status = 200, body = Vec<ProviderView>), (status = 403)), security(("bearer" = [])))]
pub async fn list(ctx: Ctx) -> Result<Json<Vec<ProviderView>>, AppError> {
    Ok(Json(identity_providers::list(&ctx).await?))
}

/// Adds an identity provider to an establishment (administrators only).
#[utoipa::path(post, path = "/api/v1/identity-providers", tag = "identity-providers",
    request_body = NewProvider,
    responses((status = 201, body = ProviderView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<NewProvider>,
) -> Result<(StatusCode, Json<ProviderView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(identity_providers::create(&ctx, body).await?),
    ))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(list, create))
}
