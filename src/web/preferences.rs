//! Pages of one's own: which notifications one receives.

use axum::{extract::State, response::Redirect};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::{Signed, csrf::CsrfForm},
    error::AppError,
    services::notifications::{self, Kind},
    state::AppState,
    view::Page,
};

/// `GET /account/notifications`.
pub async fn show(State(state): State<AppState>, Signed(caller): Signed) -> Result<Page, AppError> {
    let muted = notifications::muted(&state.db, caller.account_id).await?;
    let kinds: Vec<_> = Kind::ALL
        .iter()
        .map(|k| json!({ "kind": k.as_str(), "on": !muted.contains(k) }))
        .collect();
    Ok(Page::new("preferences.html", json!({ "kinds": kinds })))
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> Result<Redirect, AppError> {
    let muted: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| !form.receive.iter().any(|r| r == k.as_str()))
        .collect();
    notifications::set_muted(&state.db, caller.account_id, &muted).await?;
    Ok(Redirect::to("/account/notifications"))
}
