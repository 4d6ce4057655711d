//! Service status: the offers' status board, setting an offer's status from its provider side,
//! its history and availability, major incidents (declare, join) and maintenance windows.

use axum::{
    Json,
    extract::{Path, Query},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        status::{
            self, MonthAvailability, OfferStatus, StatusInput, StatusPeriod,
            feed::{self, FeedLink},
            maintenance::{self, NewWindow, WindowEdit, WindowView},
            major::{self, Affected, LinkInput, MajorView, OpenMajor},
        },
        tickets::TicketView,
    },
};

/// The status of every offer the caller subscribes to or provides.
#[utoipa::path(get, path = "/api/v1/status", tag = "status",
    responses((status = 200, body = Vec<OfferStatus>)), security(("bearer" = [])))]
pub async fn board(ctx: Ctx) -> Result<Json<Vec<OfferStatus>>, AppError> {
    Ok(Json(status::board(&ctx).await?))
}

/// One offer's status (404 outside the caller's reach).
#[utoipa::path(get, path = "/api/v1/offers/{code}/status", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = OfferStatus), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(code): Path<String>) -> Result<Json<OfferStatus>, AppError> {
    Ok(Json(status::of_offer(&ctx, &code).await?))
}

/// Sets an offer's status with a public message; the offer's provider side only (agents of the
/// teams that deliver it, coordinators of its provider). Every subscriber contact is told once.
#[utoipa::path(put, path = "/api/v1/offers/{code}/status", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")), request_body = StatusInput,
    responses((status = 200, body = OfferStatus), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn put(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<StatusInput>,
) -> Result<Json<OfferStatus>, AppError> {
    Ok(Json(status::set(&ctx, &code, body).await?))
}

/// An offer's status history, newest first.
#[utoipa::path(get, path = "/api/v1/offers/{code}/status/history", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = Vec<StatusPeriod>), (status = 404)), security(("bearer" = [])))]
pub async fn history(
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<Vec<StatusPeriod>>, AppError> {
    Ok(Json(status::history(&ctx, &code).await?))
}

/// How many months of availability to answer.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Months {
    /// Months back from the current one, 1 to 24 (default 3).
    pub months: Option<u32>,
}

/// Minutes in each status per month, and the availability they give.
#[utoipa::path(get, path = "/api/v1/offers/{code}/availability", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$"), Months),
    responses((status = 200, body = Vec<MonthAvailability>), (status = 404)),
    security(("bearer" = [])))]
pub async fn availability(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(months): Query<Months>,
) -> Result<Json<Vec<MonthAvailability>>, AppError> {
    Ok(Json(
        status::availability(&ctx, &code, months.months.unwrap_or(3)).await?,
    ))
}

/// Declares an open incident major: it becomes the master that establishments join.
#[utoipa::path(post, path = "/api/v1/tickets/{ref}/major", tag = "status",
    params(("ref" = String, Path, description = "the master incident's reference", pattern = "^[IR]-[0-9]{6,}$")),
    responses((status = 201, body = MajorView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn declare(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<(StatusCode, Json<MajorView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(major::declare(&ctx, &reference).await?),
    ))
}

/// Opens a major incident on an offer (its provider side): files the master incident (for the
/// subscriber's contact named, or the caller) and declares it major in one transaction; every
/// subscriber contact is told once.
#[utoipa::path(post, path = "/api/v1/offers/{code}/major-incidents", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")), request_body = OpenMajor,
    responses((status = 201, body = MajorView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn open(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<OpenMajor>,
) -> Result<(StatusCode, Json<MajorView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(major::open(&ctx, &code, body).await?),
    ))
}

/// Joins a major incident for the caller's establishment: answers its child incident (the
/// existing one when it joined already).
#[utoipa::path(post, path = "/api/v1/major-incidents/{id}/join", tag = "status",
    params(("id" = i64, Path, description = "major incident id", minimum = 1)),
    responses((status = 200, body = TicketView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn join(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<TicketView>, AppError> {
    Ok(Json(major::join(&ctx, id).await?))
}

/// Links an establishment's open incident of the same offer to a major incident (the offer's
/// provider side): the establishment becomes affected, as if it had joined (once: 409 when it is
/// already).
#[utoipa::path(post, path = "/api/v1/major-incidents/{id}/members", tag = "status",
    params(("id" = i64, Path, description = "major incident id")), request_body = LinkInput,
    responses((status = 201, body = Affected), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn link(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<LinkInput>,
) -> Result<(StatusCode, Json<Affected>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(major::link(&ctx, id, body).await?),
    ))
}

/// The establishments affected by a major incident, in the order they joined: all of them for
/// the offer's provider side, one's own for an establishment.
#[utoipa::path(get, path = "/api/v1/major-incidents/{id}/members", tag = "status",
    params(("id" = i64, Path, description = "major incident id")),
    responses((status = 200, body = Vec<Affected>), (status = 404)), security(("bearer" = [])))]
pub async fn members(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Vec<Affected>>, AppError> {
    Ok(Json(major::members(&ctx, id).await?))
}

/// Publishes a maintenance window on an offer (provider side); subscribers are told now, the
/// day before, at its start and at its end.
#[utoipa::path(post, path = "/api/v1/offers/{code}/maintenance", tag = "status",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")), request_body = NewWindow,
    responses((status = 201, body = WindowView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn publish(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<NewWindow>,
) -> Result<(StatusCode, Json<WindowView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(maintenance::publish(&ctx, &code, body).await?),
    ))
}

/// Edits a maintenance window that has not started (provider side), at the revision read (409
/// when stale or started); subscribers are told of the change once.
#[utoipa::path(patch, path = "/api/v1/maintenance-windows/{id}", tag = "status",
    params(("id" = i64, Path, description = "maintenance window id", minimum = 1)), request_body = WindowEdit,
    responses((status = 200, body = WindowView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn edit_window(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<WindowEdit>,
) -> Result<Json<WindowView>, AppError> {
    Ok(Json(maintenance::edit(&ctx, id, body).await?))
}

/// Cancels a maintenance window before or during it (provider side): the job no longer moves it
/// on, a window under way ends now (the offer's former status comes back), and subscribers are
/// told once. Answers the cancelled window; 409 when it is over or was cancelled meanwhile.
#[utoipa::path(delete, path = "/api/v1/maintenance-windows/{id}", tag = "status",
    params(("id" = i64, Path, description = "maintenance window id", minimum = 1)),
    responses((status = 200, body = WindowView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn cancel_window(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<WindowView>, AppError> {
    Ok(Json(maintenance::cancel(&ctx, id).await?))
}

/// Makes the caller's personal feed token, replacing the one it had (whose address stops
/// working): the feed at the answered path lists the status changes, major incidents and
/// maintenance of the offers the caller reads. The token is shown this once.
#[utoipa::path(post, path = "/api/v1/status/feed-token", tag = "status",
    responses((status = 201, body = FeedLink), (status = 409)), security(("bearer" = [])))]
pub async fn make_feed_token(ctx: Ctx) -> Result<(StatusCode, Json<FeedLink>), AppError> {
    Ok((StatusCode::CREATED, Json(feed::regenerate(&ctx).await?)))
}

/// Removes the caller's feed token: its feed address stops working.
#[utoipa::path(delete, path = "/api/v1/status/feed-token", tag = "status",
    responses((status = 204)), security(("bearer" = [])))]
pub async fn remove_feed_token(ctx: Ctx) -> Result<StatusCode, AppError> {
    feed::remove(&ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(board))
        .routes(routes!(get, put))
        .routes(routes!(history))
        .routes(routes!(availability))
        .routes(routes!(declare))
        .routes(routes!(open))
        .routes(routes!(join))
        .routes(routes!(members, link))
        .routes(routes!(publish))
        .routes(routes!(edit_window, cancel_window))
        .routes(routes!(make_feed_token, remove_feed_token))
}
