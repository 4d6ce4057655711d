//! IMAP mailboxes read by the collector: administrators and coordinators; the password is
//! written, never read back.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::mailboxes::{self, MailboxInput, MailboxView},
    state::AppState,
};

/// The mailboxes the caller manages.
#[utoipa::path(get, path = "/api/v1/mailboxes", tag = "mailboxes",
    responses((status = 200, body = Vec<MailboxView>), (status = 403)), security(("bearer" = [])))]
pub async fn list(ctx: Ctx) -> Result<Json<Vec<MailboxView>>, AppError> {
    Ok(Json(mailboxes::list(&ctx).await?))
}

/// Adds a mailbox; its password is sealed and never read back.
#[utoipa::path(post, path = "/api/v1/mailboxes", tag = "mailboxes", request_body = MailboxInput,
    responses((status = 201, body = MailboxView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    State(state): State<AppState>,
    Json(body): Json<MailboxInput>,
) -> Result<(StatusCode, Json<MailboxView>), AppError> {
    let created = mailboxes::create(&ctx, &state.sealer, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One mailbox.
#[utoipa::path(get, path = "/api/v1/mailboxes/{id}", tag = "mailboxes",
    params(("id" = i64, Path, description = "mailbox id")),
    responses((status = 200, body = MailboxView), (status = 404)), security(("bearer" = [])))]
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<MailboxView>, AppError> {
    Ok(Json(mailboxes::get(&ctx, id).await?))
}

/// Changes a mailbox (with the revision read); no password or an empty one keeps it.
#[utoipa::path(put, path = "/api/v1/mailboxes/{id}", tag = "mailboxes", request_body = MailboxInput,
    params(("id" = i64, Path, description = "mailbox id")),
    responses((status = 200, body = MailboxView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<MailboxInput>,
) -> Result<Json<MailboxView>, AppError> {
    Ok(Json(
        mailboxes::update(&ctx, &state.sealer, id, body).await?,
    ))
}

/// Deletes a mailbox (its messages stay on the server).
#[utoipa::path(delete, path = "/api/v1/mailboxes/{id}", tag = "mailboxes",
    params(("id" = i64, Path, description = "mailbox id")),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(ctx: Ctx, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    mailboxes::remove(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(show, update, delete))
}
