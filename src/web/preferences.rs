//! Pages of one's own: which notifications one receives.

use axum::response::Redirect;
use serde::Deserialize;
use serde_json::json;

use tower_sessions::Session;

use crate::{
    auth::{SIGNED_IN, SignedIn, csrf::CsrfForm},
    db::Ctx,
    error::AppError,
    services::notifications::{self, Kind},
    view::Page,
};

/// `GET /account/notifications`: with the identity provider signed in through, if any.
pub async fn show(ctx: Ctx, session: Session) -> Result<Page, AppError> {
    let muted = notifications::muted(&ctx).await?;
    let kinds: Vec<_> = Kind::ALL
        .iter()
        .map(|k| json!({ "kind": k.as_str(), "on": !muted.contains(k) }))
        .collect();
    let signed_in: Option<SignedIn> = session
        .get(SIGNED_IN)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let via = signed_in.and_then(|s| s.via).map(|v| v.label);
    Ok(Page::new(
        "preferences.html",
        json!({ "kinds": kinds, "signed_via": via }),
    ))
}

/// The form: one checkbox per kind received (`receive`, repeated).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferencesForm {
    #[serde(default)]
    receive: Vec<String>,
}

/// `POST /account/notifications`: what is not ticked is muted.
pub async fn save(
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> Result<Redirect, AppError> {
    let muted: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| !form.receive.iter().any(|r| r == k.as_str()))
        .collect();
    notifications::set_muted(&ctx, &muted).await?;
    Ok(Redirect::to("/account/notifications"))
}
