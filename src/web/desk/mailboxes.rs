//! Desk pages for the IMAP mailboxes the collector reads: the list with each one's last visit,
//! and the form (the password is never shown; left blank on a change, it stays as it was).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{staff_only, ticked};
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::mailbox::Security,
    error::AppError,
    services::mailboxes::{self, MailboxInput},
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /desk/mailboxes`.
pub async fn list(ctx: Ctx) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let list = mailboxes::list(&ctx).await?;
    Ok(Page::new("desk/mailboxes.html", json!({ "list": list })))
}

/// The mailbox form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxForm {
    label: String,
    host: String,
    port: String,
    security: String,
    username: String,
    #[serde(default)]
    password: String,
    folder: String,
    handled_folder: String,
    #[serde(default)]
    offer: String,
    organisation_id: Option<i64>,
    enabled: Option<String>,
    revision: Option<i32>,
}

impl MailboxForm {
    fn input(&self) -> MailboxInput {
        MailboxInput {
            label: self.label.clone(),
            host: self.host.clone(),
            // Not a number: out of range, which the service names.
            port: self.port.trim().parse().unwrap_or(0),
            security: Security::parse(&self.security),
            username: self.username.clone(),
            password: Some(self.password.clone()),
            folder: self.folder.clone(),
            handled_folder: self.handled_folder.clone(),
            offer: Some(self.offer.clone()),
            organisation: self.organisation_id,
            enabled: ticked(&self.enabled),
            revision: self.revision,
        }
    }

    /// What was typed, to show again (never the password).
    fn kept(&self) -> Value {
        json!({
            "label": self.label, "host": self.host, "port": self.port,
            "security": self.security, "username": self.username, "folder": self.folder,
            "handled_folder": self.handled_folder, "offer": self.offer,
            "organisation_id": self.organisation_id, "enabled": self.enabled.is_some(),
            "revision": self.revision,
        })
    }
}

async fn form_page(
    ctx: &Ctx,
    id: Option<i64>,
    form: Value,
    errors: Value,
) -> Result<Page, AppError> {
    let offers: Vec<Value> = mailboxes::offer_choices(ctx)
        .await?
        .into_iter()
        .map(|(code, name)| json!({ "code": code, "name": name }))
        .collect();
    Ok(Page::new(
        "desk/mailbox_form.html",
        json!({ "id": id, "form": form, "errors": errors, "offers": offers,
                "organisations": super::managed_by(ctx).await? }),
    ))
}

/// `GET /desk/mailboxes/new`.
pub async fn new_form(ctx: Ctx) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let defaults = json!({
        "port": "993", "security": "imaps", "folder": "INBOX", "handled_folder": "Handled",
        "organisation_id": ctx.caller().organisation_id, "enabled": true,
    });
    form_page(&ctx, None, defaults, json!({})).await
}

/// `POST /desk/mailboxes`.
pub async fn create(
    ctx: Ctx,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<MailboxForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    match mailboxes::create(&ctx, &state.sealer, form.input()).await {
        Ok(_) => Ok(Redirect::to("/desk/mailboxes").into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let page = form_page(&ctx, None, form.kept(), json!(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `GET /desk/mailboxes/{id}`: the form, filled (the password left blank: "unchanged").
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let mailbox = mailboxes::get(&ctx, id).await?;
    let form = json!({
        "label": mailbox.label, "host": mailbox.host, "port": mailbox.port.to_string(),
        "security": mailbox.security, "username": mailbox.username, "folder": mailbox.folder,
        "handled_folder": mailbox.handled_folder, "offer": mailbox.offer.unwrap_or_default(),
        "organisation_id": mailbox.organisation, "enabled": mailbox.enabled,
        "revision": mailbox.revision,
    });
    form_page(&ctx, Some(id), form, json!({})).await
}

/// `POST /desk/mailboxes/{id}`.
pub async fn update(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MailboxForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    match mailboxes::update(&ctx, &state.sealer, id, form.input()).await {
        Ok(_) => Ok(Redirect::to("/desk/mailboxes").into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let page = form_page(&ctx, Some(id), form.kept(), json!(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /desk/mailboxes/{id}/delete`.
pub async fn delete(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    mailboxes::remove(&ctx, id).await?;
    Ok(Redirect::to("/desk/mailboxes"))
}
