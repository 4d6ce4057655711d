//! The contacts' portal: "New request" (browse or search the offers one may file on) and
//! "My conventions".

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    db::Ctx,
    error::AppError,
    services::catalogue::{
        conventions::{self, ConventionFilter},
        offers::{self, OfferFilter},
    },
    state::AppState,
    view::Page,
};

/// Query of the "New request" page.
#[derive(Deserialize)]
pub struct Search {
    q: Option<String>,
}

/// `GET /portal/new`: the offers the contact may file on, each with its subcategories.
pub async fn new_request(ctx: Ctx, Query(search): Query<Search>) -> Result<Page, AppError> {
    offers_to_file_on(&ctx, search, "/portal").await
}

/// `GET /desk/new`: the offers an agent files on for a contact.
pub async fn desk_new_request(ctx: Ctx, Query(search): Query<Search>) -> Result<Page, AppError> {
    offers_to_file_on(&ctx, search, "/desk").await
}

async fn offers_to_file_on(ctx: &Ctx, search: Search, base: &str) -> Result<Page, AppError> {
    let filter = OfferFilter {
        q: search.q.clone(),
        page: Some(1),
        per_page: Some(crate::services::MAX_PER_PAGE),
        ..OfferFilter::default()
    };
    let offers = offers::list(ctx, &filter).await?;
    // Each offer's status, and first of all its ongoing major incident, which one joins
    // rather than filing the same outage again.
    let statuses: std::collections::HashMap<String, _> = crate::services::status::board(ctx)
        .await?
        .into_iter()
        .map(|s| (s.code.clone(), s))
        .collect();
    Ok(Page::new(
        "portal/new_request.html",
        json!({ "offers": offers, "q": search.q, "base": base, "statuses": statuses }),
    ))
}

/// `GET /portal/conventions`: the conventions that concern the contact's organisation.
pub async fn conventions(ctx: Ctx) -> Result<Page, AppError> {
    let list = conventions::list(
        &ctx,
        &ConventionFilter {
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
            ..ConventionFilter::default()
        },
    )
    .await?;
    Ok(Page::new(
        "portal/conventions.html",
        json!({ "list": list }),
    ))
}

/// `GET /attachments/{id}`: a document whose owner the visitor reads.
pub async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (row, bytes) =
        crate::services::catalogue::attachments::open(&ctx, &state.config.data_dir, id).await?;
    crate::http::download(&row, bytes)
}
