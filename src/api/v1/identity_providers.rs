//! The establishments' identity providers (CAS, OpenID Connect): administrators only (anyone
//! else gets 404); the client secret is written, stored sealed, and never read back.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::identity_providers::{self, NewProvider, ProviderChanges, ProviderView},
    state::AppState,
};

/// Every identity provider (administrators only).
#[utoipa::path(get, path = "/api/v1/identity-providers", tag = "identity-providers",
    responses((status = 200, body = Vec<ProviderView>), (status = 404)), security(("bearer" = [])))]
pub async fn list(ctx: Ctx) -> Result<Json<Vec<ProviderView>>, AppError> {
    Ok(Json(identity_providers::list(&ctx).await?))
}

/// Adds an identity provider to an establishment (administrators only).
#[utoipa::path(post, path = "/api/v1/identity-providers", tag = "identity-providers",
    request_body = NewProvider,
    responses((status = 201, body = ProviderView), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewProvider>,
) -> Result<(StatusCode, Json<ProviderView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(identity_providers::create(&ctx, &state.sealer, body).await?),
    ))
}

/// One identity provider (administrators only).
#[utoipa::path(get, path = "/api/v1/identity-providers/{id}", tag = "identity-providers",
    params(("id" = i64, Path)),
    responses((status = 200, body = ProviderView), (status = 404)), security(("bearer" = [])))]
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(identity_providers::get(&ctx, id).await?))
}

/// Changes an identity provider, or turns it off or on (administrators only); a stale
/// `revision` answers 409.
#[utoipa::path(patch, path = "/api/v1/identity-providers/{id}", tag = "identity-providers",
    params(("id" = i64, Path)), request_body = ProviderChanges,
    responses((status = 200, body = ProviderView), (status = 404), (status = 409),
        (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<ProviderChanges>,
) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(
        identity_providers::update(&ctx, &state.sealer, id, body).await?,
    ))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(show, update))
}
