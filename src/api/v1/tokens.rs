//! Personal API tokens of the caller.

use axum::{
    Json,
    extract::{Path, Query},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        PageRequest, Paged,
        tokens::{self, NewToken, TokenView},
    },
};

/// A token to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Export nocturne SMS-U", "expires_in_days": 30}))]
pub struct CreateToken {
    /// What it is for.
    name: String,
    /// Days of validity, 1 to 366 (default 90).
    #[serde(default = "ninety")]
    #[schema(minimum = 1, maximum = 366)]
    expires_in_days: i64,
}

fn ninety() -> i64 {
    90
}

/// The caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", params(PageRequest),
    responses((status = 200, body = Paged<TokenView>)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    Query(page): Query<PageRequest>,
) -> Result<Json<Paged<TokenView>>, AppError> {
    Ok(Json(tokens::list_own(&ctx, page).await?))
}

/// Creates a personal token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = CreateToken,
    responses((status = 201, body = NewToken), (status = 422)), security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<CreateToken>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let token = tokens::create(
        &ctx,
        ctx.caller().account_id,
        &body.name,
        // Beyond what a duration holds is beyond the limit too: the service refuses it.
        chrono::Duration::try_days(body.expires_in_days).unwrap_or(chrono::Duration::MAX),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Revokes one of the caller's tokens (404 for anyone else's).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "token id", minimum = 1)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn revoke(ctx: Ctx, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    tokens::revoke_own(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}
