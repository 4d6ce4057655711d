//! The page of one's own account: name, language and password (given the current one), the
//! same change as `PATCH /api/v1/me`; and, per offer, single mails or a digest (as
//! `PUT /api/v1/me/digests/{code}`).

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use crate::{
    auth::{csrf::CsrfForm, password_reset::NewPassword},
    db::Ctx,
    domain::digest::Frequency,
    error::AppError,
    i18n::Lang,
    services::{
        accounts::{self, own::OwnChanges},
        digests,
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// Query of `GET /account`: whether a change was just saved.
#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /account`.
pub async fn show(ctx: Ctx, Query(saved): Query<Saved>) -> Result<Page, AppError> {
    let account = accounts::get(&ctx, ctx.caller().account_id).await?.account;
    let form = json!({ "revision": account.revision, "display_name": account.display_name,
                       "language": account.language });
    let digests = digests::choices(&ctx).await?;
    Ok(Page::new(
        "account.html",
        json!({ "form": form, "errors": {}, "saved": saved.saved.is_some(),
                "digests": digests }),
    ))
}

/// The digest form of one offer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestForm {
    offer: String,
    frequency: Frequency,
}

/// `POST /account/digests`: how one offer's mail comes.
pub async fn save_digest(
    ctx: Ctx,
    CsrfForm(form): CsrfForm<DigestForm>,
) -> Result<Redirect, AppError> {
    digests::choose(&ctx, &form.offer, form.frequency).await?;
    Ok(Redirect::to("/account?saved=1#digests"))
}

/// The form, as typed; blank passwords change nothing.
#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountForm {
    revision: i32,
    display_name: String,
    language: String,
    #[serde(default, skip_serializing)]
    current_password: String,
    #[serde(default, skip_serializing)]
    new_password: String,
}

/// `POST /account`: applies the change; a new password ends the account's other sessions
/// (the service ends them all) and this one goes on under a new id. A refused form comes back
/// with its errors beside the fields.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    lang: Lang,
    session: Session,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, AppError> {
    let new_password = (!form.new_password.is_empty()).then(|| form.new_password.clone());
    let changes = OwnChanges {
        revision: form.revision,
        display_name: Some(form.display_name.clone()),
        language: Some(form.language.clone()),
        current_password: (!form.current_password.is_empty())
            .then(|| form.current_password.clone()),
        new_password: new_password.clone(),
    };
    match accounts::own::update(&ctx, NewPassword::new(&state), changes).await {
        Ok(_) => {
            if new_password.is_some() {
                // Its row went with the others: a new id saves it again, as at sign-in.
                session
                    .cycle_id()
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            Ok(Redirect::to("/account?saved=1").into_response())
        }
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new("account.html", json!({ "form": form, "errors": errors })),
            )
                .into_response())
        }
    }
}
