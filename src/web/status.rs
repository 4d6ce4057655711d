//! Service status pages: the board (`/status`) every signed-in person reads, an offer's status
//! page with its history and availability (and, for its provider side, the forms that set its
//! status and publish maintenance), a window's page where its provider edits or cancels it, the
//! page that opens a major incident on an offer, and the buttons that declare and join major
//! incidents.

use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::{
        catalogue::RequestKind,
        local_time::{form_value, parse_form_local},
        service_status::ServiceState,
    },
    error::AppError,
    i18n::Lang,
    services::{
        catalogue::offers,
        status::{
            self, StatusInput, feed,
            maintenance::{self, NewWindow, WindowEdit},
            major::{self, LinkInput, OpenMajor},
        },
        tickets,
    },
    state::AppState,
    view::Page,
    web::forms::{FieldErrors, field_errors_in},
};

/// `GET /status`: the status of every offer the visitor subscribes to or provides, and whether
/// the visitor has a feed address.
pub async fn board(ctx: Ctx) -> Result<Page, AppError> {
    board_page(&ctx, None).await
}

async fn board_page(ctx: &Ctx, link: Option<String>) -> Result<Page, AppError> {
    let offers = status::board(ctx).await?;
    let has_feed = feed::has_token(ctx).await?;
    Ok(Page::new(
        "status/board.html",
        json!({ "offers": offers, "has_feed": has_feed, "feed_link": link }),
    ))
}

/// `POST /status/feed`: makes the visitor's personal feed address (replacing the old one) and
/// shows it, the only time it is shown.
pub async fn feed_token(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Page, AppError> {
    let made = feed::regenerate(&ctx).await?;
    let link = format!(
        "{}{}",
        state.config.base_url().trim_end_matches('/'),
        made.path
    );
    board_page(&ctx, Some(link)).await
}

/// `POST /status/feed/remove`: the visitor's feed address stops working.
pub async fn feed_remove(ctx: Ctx, CsrfForm(_): CsrfForm<Empty>) -> Result<Redirect, AppError> {
    feed::remove(&ctx).await?;
    Ok(Redirect::to("/status"))
}

/// The feed's address: the personal feed token.
#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    token: String,
}

/// `GET /status/feed.atom?token=…`: the Atom feed of the status changes, major incidents and
/// maintenance of the offers the token's owner reads, in its language; 404 for a token that is
/// no one's (the address is the credential: a feed reader cannot sign in).
pub async fn feed_atom(
    State(state): State<AppState>,
    Query(query): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let ctx = crate::auth::feed_ctx(&state, &query.token)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = feed::events(&ctx).await?;
    let body = feed::atom(
        &events,
        ctx.caller().language,
        &state.config.base_url(),
        ctx.now(),
    );
    Ok((
        [(CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// `GET /status/{code}`: one offer's status, history and availability.
pub async fn offer(ctx: Ctx, Path(code): Path<String>) -> Result<Page, AppError> {
    offer_page(&ctx, &code, FieldErrors::new(), json!({})).await
}

async fn offer_page(
    ctx: &Ctx,
    code: &str,
    errors: FieldErrors,
    typed: serde_json::Value,
) -> Result<Page, AppError> {
    let current = status::of_offer(ctx, code).await?;
    let history = status::history(ctx, code).await?;
    let availability = status::availability(ctx, code, 3).await?;
    let states: Vec<&str> = ServiceState::ALL.iter().map(|s| s.as_str()).collect();
    Ok(Page::new(
        "status/offer.html",
        json!({ "offer": current, "history": history, "availability": availability,
                "states": states, "errors": errors, "typed": typed }),
    ))
}

/// The status form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusForm {
    status: String,
    message: String,
    #[serde(default)]
    message_en: String,
}

/// `POST /status/{code}`: sets the offer's status (provider side).
pub async fn set(
    ctx: Ctx,
    lang: Lang,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, AppError> {
    let state = ServiceState::parse(&form.status)
        .ok_or_else(|| AppError::field_message("status", "status-unknown", vec![]))?;
    let input = StatusInput {
        status: state,
        message: form.message.clone(),
        message_en: Some(form.message_en.clone()),
    };
    match status::set(&ctx, &code, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/status/{}", code.to_uppercase())).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            let typed = json!({ "status": form.status, "message": form.message,
                                "message_en": form.message_en });
            let page = offer_page(&ctx, &code, errors, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The maintenance form: Paris wall-clock times.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceForm {
    starts_at: String,
    ends_at: String,
    message: String,
    #[serde(default)]
    message_en: String,
}

/// A form's Paris wall-clock time, or the field's error.
fn form_time(field: &'static str, text: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    parse_form_local(text)
        .ok_or_else(|| AppError::field_message(field, "ticket-form-date-time", vec![]))
}

/// `POST /status/{code}/maintenance`: publishes a window (provider side).
pub async fn publish(
    ctx: Ctx,
    lang: Lang,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<MaintenanceForm>,
) -> Result<Response, AppError> {
    let new = NewWindow {
        starts_at: form_time("starts_at", &form.starts_at)?,
        ends_at: form_time("ends_at", &form.ends_at)?,
        message: form.message.clone(),
        message_en: Some(form.message_en.clone()),
    };
    match maintenance::publish(&ctx, &code, new).await {
        Ok(_) => Ok(Redirect::to(&format!("/status/{}", code.to_uppercase())).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            let typed = json!({ "starts_at": form.starts_at, "ends_at": form.ends_at,
                                "window_message": form.message, "window_message_en": form.message_en });
            let page = offer_page(&ctx, &code, errors, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `GET /status/{code}/maintenance/{id}`: a window's page, where its provider side edits it
/// (before it starts) or cancels it.
pub async fn window(ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> Result<Page, AppError> {
    window_page(&ctx, &code, id, FieldErrors::new(), None).await
}

async fn window_page(
    ctx: &Ctx,
    code: &str,
    id: i64,
    errors: FieldErrors,
    typed: Option<serde_json::Value>,
) -> Result<Page, AppError> {
    let (window, offer) = maintenance::provided_window(ctx, id).await?;
    if !offer.code.eq_ignore_ascii_case(code.trim()) {
        return Err(AppError::NotFound);
    }
    let typed = typed.unwrap_or_else(|| {
        json!({ "revision": window.revision, "starts_at": form_value(window.starts_at),
                "ends_at": form_value(window.ends_at), "message": window.message,
                "message_en": window.message_en.clone().unwrap_or_default() })
    });
    let view = maintenance::view(window);
    Ok(Page::new(
        "status/window.html",
        json!({ "offer": { "code": offer.code, "name": offer.name }, "window": view,
                "errors": errors, "typed": typed }),
    ))
}

/// The edit form of a window: Paris wall-clock times, at the revision read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowForm {
    revision: i32,
    starts_at: String,
    ends_at: String,
    message: String,
    #[serde(default)]
    message_en: String,
}

/// `POST /status/{code}/maintenance/{id}`: edits a window not started yet (provider side);
/// the page again with what was typed when it cannot.
pub async fn edit_window(
    ctx: Ctx,
    lang: Lang,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<WindowForm>,
) -> Result<Response, AppError> {
    let typed = json!({ "revision": form.revision, "starts_at": form.starts_at,
                        "ends_at": form.ends_at, "message": form.message,
                        "message_en": form.message_en });
    let edit = form_time("starts_at", &form.starts_at).and_then(|starts_at| {
        Ok(WindowEdit {
            revision: form.revision,
            starts_at,
            ends_at: form_time("ends_at", &form.ends_at)?,
            message: form.message.clone(),
            message_en: Some(form.message_en.clone()),
        })
    });
    let done = match edit {
        Ok(edit) => maintenance::edit(&ctx, id, edit)
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/status/{}", code.to_uppercase())).into_response()),
        Err(AppError::Validation(fields)) => {
            let errors = field_errors_in(AppError::Validation(fields), lang)?;
            let page = window_page(&ctx, &code, id, errors, Some(typed)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err),
    }
}

/// `POST /status/{code}/maintenance/{id}/cancel`: cancels a window (provider side).
pub async fn cancel_window(
    ctx: Ctx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, AppError> {
    maintenance::cancel(&ctx, id).await?;
    Ok(Redirect::to(&format!("/status/{}", code.to_uppercase())))
}

/// `GET /status/{code}/major`: the form that opens a major incident on the offer (provider
/// side).
pub async fn major_form(ctx: Ctx, Path(code): Path<String>) -> Result<Page, AppError> {
    major_page(&ctx, &code, FieldErrors::new(), json!({})).await
}

async fn major_page(
    ctx: &Ctx,
    code: &str,
    errors: FieldErrors,
    typed: serde_json::Value,
) -> Result<Page, AppError> {
    status::provided(ctx, code).await?;
    let offer = offers::get(ctx, code).await?;
    let incidents: Vec<_> = offer
        .subcategories
        .iter()
        .filter(|s| s.kind == RequestKind::Incident)
        .collect();
    Ok(Page::new(
        "status/major_open.html",
        json!({ "offer": { "code": offer.code, "name": offer.name }, "subcategories": incidents,
                "errors": errors, "typed": typed }),
    ))
}

/// The form that opens a major incident; the requester is a subscriber contact's address
/// (empty: the agent itself).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorForm {
    subcategory: i64,
    title: String,
    description: String,
    #[serde(default)]
    requester: String,
    #[serde(default)]
    module: String,
    #[serde(default)]
    affected_version: String,
    #[serde(default)]
    environment: String,
    #[serde(default)]
    page_url: String,
}

/// `POST /status/{code}/major`: opens the major incident and shows its master; the form again,
/// as typed, when it cannot.
pub async fn open_major(
    ctx: Ctx,
    lang: Lang,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<MajorForm>,
) -> Result<Response, AppError> {
    let typed = json!({ "subcategory": form.subcategory, "title": form.title,
                        "description": form.description, "requester": form.requester,
                        "module": form.module, "affected_version": form.affected_version,
                        "environment": form.environment, "page_url": form.page_url });
    let filled = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let requester = match form.requester.trim() {
        "" => Ok(None),
        email => tickets::requester_by_email(&ctx, form.subcategory, email)
            .await
            .map(Some)
            .map_err(AppError::from),
    };
    let opened = match requester {
        Ok(requester) => {
            let input = OpenMajor {
                subcategory: form.subcategory,
                title: form.title.clone(),
                description: form.description.clone(),
                requester,
                module: filled(&form.module),
                affected_version: filled(&form.affected_version),
                environment: filled(&form.environment),
                page_url: filled(&form.page_url),
            };
            major::open(&ctx, &code, input)
                .await
                .map_err(AppError::from)
        }
        Err(err) => Err(err),
    };
    match opened {
        Ok(major) => Ok(Redirect::to(&format!(
            "/desk/tickets/{}",
            major.master.unwrap_or_default()
        ))
        .into_response()),
        Err(AppError::Validation(fields)) => {
            let errors = field_errors_in(AppError::Validation(fields), lang)?;
            let page = major_page(&ctx, &code, errors, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err),
    }
}

/// A form with nothing but its token.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// `POST /major-incidents/{id}/join`: "I am concerned" — files the establishment's child
/// incident and opens it.
pub async fn join(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, AppError> {
    let child = major::join(&ctx, id).await?;
    Ok(Redirect::to(&format!(
        "/portal/tickets/{}",
        child.reference
    )))
}

/// `POST /tickets/{ref}/major`: declares the incident major (provider side).
pub async fn declare(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, AppError> {
    let declared = major::declare(&ctx, &reference).await?;
    Ok(Redirect::to(&format!(
        "/desk/tickets/{}",
        declared.master.unwrap_or(reference)
    )))
}

/// The form that links an establishment's incident to a major incident.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkForm {
    #[serde(rename = "ref")]
    reference: String,
}

/// `POST /tickets/{ref}/major/link`: links an establishment's open incident to the major
/// incident this ticket is the master of (provider side); the master's page again, with the
/// reference and its error when it cannot be linked.
pub async fn link(
    ctx: Ctx,
    lang: Lang,
    Path(master): Path<String>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response, AppError> {
    let id = major::id_of_master(&ctx, &master).await?;
    let input = LinkInput {
        reference: form.reference.clone(),
    };
    match major::link(&ctx, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/desk/tickets/{master}")).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            let extra = json!({ "errors": errors, "link_typed": form.reference });
            let page = super::tickets::workspace(&ctx, &master, extra).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
