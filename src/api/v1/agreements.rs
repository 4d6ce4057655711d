//! Conventions, their documents, and SLAs.

use axum::{
    Json,
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    quota::CreationQuota,
    services::{
        Paged,
        catalogue::{
            attachments::{self, AttachmentView, Upload},
            conventions::{self, ConventionFilter, ConventionInput, ConventionView},
            slas::{self, SlaFilter, SlaInput, SlaRow, SlaView},
            what_if::{self, WhatIfInput, WhatIfView},
        },
    },
    state::AppState,
};

/// The conventions the caller reads, filtered, sorted and paged; with `format=csv` or
/// `Accept: text/csv`, the whole list (same filters and order) as CSV.
#[utoipa::path(get, path = "/api/v1/conventions", tag = "agreements", params(ConventionFilter),
    responses((status = 200, description = "A page of conventions; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<ConventionView> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<ConventionFilter>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = conventions::export(ctx, filter).await?;
        return crate::http::csv_stream("conventions.csv", chunks);
    }
    Ok(Json(conventions::list(&ctx, &filter).await?).into_response())
}

/// Creates a convention of a provider the caller manages.
#[utoipa::path(post, path = "/api/v1/conventions", tag = "agreements", request_body = ConventionInput,
    responses((status = 201, body = ConventionView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<ConventionInput>,
) -> Result<(StatusCode, Json<ConventionView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(conventions::create(&ctx, body).await?),
    ))
}

/// One convention (404 outside the caller's reach).
#[utoipa::path(get, path = "/api/v1/conventions/{id}", tag = "agreements",
    params(("id" = i64, Path, description = "convention id", minimum = 1)),
    responses((status = 200, body = ConventionView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ConventionView>, AppError> {
    Ok(Json(conventions::get(&ctx, id).await?))
}

/// Replaces a convention's content (send `revision`).
#[utoipa::path(put, path = "/api/v1/conventions/{id}", tag = "agreements",
    params(("id" = i64, Path, description = "convention id", minimum = 1)),
    request_body(content = ConventionInput, example = json!({"revision": 1, "kind": "usage", "title": "Convention d'usage EVA, Université Rennes 2", "client_id": 7, "provider_id": 4, "offers": ["EVA"], "status": "production", "start_date": "2027-01-01", "end_date": "2030-08-31", "description": "Usage d'EVA prolongé jusqu'à la fin de l'année universitaire 2029-2030.", "sla_id": 3, "open_ticket_cap": 25, "fee_group": "B", "yearly_amount_cents": 250000})),
    responses((status = 200, body = ConventionView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn replace(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<ConventionInput>,
) -> Result<Json<ConventionView>, AppError> {
    Ok(Json(conventions::replace(&ctx, id, body).await?))
}

/// The revision read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ConventionRevision)]
#[schema(example = json!({"revision": 1}))]
pub struct Revision {
    /// The revision read.
    revision: i32,
}

/// Ends a convention in production early.
#[utoipa::path(post, path = "/api/v1/conventions/{id}/actions/terminate", tag = "agreements",
    params(("id" = i64, Path, description = "convention id", minimum = 1)), request_body = Revision,
    responses((status = 200, body = ConventionView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn terminate(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<Revision>,
) -> Result<Json<ConventionView>, AppError> {
    Ok(Json(conventions::terminate(&ctx, id, body.revision).await?))
}

/// Reads the `file` part of a multipart body.
pub async fn file_part(mut multipart: Multipart) -> Result<Upload, AppError> {
    while let Some(field) = multipart.next_field().await? {
        if field.name() == Some("file") {
            let file_name = field.file_name().unwrap_or("fichier").to_owned();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = field.bytes().await?.to_vec();
            return Ok(Upload {
                file_name,
                content_type,
                bytes,
            });
        }
    }
    Err(AppError::field_message("file", "field-required", vec![]))
}

/// Attaches a document (multipart field `file`) to a convention the caller manages.
#[utoipa::path(post, path = "/api/v1/conventions/{id}/documents", tag = "agreements",
    params(("id" = i64, Path, description = "convention id", minimum = 1)),
    request_body(content_type = "multipart/form-data", content = crate::api::document::FileUpload, description = "a `file` part"),
    responses((status = 201, body = AttachmentView), (status = 403), (status = 404), (status = 422), (status = 413), (status = 429)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    _quota: CreationQuota,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<AttachmentView>), AppError> {
    conventions::managed(&ctx, id).await?;
    let upload = file_part(multipart).await?;
    let stored = attachments::store(
        &ctx,
        &state.config.data_dir,
        entity::attachment::OwnerKind::Convention,
        id,
        upload,
        state.config.attachment_max_bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Downloads an attachment whose owner the caller reads.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "agreements",
    params(("id" = i64, Path, description = "attachment id", minimum = 1)),
    responses((status = 200, description = "the file, as an attachment"), (status = 404)),
    security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (row, bytes) = attachments::open(&ctx, &state.config.data_dir, id).await?;
    crate::http::download(&row, bytes)
}

/// The SLAs the caller reads, filtered, sorted and paged; with `format=csv` or
/// `Accept: text/csv`, the whole list (same filters and order) as CSV.
#[utoipa::path(get, path = "/api/v1/slas", tag = "agreements", params(SlaFilter),
    responses((status = 200, description = "A page of SLAs; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<SlaRow> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list_slas(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<SlaFilter>,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = slas::export(ctx, &filter)?;
        return crate::http::csv_stream("slas.csv", chunks);
    }
    Ok(Json(slas::listed(&ctx, &filter).await?).into_response())
}

/// Creates an SLA for a provider the caller manages.
#[utoipa::path(post, path = "/api/v1/slas", tag = "agreements", request_body = SlaInput,
    responses((status = 201, body = SlaView), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_sla(
    ctx: Ctx,
    Json(body): Json<SlaInput>,
) -> Result<(StatusCode, Json<SlaView>), AppError> {
    Ok((StatusCode::CREATED, Json(slas::create(&ctx, body).await?)))
}

/// One SLA: readable by its provider's staff and by the contacts it applies to.
#[utoipa::path(get, path = "/api/v1/slas/{id}", tag = "agreements",
    params(("id" = i64, Path, description = "SLA id", minimum = 1)),
    responses((status = 200, body = SlaView), (status = 404)), security(("bearer" = [])))]
pub async fn get_sla(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<SlaView>, AppError> {
    Ok(Json(slas::get(&ctx, id).await?))
}

/// Replaces an SLA's content (send `revision`).
#[utoipa::path(put, path = "/api/v1/slas/{id}", tag = "agreements",
    params(("id" = i64, Path, description = "SLA id", minimum = 1)),
    request_body(content = SlaInput, example = json!({"revision": 1, "name": "SLA EVA renforcé", "provider_id": 4, "targets": [{"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 20}, {"kind": "incident", "priority": "critical", "metric": "ttr", "minutes": 240}], "coverage_window": {"time_zone": "Europe/Paris", "intervals": [{"weekday": 0, "start": "08:00", "end": "18:30"}, {"weekday": 1, "start": "08:00", "end": "18:30"}, {"weekday": 2, "start": "08:00", "end": "18:30"}, {"weekday": 3, "start": "08:00", "end": "18:30"}, {"weekday": 4, "start": "08:00", "end": "18:30"}], "public_holidays": "alsace_moselle", "holidays": []}})),
    responses((status = 200, body = SlaView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn replace_sla(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<SlaInput>,
) -> Result<Json<SlaView>, AppError> {
    Ok(Json(slas::replace(&ctx, id, body).await?))
}

/// What if: the deadlines and 75 % instants a saved SLA gives a ticket started at `start`, of
/// `kind` and `priority`, waiting during `pauses` (which move time to resolve only), with the
/// business minutes per local day and the explanation a ticket's page gives. For the SLA's
/// provider's coordinators and the administrators; 404 for anyone else.
#[utoipa::path(post, path = "/api/v1/slas/{id}/simulate", tag = "agreements",
    params(("id" = i64, Path, description = "SLA id", minimum = 1)),
    request_body(content = WhatIfInput, example = json!({"start": "2030-01-14T16:30:00Z", "kind": "incident", "priority": "high", "pauses": [{"from": "2030-01-15T09:00:00Z", "to": "2030-01-15T11:00:00Z"}]})),
    responses((status = 200, body = WhatIfView), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn simulate_sla(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<WhatIfInput>,
) -> Result<Json<WhatIfView>, AppError> {
    Ok(Json(what_if::saved(&ctx, id, &body).await?))
}

/// What if, for an SLA being edited before it is saved: the same question with the SLA's
/// `targets` and `coverage_window` in `sla`. For those who manage SLAs; 404 for anyone else.
#[utoipa::path(post, path = "/api/v1/slas/simulate", tag = "agreements", request_body = WhatIfInput,
    responses((status = 200, body = WhatIfView), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn simulate_draft(
    ctx: Ctx,
    Json(body): Json<WhatIfInput>,
) -> Result<Json<WhatIfView>, AppError> {
    Ok(Json(what_if::draft(ctx.scope(), &body)?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, replace))
        .routes(routes!(terminate))
        .routes(routes!(upload))
        .routes(routes!(download))
        .routes(routes!(list_slas, create_sla))
        .routes(routes!(get_sla, replace_sla))
        .routes(routes!(simulate_sla))
        .routes(routes!(simulate_draft))
}
