//! Personal API tokens: listed, created (shown once) and revoked by their owner.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    i18n::Lang,
    services::{PageRequest, tokens},
    view::Page,
    web::forms::{FieldErrors, field_errors_in},
};

/// `GET /account/tokens`.
pub async fn list(ctx: Ctx, Query(page): Query<PageRequest>) -> Result<Page, AppError> {
    let list = tokens::list_own(&ctx, page).await?;
    Ok(Page::new(
        "tokens.html",
        json!({ "list": list, "form": {}, "errors": {} }),
    ))
}

/// The new-token form, as typed (shown again with its errors).
#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenForm {
    name: String,
    days: String,
}

/// `POST /account/tokens`: creates a token and shows it this once; a refused form comes back
/// as typed, its errors beside the fields.
pub async fn create(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    let created = match form.days.trim().parse::<i64>() {
        Ok(days) => tokens::create(
            &ctx,
            ctx.caller().account_id,
            &form.name,
            chrono::Duration::days(days),
        )
        .await
        .map_err(AppError::from),
        Err(_) => Err(AppError::field_message(
            "days",
            "field-whole-number",
            vec![],
        )),
    };
    let list = tokens::list_own(&ctx, PageRequest::default()).await?;
    match created {
        Ok(created) => Ok(Page::new(
            "tokens.html",
            json!({ "list": list, "created": created, "form": {}, "errors": {} }),
        )
        .into_response()),
        Err(err) => {
            // The service names the lifetime by its API name; the form calls it `days`.
            let errors: FieldErrors = field_errors_in(err, lang)?
                .into_iter()
                .map(|(f, r)| {
                    (
                        if f == "expires_in_days" {
                            "days".to_owned()
                        } else {
                            f
                        },
                        r,
                    )
                })
                .collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "tokens.html",
                    json!({ "list": list, "form": form, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
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
