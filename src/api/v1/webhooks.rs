//! Webhooks: endpoints of an organisation, their delivery log, and "send again".

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::webhooks::{self, DeliveryView, EndpointInput, EndpointView},
    state::AppState,
};

/// The endpoints the caller manages (administrators: all; coordinators: their subtree's).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<EndpointView>)), security(("bearer" = [])))]
pub async fn list(ctx: Ctx) -> Result<Json<Vec<EndpointView>>, AppError> {
    Ok(Json(webhooks::list(&ctx).await?))
}

/// Registers an endpoint; the answer carries its signing secret, shown this once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = EndpointInput,
    responses((status = 201, body = EndpointView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    State(state): State<AppState>,
    Json(body): Json<EndpointInput>,
) -> Result<(StatusCode, Json<EndpointView>), AppError> {
    let created = webhooks::create(&ctx, body, state.config.webhook_allow_loopback_http).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Deletes an endpoint and its delivery log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "endpoint id")),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(ctx: Ctx, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    webhooks::remove(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An endpoint's latest deliveries, each with its attempts (status, duration, answer).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "endpoint id")),
    responses((status = 200, body = Vec<DeliveryView>), (status = 404)), security(("bearer" = [])))]
pub async fn deliveries(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Vec<DeliveryView>>, AppError> {
    Ok(Json(webhooks::deliveries(&ctx, id).await?))
}

/// Sends a delivery again, under the same `webhook-id`.
#[utoipa::path(post, path = "/api/v1/webhook-deliveries/{id}/resend", tag = "webhooks",
    params(("id" = i64, Path, description = "delivery id")),
    responses((status = 202, body = DeliveryView), (status = 404)), security(("bearer" = [])))]
pub async fn resend(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<DeliveryView>), AppError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(webhooks::resend(&ctx, id).await?),
    ))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(delete))
        .routes(routes!(deliveries))
        .routes(routes!(resend))
}
