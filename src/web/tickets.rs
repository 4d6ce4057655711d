//! Ticket pages, for both sides: the portal's forms and lists for contacts, the desk's lists
//! with filters and saved views, and one ticket page whose actions follow what the visitor may
//! do on it.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    access::Caller,
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::{
        lifecycle::Action,
        priority::{Impact, Urgency},
    },
    error::AppError,
    i18n::Lang,
    quota::CreationQuota,
    services::{
        accounts,
        catalogue::{attachments::Upload, filing, offers},
        tickets::{
            self, NewTicket, Origin, TicketFilter, Visibility,
            actions::{self, ActionInput},
            changes::{self, TicketChanges},
            history::{self, HistoryEntry},
            log::{self, LogEntryView, LogFile},
            views::{self, NewView},
        },
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// Where a visitor's ticket pages live.
fn home_of(caller: &Caller) -> &'static str {
    if caller.is_staff() {
        "/desk"
    } else {
        "/portal"
    }
}

fn choices() -> Value {
    json!({
        "impacts": Impact::ALL.iter().map(|i| serde_json::to_value(i).unwrap_or_default()).collect::<Vec<_>>(),
        "urgencies": Urgency::ALL.iter().map(|u| serde_json::to_value(u).unwrap_or_default()).collect::<Vec<_>>(),
    })
}

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
    version: Option<String>,
    environment: Option<String>,
    page_url: Option<String>,
    event_at: Option<String>,
    people_affected: Option<String>,
    /// Desk only: the contact's e-mail address.
    requester: Option<String>,
}

fn parse_word<T: serde::de::DeserializeOwned>(field: &str, text: &str) -> Result<T, AppError> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|_| AppError::field_message(field, "ticket-form-unknown-value", vec![]))
}

fn filled(value: &Option<String>) -> Option<&str> {
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
        affected_version: form.version.clone(),
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

/// `GET /portal/tickets` and `GET /desk/tickets`: lists with filters, sort and paging; with
/// `format=csv`, the whole list as a CSV file.
pub async fn list(ctx: Ctx, Query(filter): Query<TicketFilter>) -> Result<Response, AppError> {
    if filter.format.as_deref() == Some("csv") {
        let chunks = tickets::export::export(ctx, filter).await?;
        return crate::http::csv_stream("tickets.csv", chunks);
    }
    let list = tickets::list(&ctx, &filter).await?;
    let saved = views::list(&ctx).await?;
    let teams = crate::services::teams::own(&ctx).await?;
    let pairs = filter.pairs();
    let query = serde_html_form::to_string(&pairs).unwrap_or_default();
    let shown: std::collections::BTreeMap<&str, String> = pairs.into_iter().collect();
    Ok(Page::new(
        "tickets/list.html",
        json!({ "list": list, "filter": shown, "query": query, "base": home_of(ctx.caller()),
                "me_id": ctx.caller().account_id, "teams": teams, "saved": saved,
                "now": ctx.now() }),
    )
    .into_response())
}

/// What the ticket page says after a step was taken, from its `?done=` query.
#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The steps the page confirms ("Ticket assigné à …").
const CONFIRMED: [&str; 9] = [
    "assign",
    "pend",
    "resume",
    "resolve",
    "close",
    "reopen",
    "log",
    "participants",
    "changes",
];

/// `GET /portal/tickets/{ref}` and `GET /desk/tickets/{ref}`.
pub async fn show(
    ctx: Ctx,
    Path(reference): Path<String>,
    Query(done): Query<Done>,
) -> Result<Page, AppError> {
    let done = done.done.filter(|d| CONFIRMED.contains(&d.as_str()));
    workspace(&ctx, &reference, json!({ "done": done })).await
}

/// The ticket's workspace, with `extra` (a confirmation, or a comment that came back with its
/// errors) merged into the page's data.
async fn workspace(ctx: &Ctx, reference: &str, extra: Value) -> Result<Page, AppError> {
    let ticket = tickets::get(ctx, reference).await?;
    let log = log::logs(ctx, reference).await?;
    let history = history::history(ctx, reference).await?;
    let provider = ticket.provider_side;
    let assignable = if provider {
        tickets::assignable(ctx).await?
    } else {
        Vec::new()
    };
    // What the deadlines come from: the service level's target and window. One the visitor
    // does not read (another provider's) is simply not explained.
    let sla = match ticket.sla_id {
        Some(id) => crate::services::catalogue::slas::get(ctx, id).await.ok(),
        None => None,
    };
    let (major, affected) = match provider {
        true => crate::services::status::major::of_master(ctx, reference)
            .await?
            .unzip(),
        false => (None, None),
    };
    let timeline = timeline(&log, &history);
    let mut page = json!({ "ticket": ticket, "timeline": timeline, "history": history,
                "provider": provider, "assignable": assignable, "choices": choices(),
                "base": home_of(ctx.caller()), "sla": sla, "me_id": ctx.caller().account_id,
                "done": null, "errors": {}, "comment": "", "now": ctx.now(),
                "major": major, "affected": affected });
    if let (Some(page), Some(extra)) = (page.as_object_mut(), extra.as_object()) {
        page.extend(extra.clone());
    }
    Ok(Page::new("tickets/show.html", page))
}

/// The thread of a ticket in order: its messages (with their files) and its status changes.
fn timeline(log: &[LogEntryView], history: &[HistoryEntry]) -> Vec<Value> {
    let mut items: Vec<_> = log
        .iter()
        .map(|entry| {
            (
                entry.created_at,
                json!({ "kind": "message", "entry": entry }),
            )
        })
        .chain(
            history
                .iter()
                .filter(|h| h.field == "status")
                .map(|h| (h.at, json!({ "kind": "status", "change": h }))),
        )
        .collect();
    // A stable sort: a status change and the message that came with it keep their order.
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, item)| item).collect()
}

/// Back to the ticket's page with the step confirmed.
fn confirmed(caller: &Caller, reference: &str, step: &str) -> Redirect {
    Redirect::to(&format!(
        "{}/tickets/{}?done={step}",
        home_of(caller),
        reference.trim().to_uppercase()
    ))
}

/// An action form: every field any action may carry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionForm {
    revision: Option<i32>,
    assignment: Option<String>,
    reason: Option<String>,
    solution: Option<String>,
    satisfaction: Option<String>,
    comment: Option<String>,
}

/// `POST /tickets/{ref}/actions/{action}`.
pub async fn act(
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Redirect, AppError> {
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    // The assign form sends "team:agent" from one select, so a team and one of its own agents
    // always go together.
    let (team, agent) = match form.assignment.as_deref().and_then(|a| a.split_once(':')) {
        Some((team, agent)) => (team.parse().ok(), agent.parse().ok()),
        None => (None, None),
    };
    let satisfaction = form
        .satisfaction
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok());
    let input = ActionInput {
        revision: form.revision,
        team,
        agent,
        reason: form.reason,
        solution: form.solution,
        satisfaction,
        comment: form.comment,
    };
    let ticket = actions::act(&ctx, &reference, action, input).await?;
    Ok(confirmed(ctx.caller(), &ticket.reference, action.as_str()))
}

/// `POST /tickets/{ref}/log`: a multipart form whose first part is `_csrf`, then `body`,
/// `private` and an optional `file`.
pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    _quota: CreationQuota,
    session: tower_sessions::Session,
    Path(reference): Path<String>,
    lang: Lang,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    crate::auth::csrf::verify_multipart(&session, &mut multipart).await?;
    let (entry, upload) = crate::api::v1::tickets::log_parts(multipart).await?;
    let file = upload.map(|upload| LogFile {
        data_dir: &state.config.data_dir,
        max_bytes: state.config.attachment_max_bytes,
        upload,
    });
    let (typed, private) = (entry.body.clone(), entry.private);
    match log::add_log(&ctx, &reference, entry, file).await {
        Ok(_) => Ok(confirmed(ctx.caller(), &reference, "log").into_response()),
        Err(err) => {
            // The page again, the comment as typed beside its error (a chosen file cannot be
            // given back to the browser: the error says to choose it again).
            let errors = field_errors_in(err.into(), lang)?;
            let extra = json!({ "errors": errors, "comment": typed, "private_typed": private });
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                workspace(&ctx, &reference, extra).await?,
            )
                .into_response())
        }
    }
}

/// The qualification form (provider side).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesForm {
    revision: i32,
    impact: Option<String>,
    urgency: Option<String>,
    parent: Option<String>,
}

/// `POST /tickets/{ref}/changes`.
pub async fn change(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<ChangesForm>,
) -> Result<Redirect, AppError> {
    let changes = TicketChanges {
        revision: form.revision,
        impact: form
            .impact
            .as_deref()
            .map(|i| parse_word("impact", i))
            .transpose()?,
        urgency: form
            .urgency
            .as_deref()
            .map(|u| parse_word("urgency", u))
            .transpose()?,
        parent: form.parent,
        ..TicketChanges::default()
    };
    changes::update(&ctx, &reference, changes).await?;
    Ok(confirmed(ctx.caller(), &reference, "changes"))
}

/// The participants form: an address to add, or an id to remove.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantsForm {
    revision: i32,
    add: Option<String>,
    remove: Option<i64>,
}

/// `POST /tickets/{ref}/participants`: adds a colleague (found by address among the accounts
/// the visitor reads) or removes one.
pub async fn participants(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<ParticipantsForm>,
) -> Result<Redirect, AppError> {
    let add = match filled(&form.add) {
        Some(email) => vec![
            accounts::readable_id_by_email(&ctx, email)
                .await?
                .ok_or_else(|| {
                    AppError::field_message("add", "ticket-form-no-such-address", vec![])
                })?,
        ],
        None => Vec::new(),
    };
    let changes = TicketChanges {
        revision: form.revision,
        add_participants: add,
        remove_participants: form.remove.into_iter().collect(),
        ..TicketChanges::default()
    };
    changes::update(&ctx, &reference, changes).await?;
    Ok(confirmed(ctx.caller(), &reference, "participants"))
}

/// `POST /tickets/views`: saves the list's current filters under a name.
pub async fn save_view(ctx: Ctx, CsrfForm(form): CsrfForm<NewView>) -> Result<Redirect, AppError> {
    let view = views::create(&ctx, form).await?;
    Ok(Redirect::to(&format!(
        "{}/tickets?{}",
        home_of(ctx.caller()),
        view.query
    )))
}

/// `POST /tickets/views/{id}/delete`.
pub async fn delete_view(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    views::delete(&ctx, id).await?;
    Ok(Redirect::to(&format!("{}/tickets", home_of(ctx.caller()))))
}
