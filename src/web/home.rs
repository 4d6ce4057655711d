//! The home pages: `/` sends each person where they work; the portal's and the desk's homes,
//! with the dashboards of each role the visitor holds.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use crate::{
    auth::Identity,
    db::Ctx,
    error::AppError,
    services::dashboards::{self, portal},
    view::Page,
    web::charts,
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

/// `GET /portal`: the contacts' home: their organisation's requests, their conventions.
pub async fn portal(ctx: Ctx) -> Result<Page, AppError> {
    let home = portal::contact(&ctx).await?;
    let statuses = crate::services::status::board(&ctx).await?;
    Ok(Page::new(
        "portal/home.html",
        json!({ "name": ctx.caller().display_name, "home": home, "statuses": statuses }),
    ))
}

/// `GET /desk`: the staff's home, one section per role held; contacts have no desk.
pub async fn desk(ctx: Ctx) -> Result<Page, AppError> {
    let caller = ctx.caller();
    if !caller.is_staff() {
        return Err(AppError::NotFound);
    }
    let dashboard = dashboards::for_caller(&ctx).await?;
    let coordinator = dashboard.coordinator.as_ref().map(|home| {
        json!({
            "home": home,
            "fortnight": charts::stacked(&home.incidents),
            "by_agent": charts::horizontal(&home.by_agent),
            "by_organisation": charts::horizontal(&home.by_organisation),
            "by_offer": charts::horizontal(&home.by_offer),
            "by_status": charts::horizontal(&home.by_status),
        })
    });
    Ok(Page::new(
        "desk/home.html",
        json!({ "name": caller.display_name, "manages": caller.scope.manages_anything(),
                "admin": caller.scope.admin,
                "agent": dashboard.agent, "coordinator": coordinator,
                "committee": dashboard.committee, "steering": dashboard.steering,
                "now": ctx.now() }),
    ))
}
