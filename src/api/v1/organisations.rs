//! Organisations in the caller's scope.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::ApiCaller,
    db::Scoped,
    error::AppError,
    services::{
        PageRequest, Paged,
        organisations::{self, NewOrganisation, OrganisationChanges, OrganisationView},
    },
    state::AppState,
};

/// The organisations the caller reads.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(PageRequest),
    responses((status = 200, body = Paged<OrganisationView>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(page): Query<PageRequest>,
) -> Result<Json<Paged<OrganisationView>>, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    Ok(Json(organisations::list(&db, page).await?))
}

/// Creates an organisation under one the caller manages.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations",
    request_body = NewOrganisation,
    responses((status = 201, body = OrganisationView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Json(body): Json<NewOrganisation>,
) -> Result<(StatusCode, Json<OrganisationView>), AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    Ok((
        StatusCode::CREATED,
        Json(organisations::create(&db, body).await?),
    ))
}

/// One organisation (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrganisationView), (status = 404)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<OrganisationView>, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    Ok(Json(organisations::get(&db, id).await?))
}

/// Changes an organisation the caller manages (409 on a stale `revision`).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = i64, Path, description = "organisation id")), request_body = OrganisationChanges,
    responses((status = 200, body = OrganisationView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<OrganisationChanges>,
) -> Result<Json<OrganisationView>, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    Ok(Json(organisations::update(&db, id, body).await?))
}

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}
