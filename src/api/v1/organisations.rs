//! Organisations in the caller's scope.

use axum::{
    Json,
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        Paged,
        organisations::{
            self, NewOrganisation, OrganisationChanges, OrganisationFilter, OrganisationRow,
            OrganisationView,
        },
    },
};

/// The organisations the caller reads, filtered, sorted and paged; with `format=csv` or
/// `Accept: text/csv`, the whole list (same filters and order) as CSV.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    params(OrganisationFilter),
    responses((status = 200, description = "A page of organisations; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<OrganisationRow> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<OrganisationFilter>,
) -> Result<Response, AppError> {
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = organisations::export(ctx, &filter)?;
        return crate::http::csv_stream("organisations.csv", chunks);
    }
    Ok(Json(organisations::listed(&ctx, &filter).await?).into_response())
}

/// Creates an organisation under one the caller manages.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations",
    request_body = NewOrganisation,
    responses((status = 201, body = OrganisationView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<NewOrganisation>,
) -> Result<(StatusCode, Json<OrganisationView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(organisations::create(&ctx, body).await?),
    ))
}

/// One organisation (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = i64, Path, description = "organisation id", minimum = 1)),
    responses((status = 200, body = OrganisationView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<OrganisationView>, AppError> {
    Ok(Json(organisations::get(&ctx, id).await?))
}

/// Changes an organisation the caller manages (409 on a stale `revision`).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = i64, Path, description = "organisation id", minimum = 1)), request_body = OrganisationChanges,
    responses((status = 200, body = OrganisationView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<OrganisationChanges>,
) -> Result<Json<OrganisationView>, AppError> {
    Ok(Json(organisations::update(&ctx, id, body).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}
