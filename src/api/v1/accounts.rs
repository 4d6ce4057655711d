//! Accounts in the caller's scope.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        Paged,
        accounts::{self, AccountChanges, AccountDetail, AccountFilter, AccountView, NewAccount},
    },
    state::AppState,
};

/// The accounts the caller reads, filtered, sorted and paged; with `format=csv` or
/// `Accept: text/csv`, the whole list (same filters and order) as CSV. Neither holds a
/// password hash.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(AccountFilter),
    responses((status = 200, description = "A page of accounts; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<AccountView> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<AccountFilter>,
) -> Result<Response, AppError> {
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = accounts::export(ctx, &filter)?;
        return crate::http::csv_stream("accounts.csv", chunks);
    }
    Ok(Json(accounts::listed(&ctx, &filter).await?).into_response())
}

/// Creates an account in an organisation the caller manages and mails it a link to choose
/// its password.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = AccountDetail), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewAccount>,
) -> Result<(StatusCode, Json<AccountDetail>), AppError> {
    let created =
        accounts::create(&ctx, body, None, state.config.max_contacts_per_organisation).await?;
    accounts::send_reset(
        &ctx,
        &state.mailer,
        &state.config.base_url(),
        created.account.id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One account with its teams (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "account id", minimum = 1)),
    responses((status = 200, body = AccountDetail), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<AccountDetail>, AppError> {
    Ok(Json(accounts::get(&ctx, id).await?))
}

/// Changes an account the caller manages: name, language, roles, active.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "account id", minimum = 1)), request_body = AccountChanges,
    responses((status = 200, body = AccountDetail), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<AccountChanges>,
) -> Result<Json<AccountDetail>, AppError> {
    Ok(Json(
        accounts::update(&ctx, id, body, state.config.max_contacts_per_organisation).await?,
    ))
}

/// Mails a password reset link to an account the caller manages.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/password-reset", tag = "accounts",
    params(("id" = i64, Path, description = "account id", minimum = 1)),
    responses((status = 202), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn send_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    accounts::send_reset(&ctx, &state.mailer, &state.config.base_url(), id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(send_reset))
}
