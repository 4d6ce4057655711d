//! Offers, their subcategories, and the filing rule.

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
        Paged,
        catalogue::{
            filing::{self, Allowed},
            offers::{
                self, NewOffer, NewSubcategory, OfferChanges, OfferFilter, OfferView,
                SubcategoryChanges, SubcategoryView,
            },
        },
    },
};

/// The offers the caller reads (for a contact, those its organisation may file on), filtered,
/// sorted and paged; with `format=csv` or `Accept: text/csv`, the whole list (same filters and
/// order) as CSV.
#[utoipa::path(get, path = "/api/v1/offers", tag = "catalogue", params(OfferFilter),
    responses((status = 200, description = "A page of offers; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<OfferView> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<OfferFilter>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = offers::export(ctx, filter).await?;
        return crate::http::csv_stream("offers.csv", chunks);
    }
    Ok(Json(offers::list(&ctx, &filter).await?).into_response())
}

/// Creates an offer of a provider the caller manages.
#[utoipa::path(post, path = "/api/v1/offers", tag = "catalogue", request_body = NewOffer,
    responses((status = 201, body = OfferView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<NewOffer>,
) -> Result<(StatusCode, Json<OfferView>), AppError> {
    Ok((StatusCode::CREATED, Json(offers::create(&ctx, body).await?)))
}

/// One offer by code (404 outside the caller's reach).
#[utoipa::path(get, path = "/api/v1/offers/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = OfferView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(code): Path<String>) -> Result<Json<OfferView>, AppError> {
    Ok(Json(offers::get(&ctx, &code).await?))
}

/// Changes an offer the caller manages.
#[utoipa::path(patch, path = "/api/v1/offers/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")), request_body = OfferChanges,
    responses((status = 200, body = OfferView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<OfferChanges>,
) -> Result<Json<OfferView>, AppError> {
    Ok(Json(offers::update(&ctx, &code, body).await?))
}

/// Adds a subcategory to an offer the caller manages.
#[utoipa::path(post, path = "/api/v1/offers/{code}/subcategories", tag = "catalogue",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")), request_body = NewSubcategory,
    responses((status = 201, body = SubcategoryView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn add_subcategory(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<NewSubcategory>,
) -> Result<(StatusCode, Json<SubcategoryView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(offers::add_subcategory(&ctx, &code, body).await?),
    ))
}

/// One subcategory (404 outside the caller's reach).
#[utoipa::path(get, path = "/api/v1/subcategories/{id}", tag = "catalogue",
    params(("id" = i64, Path, description = "subcategory id", minimum = 1)),
    responses((status = 200, body = SubcategoryView), (status = 404)), security(("bearer" = [])))]
pub async fn get_subcategory(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<SubcategoryView>, AppError> {
    Ok(Json(offers::subcategory(&ctx, id).await?))
}

/// Changes a subcategory of an offer the caller manages.
#[utoipa::path(patch, path = "/api/v1/subcategories/{id}", tag = "catalogue",
    params(("id" = i64, Path, description = "subcategory id", minimum = 1)), request_body = SubcategoryChanges,
    responses((status = 200, body = SubcategoryView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_subcategory(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<SubcategoryChanges>,
) -> Result<Json<SubcategoryView>, AppError> {
    Ok(Json(offers::update_subcategory(&ctx, id, body).await?))
}

/// Whether the caller's organisation may file on this subcategory today: 200 with the
/// convention it falls under, or 422 saying which convention is missing or full.
#[utoipa::path(get, path = "/api/v1/subcategories/{id}/filing", tag = "catalogue",
    params(("id" = i64, Path, description = "subcategory id", minimum = 1)),
    responses((status = 200, body = Allowed), (status = 404), (status = 422, description = "refused, with the reason")),
    security(("bearer" = [])))]
pub async fn filing_check(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Allowed>, AppError> {
    Ok(Json(filing::check(&ctx, id).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(add_subcategory))
        .routes(routes!(get_subcategory, update_subcategory))
        .routes(routes!(filing_check))
}
