//! Provider teams in the caller's scope, and their members.

use axum::{
    Json,
    extract::{Path, Query},
    http::StatusCode,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        PageRequest, Paged,
        teams::{self, NewTeam, TeamChanges, TeamDetail, TeamView},
    },
};

/// The teams the caller reads.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", params(PageRequest),
    responses((status = 200, body = Paged<TeamView>)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    Query(page): Query<PageRequest>,
) -> Result<Json<Paged<TeamView>>, AppError> {
    Ok(Json(teams::list(&ctx, page).await?))
}

/// Creates a team in an organisation the caller manages.
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", request_body = NewTeam,
    responses((status = 201, body = TeamDetail), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<NewTeam>,
) -> Result<(StatusCode, Json<TeamDetail>), AppError> {
    Ok((StatusCode::CREATED, Json(teams::create(&ctx, body).await?)))
}

/// One team with its members (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = i64, Path, description = "team id", minimum = 1)),
    responses((status = 200, body = TeamDetail), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<TeamDetail>, AppError> {
    Ok(Json(teams::get(&ctx, id).await?))
}

/// Renames a team the caller manages.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = i64, Path, description = "team id", minimum = 1)), request_body = TeamChanges,
    responses((status = 200, body = TeamDetail), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<TeamChanges>,
) -> Result<Json<TeamDetail>, AppError> {
    Ok(Json(teams::update(&ctx, id, body).await?))
}

/// Adds an account to a team the caller manages.
#[utoipa::path(put, path = "/api/v1/teams/{id}/members/{account_id}", tag = "teams",
    params(("id" = i64, Path, description = "team id", minimum = 1), ("account_id" = i64, Path, description = "account id", minimum = 1)),
    responses((status = 200, body = TeamDetail), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn add_member(
    ctx: Ctx,
    Path((id, account_id)): Path<(i64, i64)>,
) -> Result<Json<TeamDetail>, AppError> {
    Ok(Json(teams::add_member(&ctx, id, account_id).await?))
}

/// Removes an account from a team the caller manages.
#[utoipa::path(delete, path = "/api/v1/teams/{id}/members/{account_id}", tag = "teams",
    params(("id" = i64, Path, description = "team id", minimum = 1), ("account_id" = i64, Path, description = "account id", minimum = 1)),
    responses((status = 200, body = TeamDetail), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn remove_member(
    ctx: Ctx,
    Path((id, account_id)): Path<(i64, i64)>,
) -> Result<Json<TeamDetail>, AppError> {
    // Ids start at 1, as documented: no account has a smaller one to remove.
    if account_id < 1 {
        return Err(AppError::NotFound);
    }
    Ok(Json(teams::remove_member(&ctx, id, account_id).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(add_member, remove_member))
}
