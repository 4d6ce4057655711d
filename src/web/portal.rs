//! The contacts' portal: "New request" (browse or search the offers one may file on) and
//! "My conventions".

use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::Signed,
    db::Scoped,
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
pub async fn new_request(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(search): Query<Search>,
) -> Result<Page, AppError> {
    offers_to_file_on(&state, &caller, search, "/portal").await
}

/// `GET /desk/new`: the offers an agent files on for a contact.
pub async fn desk_new_request(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(search): Query<Search>,
) -> Result<Page, AppError> {
    offers_to_file_on(&state, &caller, search, "/desk").await
}

async fn offers_to_file_on(
    state: &AppState,
    caller: &crate::access::Caller,
    search: Search,
    base: &str,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    let filter = OfferFilter {
        q: search.q.clone(),
        page: Some(1),
        per_page: Some(crate::services::MAX_PER_PAGE),
    };
    let offers = offers::list(&crate::services::catalogue::ctx_of(&db), &filter).await?;
    Ok(Page::new(
        "portal/new_request.html",
        json!({ "offers": offers, "q": search.q, "base": base }),
    ))
}

/// `GET /portal/conventions`: the conventions that concern the contact's organisation.
pub async fn conventions(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    let list = conventions::list(
        &crate::services::catalogue::ctx_of(&db),
        &ConventionFilter {
            client: None,
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
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
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    let (row, bytes) =
        crate::services::catalogue::attachments::open(&db, &state.config.data_dir, id).await?;
    crate::http::download(&row, bytes)
}
