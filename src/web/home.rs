//! The home pages: `/` sends each person where they work; the portal and desk homes.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use crate::{
    auth::{Identity, Signed},
    error::AppError,
    view::Page,
};

/// `GET /`: the sign-in page, the portal for contacts, the desk for staff.
pub async fn root(identity: axum::Extension<Identity>) -> Response {
    match &identity.0.0 {
        None => Redirect::to("/login"),
        Some(caller) if caller.is_staff() => Redirect::to("/desk"),
        Some(_) => Redirect::to("/portal"),
    }
    .into_response()
}

/// `GET /portal`: the contacts' home, with their counts.
pub async fn portal(ctx: crate::db::Ctx) -> Result<Page, AppError> {
    let counts = crate::services::tickets::counts(&ctx).await?;
    let statuses = crate::services::status::board(&ctx).await?;
    Ok(Page::new(
        "portal/home.html",
        json!({ "name": ctx.caller().display_name, "counts": counts, "statuses": statuses }),
    ))
}

/// `GET /desk`: the staff's home; contacts have no desk.
pub async fn desk(Signed(caller): Signed) -> Result<Page, AppError> {
    if !caller.is_staff() {
        return Err(AppError::NotFound);
    }
    Ok(Page::new(
        "desk/home.html",
        json!({ "name": caller.display_name, "manages": caller.scope.manages_anything() }),
    ))
}
