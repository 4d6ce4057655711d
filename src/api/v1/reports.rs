//! Reports: service levels, deflection, volumes, times, satisfaction, the evolution pipeline
//! and the offers' availability. Each answers JSON rows, or the report's table as CSV with `?format=csv` or
//! `Accept: text/csv` (the same file as the desk page's).

use axum::{
    Json,
    extract::{Path, Query},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        faqs::deflection::{self, DeflectionRow},
        reports::{
            self, ReportFilter, SlaReportRow,
            pipeline::{self, PipelineRow},
            satisfaction::{self, SatisfactionRow},
            table::Table,
            times::{self, TimesRow},
            volumes::{self, Dimension, VolumeRow},
        },
        status::availability::{self, OfferAvailability},
    },
};

/// The rows as JSON, or the table as CSV when the request asks for it.
fn answer<T: Serialize>(
    ctx: &Ctx,
    headers: &HeaderMap,
    filter: &ReportFilter,
    name: &str,
    rows: Vec<T>,
    table: impl FnOnce(&[T]) -> Table,
) -> Result<Response, AppError> {
    if crate::http::wants_csv(headers, filter.format.as_deref()) {
        let bytes = table(&rows).csv(ctx.caller().language, filter.sep.as_deref())?;
        return crate::http::csv_document(&format!("{name}.csv"), bytes);
    }
    Ok(Json(rows).into_response())
}

/// TTO and TTR met (%) and mean business times, by offer and month of filing (Paris months),
/// over the tickets the caller reads.
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<SlaReportRow> = "application/json"), (String = "text/csv"))), (status = 422)),
    security(("bearer" = [])))]
pub async fn sla(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = reports::sla(&ctx, &filter).await?;
    answer(&ctx, &headers, &filter, "sla", rows, reports::sla_table)
}

/// Suggestions shown, deflections and tickets filed after suggestions, by offer and month, for
/// the offers the caller provides.
#[utoipa::path(get, path = "/api/v1/reports/deflection", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<DeflectionRow> = "application/json"), (String = "text/csv"))), (status = 422)),
    security(("bearer" = [])))]
pub async fn deflection_report(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = deflection::report(&ctx, &filter).await?;
    answer(
        &ctx,
        &headers,
        &filter,
        "deflection",
        rows,
        deflection::table,
    )
}

/// Tickets filed in the period by `offer`, `subcategory`, `organisation` or `month`, with
/// incidents, requests and those still open; each row links to the ticket list it counts.
/// Coordinators and administrators, within their scope.
#[utoipa::path(get, path = "/api/v1/reports/volumes/{by}", tag = "reports",
    params(("by" = String, Path, description = "offer, subcategory, organisation or month"), ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<VolumeRow> = "application/json"), (String = "text/csv"))), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn volumes(
    ctx: Ctx,
    headers: HeaderMap,
    Path(by): Path<String>,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let by = Dimension::parse(&by)?;
    let rows = volumes::volumes(&ctx, &filter, by).await?;
    let name = format!("volumes-{}", by.as_str());
    answer(&ctx, &headers, &filter, &name, rows, |rows| {
        volumes::table(rows, by)
    })
}

/// Mean and 90th-percentile business minutes to own and to resolve, by offer, over the tickets
/// filed in the period. Coordinators and administrators, within their scope.
#[utoipa::path(get, path = "/api/v1/reports/times", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<TimesRow> = "application/json"), (String = "text/csv"))), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn times(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = times::times(&ctx, &filter).await?;
    answer(&ctx, &headers, &filter, "times", rows, times::table)
}

/// Ratings (1 very satisfied to 4 dissatisfied) by offer, over the tickets filed in the period.
/// Coordinators and administrators, within their scope.
#[utoipa::path(get, path = "/api/v1/reports/satisfaction", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<SatisfactionRow> = "application/json"), (String = "text/csv"))), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn satisfaction(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = satisfaction::satisfaction(&ctx, &filter).await?;
    answer(
        &ctx,
        &headers,
        &filter,
        "satisfaction",
        rows,
        satisfaction::table,
    )
}

/// Evolution requests by offer and state, as they stand (the period does not apply).
/// Coordinators and administrators, within their scope.
#[utoipa::path(get, path = "/api/v1/reports/pipeline", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Rows; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<PipelineRow> = "application/json"), (String = "text/csv"))), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn pipeline(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = pipeline::pipeline(&ctx, &filter).await?;
    answer(&ctx, &headers, &filter, "pipeline", rows, pipeline::table)
}

/// Minutes in each status per offer and month (Paris months, the current one up to now), in
/// real time and in the business time of the offer's provider SLA, for the offers the caller
/// provides (coordinators, administrators; an offer named outside them is 404). CSV: one row
/// per offer, month and measure.
#[utoipa::path(get, path = "/api/v1/reports/availability", tag = "reports", params(ReportFilter),
    responses((status = 200, description = "Offers and months; with format=csv or Accept: text/csv, the table as CSV",
        content((Vec<OfferAvailability> = "application/json"), (String = "text/csv"))), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn availability_report(
    ctx: Ctx,
    headers: HeaderMap,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = availability::report(&ctx, &filter).await?;
    answer(
        &ctx,
        &headers,
        &filter,
        "availability",
        rows,
        availability::table,
    )
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(sla))
        .routes(routes!(deflection_report))
        .routes(routes!(volumes))
        .routes(routes!(times))
        .routes(routes!(satisfaction))
        .routes(routes!(pipeline))
        .routes(routes!(availability_report))
}
