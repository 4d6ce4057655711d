//! The desk page of an offer's mail address (as `GET|PUT|DELETE /api/v1/offers/{code}/mail-address`):
//! the address mail servers deliver to Guichet for the offer, and the subcategory new mails are
//! filed in. Everyone on the desk who reads the offer sees it; its provider's side changes it.

use axum::{
    extract::Path,
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
        catalogue::offers,
        mail_in::address::{self, MailAddressInput},
    },
    view::Page,
    web::forms::field_errors_in,
};

async fn page(ctx: &Ctx, code: &str, form: Value, errors: Value) -> Result<Page, AppError> {
    let offer = offers::get(ctx, code).await?;
    let current = address::get(ctx, code).await?;
    let manages = ctx.scope().manages_organisation(offer.provider.id)
        || ctx.scope().delivered_offers.contains(&offer.id);
    Ok(Page::new(
        "desk/mail_address.html",
        json!({ "offer": offer, "current": current, "manages": manages,
                "form": form, "errors": errors }),
    ))
}

/// `GET /desk/offers/{code}/mail-address`.
pub async fn show(ctx: Ctx, Path(code): Path<String>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let current = address::get(&ctx, &code).await?;
    let form = match current {
        Some(set) => json!({ "address": set.address, "subcategory": set.subcategory }),
        None => json!({}),
    };
    page(&ctx, &code, form, json!({})).await
}

/// The form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailAddressForm {
    address: String,
    subcategory: Option<i64>,
}

/// `POST /desk/offers/{code}/mail-address`.
pub async fn save(
    ctx: Ctx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<MailAddressForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let input = MailAddressInput {
        address: form.address.clone(),
        // None matches no subcategory: the service names the field.
        subcategory: form.subcategory.unwrap_or(0),
    };
    match address::set(&ctx, &code, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/desk/offers/{code}/mail-address")).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let kept = json!({ "address": form.address, "subcategory": form.subcategory });
            let shown = page(&ctx, &code, kept, json!(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, shown).into_response())
        }
    }
}

/// `POST /desk/offers/{code}/mail-address/delete`.
pub async fn delete(
    ctx: Ctx,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    address::remove(&ctx, &code).await?;
    Ok(Redirect::to(&format!("/desk/offers/{code}/mail-address")))
}
