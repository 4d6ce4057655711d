//! Desk pages for webhooks (as `/api/v1/webhooks`): the endpoints the caller manages, a form to
//! register one (its signing secret shown once, on the page that follows), each endpoint's
//! delivery log with every attempt's status, duration and answer, and "send again".

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::staff_only;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::{
        notifications::Kind,
        webhooks::{self, EndpointInput},
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

fn kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.as_str()).collect()
}

async fn list_page(
    ctx: &Ctx,
    form: Value,
    errors: Value,
    secret: Option<String>,
) -> Result<Page, AppError> {
    let endpoints = webhooks::list(ctx).await?;
    Ok(Page::new(
        "desk/webhooks.html",
        json!({ "endpoints": endpoints, "kinds": kinds(), "form": form, "errors": errors,
                "secret": secret, "organisations": super::managed_by(ctx).await? }),
    ))
}

/// `GET /desk/webhooks`.
pub async fn list(ctx: Ctx) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(AppError::NotFound);
    }
    list_page(&ctx, json!({ "kinds": [] }), json!({}), None).await
}

/// The endpoint form: the address, the organisation, and the kinds ticked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointForm {
    url: String,
    organisation: Option<i64>,
    #[serde(default)]
    kinds: Vec<String>,
}

/// `POST /desk/webhooks`: registers the endpoint and shows its secret, this once.
pub async fn create(
    ctx: Ctx,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<EndpointForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let input = EndpointInput {
        url: form.url.clone(),
        kinds: form.kinds.iter().filter_map(|k| Kind::parse(k)).collect(),
        organisation: form.organisation,
    };
    match webhooks::create(&ctx, input, state.config.webhook_allow_loopback_http).await {
        Ok(made) => Ok(
            list_page(&ctx, json!({ "kinds": [] }), json!({}), made.secret)
                .await?
                .into_response(),
        ),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let kept = json!({ "url": form.url, "organisation": form.organisation,
                               "kinds": form.kinds });
            let page = list_page(&ctx, kept, json!(errors), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `GET /desk/webhooks/{id}`: the delivery log.
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let deliveries = webhooks::deliveries(&ctx, id).await?;
    let endpoint = webhooks::list(&ctx)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(Page::new(
        "desk/webhook.html",
        json!({ "endpoint": endpoint, "deliveries": deliveries }),
    ))
}

/// `POST /desk/webhooks/{id}/delete`.
pub async fn delete(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    webhooks::remove(&ctx, id).await?;
    Ok(Redirect::to("/desk/webhooks"))
}

/// The "send again" form: the endpoint to come back to.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendForm {
    endpoint: i64,
}

/// `POST /desk/webhook-deliveries/{id}/resend`.
pub async fn resend(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ResendForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    webhooks::resend(&ctx, id).await?;
    Ok(Redirect::to(&format!("/desk/webhooks/{}", form.endpoint)))
}
