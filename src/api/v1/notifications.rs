//! The caller's notification preferences: which kinds of mail they do not want.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    error::AppError,
    services::notifications::{self, Kind},
};

/// Notification preferences.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"muted": ["commented", "sla75"]}))]
pub struct Preferences {
    /// The kinds not to receive.
    pub muted: Vec<Kind>,
}

/// The caller's preferences.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    responses((status = 200, body = Preferences)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx) -> Result<Json<Preferences>, AppError> {
    Ok(Json(Preferences {
        muted: notifications::muted(&ctx).await?,
    }))
}

/// Replaces the caller's preferences.
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "notifications",
    request_body = Preferences, responses((status = 200, body = Preferences), (status = 422)),
    security(("bearer" = [])))]
pub async fn put(ctx: Ctx, Json(body): Json<Preferences>) -> Result<Json<Preferences>, AppError> {
    Ok(Json(Preferences {
        muted: notifications::set_muted(&ctx, &body.muted).await?,
    }))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default().routes(routes!(get, put))
}
