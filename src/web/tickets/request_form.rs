//! Filing a ticket from a page: the portal's form for oneself, the desk's for a contact, with
//! the offer's lists, the extra fields and a file, sent back with what was typed when refused.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::choices;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    i18n::Lang,
    quota::CreationQuota,
    services::{
        catalogue::{attachments::Upload, filing, offers},
        tickets::{
            self, NewTicket, Origin, Visibility,
            log::{self, LogFile},
        },
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// Where the request forms live: the portal files for oneself, the desk for a contact.
#[derive(Clone, Copy)]
enum Front {
    Portal,
    Desk,
}

impl Front {
    fn base(self) -> &'static str {
        match self {
            Front::Portal => "/portal",
            Front::Desk => "/desk",
        }
    }
}

/// `GET /portal/new/{subcategory}`: the request form, or why filing is refused.
pub async fn new_form(ctx: Ctx, lang: Lang, Path(id): Path<i64>) -> Result<Response, AppError> {
    match filing::check(&ctx, id).await {
        Ok(_) => {
            form_page(
                &ctx,
                id,
                Front::Portal,
                StatusCode::OK,
                json!({}),
                json!({}),
            )
            .await
        }
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new("portal/filing.html", json!({ "errors": errors })),
            )
                .into_response())
        }
    }
}

/// `GET /desk/new/{subcategory}`: the form an agent fills for a contact (who is checked when
/// the form comes back, against the contact's own conventions).
pub async fn desk_new_form(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    form_page(&ctx, id, Front::Desk, StatusCode::OK, json!({}), json!({})).await
}

async fn form_page(
    ctx: &Ctx,
    id: i64,
    front: Front,
    status: StatusCode,
    form: Value,
    errors: Value,
) -> Result<Response, AppError> {
    let sub = offers::subcategory(ctx, id).await?;
    // The offer's declared lists turn version, module and environment into choices.
    let offer = offers::get(ctx, &offers::code_of(ctx, sub.offer_id).await?).await?;
    let lists = json!({ "version": offer.versions, "module": offer.modules,
                        "environment": offer.environments });
    let mut form = form;
    if form.get("impact").is_none() {
        form = json!({ "impact": "person", "urgency": "medium" });
    }
    Ok((
        status,
        Page::new(
            "portal/ticket_form.html",
            json!({ "subcategory": sub, "choices": choices(), "form": form, "errors": errors,
                    "lists": lists,
                    "base": front.base(), "desk": matches!(front, Front::Desk) }),
        ),
    )
        .into_response())
}

/// The request form's fields.
#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TicketForm {
    title: String,
    description: String,
    impact: String,
    urgency: String,
    visibility: Option<String>,
    module: Option<String>,
    affected_version: Option<String>,
    environment: Option<String>,
    page_url: Option<String>,
    event_at: Option<String>,
    people_affected: Option<String>,
    /// Desk only: the contact's e-mail address.
    requester: Option<String>,
}

pub(super) fn parse_word<T: serde::de::DeserializeOwned>(
    field: &str,
    text: &str,
) -> Result<T, AppError> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|_| AppError::field_message(field, "ticket-form-unknown-value", vec![]))
}

pub(super) fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The form as a ticket to file; the desk's contact is found by address among the accounts
/// the agent reads.
async fn new_ticket(
    ctx: &Ctx,
    id: i64,
    form: &TicketForm,
    front: Front,
) -> Result<NewTicket, AppError> {
    let people_affected = filled(&form.people_affected)
        .map(|n| {
            n.parse().map_err(|_| {
                AppError::field_message("people_affected", "ticket-form-number", vec![])
            })
        })
        .transpose()?;
    let event_at = filled(&form.event_at)
        .map(|text| {
            crate::domain::local_time::parse_form_local(text)
                .ok_or_else(|| AppError::field_message("event_at", "ticket-form-date-time", vec![]))
        })
        .transpose()?;
    let requester = match front {
        Front::Portal => None,
        Front::Desk => {
            let email = filled(&form.requester)
                .ok_or_else(|| AppError::field_message("requester", "field-required", vec![]))?;
            Some(tickets::requester_by_email(ctx, id, email).await?)
        }
    };
    Ok(NewTicket {
        subcategory: id,
        title: form.title.clone(),
        description: form.description.clone(),
        impact: parse_word("impact", &form.impact)?,
        urgency: parse_word("urgency", &form.urgency)?,
        visibility: Some(if form.visibility.is_some() {
            Visibility::Private
        } else {
            Visibility::Organisation
        }),
        module: form.module.clone(),
        affected_version: form.affected_version.clone(),
        environment: form.environment.clone(),
        page_url: form.page_url.clone(),
        event_at,
        people_affected,
        requester,
    })
}

/// The request form as sent: URL-encoded, or multipart when it carries a file (its CSRF token
/// as the first part, checked before anything else is read).
pub struct Filing {
    form: TicketForm,
    upload: Option<Upload>,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Filing {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let multipart = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/"));
        if !multipart {
            let CsrfForm(form) = CsrfForm::from_request(request, state).await?;
            return Ok(Filing { form, upload: None });
        }
        let session = request
            .extensions()
            .get::<tower_sessions::Session>()
            .cloned()
            .ok_or(AppError::Unauthorized)?;
        let mut parts = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        crate::auth::csrf::verify_multipart(&session, &mut parts).await?;
        let mut fields = serde_json::Map::new();
        let mut upload = None;
        while let Some(field) = parts.next_field().await? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field.bytes().await?.to_vec();
                if !bytes.is_empty() {
                    upload = Some(Upload {
                        file_name,
                        content_type,
                        bytes,
                    });
                }
            } else {
                fields.insert(name, Value::String(field.text().await?));
            }
        }
        let form = serde_json::from_value(Value::Object(fields))
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(Filing { form, upload })
    }
}

/// `POST /portal/new/{subcategory}`: files the request.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    lang: Lang,
    _quota: CreationQuota,
    Path(id): Path<i64>,
    filing: Filing,
) -> Result<Response, AppError> {
    file(&state, &ctx, lang, id, filing, Front::Portal).await
}

/// `POST /desk/new/{subcategory}`: files a request for a contact (origin `desk`).
pub async fn desk_create(
    State(state): State<AppState>,
    ctx: Ctx,
    lang: Lang,
    _quota: CreationQuota,
    Path(id): Path<i64>,
    filing: Filing,
) -> Result<Response, AppError> {
    file(&state, &ctx, lang, id, filing, Front::Desk).await
}

async fn file(
    state: &AppState,
    ctx: &Ctx,
    lang: Lang,
    id: i64,
    filing: Filing,
    front: Front,
) -> Result<Response, AppError> {
    let Filing { form, upload } = filing;
    let origin = match front {
        Front::Portal => Origin::Portal,
        Front::Desk => Origin::Desk,
    };
    let max = state.config.attachment_max_bytes;
    let result = match new_ticket(ctx, id, &form, front).await {
        // A file too large is said before anything is filed.
        Ok(_) if upload.as_ref().is_some_and(|u| u.bytes.len() > max) => {
            Err(AppError::field_message(
                "file",
                "attachment-too-large",
                vec![("max", max.to_string())],
            ))
        }
        Ok(new) => tickets::create(ctx, new, origin)
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(ticket) => {
            if let Some(upload) = upload {
                let file = LogFile {
                    data_dir: &state.config.data_dir,
                    max_bytes: max,
                    upload,
                };
                let entry = log::NewLogEntry {
                    body: String::new(),
                    private: false,
                };
                log::attach(ctx, &ticket.reference, entry, file).await?;
            }
            Ok(
                Redirect::to(&format!("{}/tickets/{}", front.base(), ticket.reference))
                    .into_response(),
            )
        }
        Err(err) => {
            let errors = serde_json::to_value(field_errors_in(err, lang)?).unwrap_or_default();
            let mut shown = serde_json::to_value(&form).unwrap_or_default();
            shown["private"] = Value::Bool(form.visibility.is_some());
            form_page(
                ctx,
                id,
                front,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
                errors,
            )
            .await
        }
    }
}
