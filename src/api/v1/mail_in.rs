//! Mail in: the address at which an offer takes in new requests by e-mail.

use axum::{Json, extract::Path, http::StatusCode};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::mail_in::address::{self, MailAddressInput, MailAddressView},
};

/// An offer's mail address; 404 when the offer takes no mail or is out of reach.
#[utoipa::path(get, path = "/api/v1/offers/{code}/mail-address", tag = "mail",
    params(("code" = String, Path, description = "offer code")),
    responses((status = 200, body = MailAddressView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(code): Path<String>) -> Result<Json<MailAddressView>, AppError> {
    address::get(&ctx, &code)
        .await?
        .map(Json)
        .ok_or_else(|| crate::services::error::ServiceError::NotFound.into())
}

/// Sets an offer's mail address and the subcategory new mails are filed in (provider side).
#[utoipa::path(put, path = "/api/v1/offers/{code}/mail-address", tag = "mail",
    params(("code" = String, Path, description = "offer code")), request_body = MailAddressInput,
    responses((status = 200, body = MailAddressView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn put(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<MailAddressInput>,
) -> Result<Json<MailAddressView>, AppError> {
    Ok(Json(address::set(&ctx, &code, body).await?))
}

/// Stops an offer from taking mail (provider side).
#[utoipa::path(delete, path = "/api/v1/offers/{code}/mail-address", tag = "mail",
    params(("code" = String, Path, description = "offer code")),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn delete(ctx: Ctx, Path(code): Path<String>) -> Result<StatusCode, AppError> {
    address::remove(&ctx, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(get, put, delete))
}
