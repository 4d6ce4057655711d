//! The committees' settings: an offer's qualification weights, the steering rules and chair.

use axum::{
    extract::Path,
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
    services::{evolutions::assessments, releases},
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /desk/offers/{code}/criteria`: the offer's qualification weights.
pub async fn criteria(ctx: Ctx, Path(code): Path<String>) -> Result<Page, AppError> {
    let weights = assessments::weights(&ctx, &code).await?;
    Ok(Page::new(
        "evolutions/criteria.html",
        json!({ "offer": code.to_uppercase(), "w": weights, "errors": {} }),
    ))
}

/// `POST /desk/offers/{code}/criteria`.
pub async fn set_criteria(
    ctx: Ctx,
    lang: Lang,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<crate::domain::scoring::Weights>,
) -> Result<Response, AppError> {
    match assessments::set_weights(&ctx, &code, form).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/desk/offers/{}/criteria", code.to_uppercase())).into_response(),
        ),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/criteria.html",
                    json!({ "offer": code.to_uppercase(), "w": form, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/settings/steering`: quorum, majority and chair (administrators change them).
pub async fn steering(ctx: Ctx) -> Result<Page, AppError> {
    let settings = releases::steering_settings(&ctx).await?;
    Ok(Page::new(
        "evolutions/steering.html",
        json!({ "s": settings, "admin": ctx.caller().scope.admin, "errors": {} }),
    ))
}

/// The steering settings' form: the chair by e-mail address.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SteeringForm {
    quorum: u32,
    majority_percent: u32,
    #[serde(default)]
    chair: String,
}

/// `POST /desk/settings/steering`.
pub async fn set_steering(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<SteeringForm>,
) -> Result<Response, AppError> {
    releases::may_set_steering(ctx.caller())?;
    let chair = match form.chair.trim() {
        "" => None,
        email => Some(
            crate::services::tickets::account_by_email(&ctx, email)
                .await?
                .ok_or_else(|| {
                    AppError::field_message("chair", "field-account-not-active", vec![])
                })?,
        ),
    };
    let settings = releases::SteeringSettings {
        rules: crate::domain::steering::Rules {
            quorum: form.quorum,
            majority_percent: form.majority_percent,
        },
        chair,
    };
    match releases::set_steering_settings(&ctx, settings).await {
        Ok(_) => Ok(Redirect::to("/desk/settings/steering").into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/steering.html",
                    json!({ "s": settings, "admin": ctx.caller().scope.admin, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}
