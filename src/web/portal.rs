//! The contacts' portal: "New request" (browse or search the offers one may file on) and
//! "My conventions".

use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        Paged,
        catalogue::{
            conventions::{self, ConventionFilter, ConventionView},
            offers::{self, OfferFilter, OfferView, OrgRef},
        },
        listing::PagerView,
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

/// `portal/conventions.html`.
#[derive(Serialize)]
struct ConventionsPage {
    /// A page of conventions.
    list: Paged<ConventionView>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: ConventionFilter,
    /// The providers of the offers the contact reads, to filter by.
    providers: Vec<OrgRef>,
    /// The offers the contact reads, to filter by.
    offers: Vec<OfferView>,
}

/// `GET /portal/conventions`: the conventions that concern the contact's organisation, with
/// the desk list's filters, sort, pages and export (`format=csv`).
pub async fn conventions(
    ctx: Ctx,
    Query(filter): Query<ConventionFilter>,
) -> Result<Response, AppError> {
    if filter.format.as_deref() == Some("csv") {
        let chunks = conventions::export(ctx, filter).await?;
        return crate::http::csv_stream("conventions.csv", chunks);
    }
    let list = conventions::list(&ctx, &filter).await?;
    let offers = offers::list(
        &ctx,
        &OfferFilter {
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
            ..OfferFilter::default()
        },
    )
    .await?
    .items;
    let mut providers: Vec<OrgRef> = offers.iter().map(|o| o.provider.clone()).collect();
    providers.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    providers.dedup_by_key(|p| p.id);
    let pairs = filter.pairs();
    Ok(Page::new(
        "portal/conventions.html",
        ConventionsPage {
            pager: PagerView::new(&list, &pairs, "end"),
            list,
            f: filter,
            providers,
            offers,
        },
    )
    .into_response())
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
