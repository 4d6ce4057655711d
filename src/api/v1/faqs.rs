//! The knowledge base: FAQs (search, read, write, feedback), categories, suggestions while
//! filing and deflections; the search box over tickets and FAQs.

use axum::{
    Json,
    extract::{Path, Query},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        Paged,
        faqs::{
            self, FaqChanges, FaqFilter, FaqHit, FaqVersionView, FaqView, NewFaq,
            categories::{self, Category, NewCategory},
            deflection, feedback,
        },
        search::{self, SearchRequest, SearchResults},
    },
};

/// The FAQs the caller reads, filtered, sorted and paged. With `q` and no `sort`: an exact
/// error code first, then by relevance (title above body), each with a `snippet` whose hits are
/// in `<mark>`. With `format=csv` or `Accept: text/csv`, the whole list (same filters and
/// order) as CSV.
#[utoipa::path(get, path = "/api/v1/faqs", tag = "faqs", params(FaqFilter),
    responses((status = 200, description = "A page of FAQs; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<FaqHit> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<FaqFilter>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = faqs::export(ctx, filter).await?;
        return crate::http::csv_stream("faqs.csv", chunks);
    }
    Ok(Json(faqs::list(&ctx, &filter).await?).into_response())
}

/// Writes an FAQ (agents and coordinators of the offer; general ones: coordinators), as a
/// draft unless `status` says otherwise; `from_ticket` starts from a resolved ticket.
#[utoipa::path(post, path = "/api/v1/faqs", tag = "faqs", request_body = NewFaq,
    responses((status = 201, body = FaqView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    Json(body): Json<NewFaq>,
) -> Result<(StatusCode, Json<FaqView>), AppError> {
    Ok((StatusCode::CREATED, Json(faqs::create(&ctx, body).await?)))
}

/// One FAQ.
#[utoipa::path(get, path = "/api/v1/faqs/{id}", tag = "faqs",
    params(("id" = i64, Path, description = "FAQ id", minimum = 1)),
    responses((status = 200, body = FaqView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<FaqView>, AppError> {
    Ok(Json(faqs::get(&ctx, id).await?))
}

/// Changes an FAQ: a new version; 409 on a stale `revision`.
#[utoipa::path(patch, path = "/api/v1/faqs/{id}", tag = "faqs", request_body = FaqChanges,
    params(("id" = i64, Path, description = "FAQ id", minimum = 1)),
    responses((status = 200, body = FaqView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<FaqChanges>,
) -> Result<Json<FaqView>, AppError> {
    Ok(Json(faqs::update(&ctx, id, body).await?))
}

/// The versions of an FAQ the caller writes, newest first.
#[utoipa::path(get, path = "/api/v1/faqs/{id}/versions", tag = "faqs",
    params(("id" = i64, Path, description = "FAQ id", minimum = 1)),
    responses((status = 200, body = Vec<FaqVersionView>), (status = 404)), security(("bearer" = [])))]
pub async fn versions(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Vec<FaqVersionView>>, AppError> {
    faqs::get(&ctx, id).await?;
    Ok(Json(faqs::versions(&ctx, id).await?))
}

/// "Utile / pas utile".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"helpful": true}))]
pub struct Feedback {
    /// Whether the FAQ helped.
    pub helpful: bool,
}

/// Records (or changes) the caller's opinion of a published FAQ.
#[utoipa::path(post, path = "/api/v1/faqs/{id}/feedback", tag = "faqs", request_body = Feedback,
    params(("id" = i64, Path, description = "FAQ id", minimum = 1)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn give_feedback(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<Feedback>,
) -> Result<StatusCode, AppError> {
    feedback::give(&ctx, id, body.helpful).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The offer a filing was about.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"offer": "SMS-U"}))]
pub struct Deflection {
    /// Offer code.
    pub offer: String,
}

/// "Cela répond à ma question": the FAQ answered what the caller was about to file on the offer.
#[utoipa::path(post, path = "/api/v1/faqs/{id}/deflections", tag = "faqs", request_body = Deflection,
    params(("id" = i64, Path, description = "FAQ id", minimum = 1)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn deflect(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<Deflection>,
) -> Result<StatusCode, AppError> {
    let offer = faqs::offer_id(&ctx, &body.offer).await?;
    deflection::deflect(&ctx, id, offer).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What is being typed, on which offer.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Typing {
    /// Offer code.
    pub offer: String,
    /// The title so far.
    #[serde(default)]
    pub q: String,
}

/// The best published FAQs for a title being typed on an offer the caller files on (at most
/// five; the last word matches as a prefix). Showing them is counted for the deflection report.
#[utoipa::path(get, path = "/api/v1/faq-suggestions", tag = "faqs", params(Typing),
    responses((status = 200, body = Vec<FaqHit>), (status = 404)), security(("bearer" = [])))]
pub async fn suggestions(
    ctx: Ctx,
    Query(typing): Query<Typing>,
) -> Result<Json<Vec<FaqHit>>, AppError> {
    let offer = faqs::offer_id(&ctx, &typing.offer).await?;
    Ok(Json(deflection::suggest(&ctx, offer, &typing.q).await?))
}

/// The FAQ categories the caller reads.
#[utoipa::path(get, path = "/api/v1/faq-categories", tag = "faqs",
    responses((status = 200, body = Vec<Category>)), security(("bearer" = [])))]
pub async fn list_categories(ctx: Ctx) -> Result<Json<Vec<Category>>, AppError> {
    Ok(Json(categories::list(&ctx).await?))
}

/// Adds a category (coordinators of the offer's provider; general ones: any coordinator).
#[utoipa::path(post, path = "/api/v1/faq-categories", tag = "faqs", request_body = NewCategory,
    responses((status = 201, body = Category), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_category(
    ctx: Ctx,
    Json(body): Json<NewCategory>,
) -> Result<(StatusCode, Json<Category>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(categories::create(&ctx, body).await?),
    ))
}

/// Tickets and published FAQs the caller reads matching `q`: a ticket reference or an error
/// code exactly first, then by relevance. Private log text is searched only on tickets whose
/// provider's side the caller stands on, and never quoted.
#[utoipa::path(get, path = "/api/v1/search", tag = "faqs", params(SearchRequest),
    responses((status = 200, body = SearchResults), (status = 422)), security(("bearer" = [])))]
pub async fn search_everything(
    ctx: Ctx,
    Query(request): Query<SearchRequest>,
) -> Result<Json<SearchResults>, AppError> {
    Ok(Json(search::everything(&ctx, &request).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(versions))
        .routes(routes!(give_feedback))
        .routes(routes!(deflect))
        .routes(routes!(suggestions))
        .routes(routes!(list_categories, create_category))
        .routes(routes!(search_everything))
}
