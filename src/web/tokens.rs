//! Personal API tokens: listed, created (shown once) and revoked by their owner.

use axum::{
    extract::{Path, Query},
    response::Redirect,
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::{PageRequest, tokens},
    view::Page,
};

/// `GET /account/tokens`.
pub async fn list(ctx: Ctx, Query(page): Query<PageRequest>) -> Result<Page, AppError> {
    let list = tokens::list_own(&ctx, page).await?;
    Ok(Page::new("tokens.html", json!({ "list": list })))
}

/// The new-token form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenForm {
    name: String,
    days: i64,
}

/// `POST /account/tokens`: creates a token and shows it this once.
pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<TokenForm>) -> Result<Page, AppError> {
    let created = tokens::create(
        &ctx,
        ctx.caller().account_id,
        &form.name,
        chrono::Duration::days(form.days),
    )
    .await?;
    let list = tokens::list_own(&ctx, PageRequest::default()).await?;
    Ok(Page::new(
        "tokens.html",
        json!({ "list": list, "created": created }),
    ))
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    tokens::revoke_own(&ctx, id).await?;
    Ok(Redirect::to("/account/tokens"))
}
