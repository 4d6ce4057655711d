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
    quota::CreationQuota,
    services::{
        accounts,
        catalogue::{filing, offers},
        tickets::{
            self, NewTicket, Origin, TicketFilter, Visibility,
            actions::{self, ActionInput},
            changes::{self, TicketChanges},
            history,
            log::{self, LogFile},
            views::{self, NewView},
        },
    },
    state::AppState,
    view::Page,
    web::forms::field_errors,
};

/// Where a visitor's ticket pages live.
fn home_of(caller: &Caller) -> &'static str {
    if caller.is_staff() {
        "/desk"
    } else {
        "/portal"
    }
}

/// Back to the ticket's page, on the visitor's side.
fn back_to(caller: &Caller, reference: &str) -> Redirect {
    Redirect::to(&format!(
        "{}/tickets/{}",
        home_of(caller),
        reference.trim().to_uppercase()
    ))
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
pub async fn new_form(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
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
            let errors = field_errors(err.into())?;
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
    let mut form = form;
    if form.get("impact").is_none() {
        form = json!({ "impact": "person", "urgency": "medium" });
    }
    Ok((
        status,
        Page::new(
            "portal/ticket_form.html",
            json!({ "subcategory": sub, "choices": choices(), "form": form, "errors": errors,
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
        version: form.version.clone(),
        environment: form.environment.clone(),
        page_url: form.page_url.clone(),
        event_at,
        people_affected,
        requester,
    })
}

/// `POST /portal/new/{subcategory}`: files the request.
pub async fn create(
    ctx: Ctx,
    _quota: CreationQuota,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TicketForm>,
) -> Result<Response, AppError> {
    file(&ctx, id, form, Front::Portal).await
}

/// `POST /desk/new/{subcategory}`: files a request for a contact (origin `desk`).
pub async fn desk_create(
    ctx: Ctx,
    _quota: CreationQuota,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TicketForm>,
) -> Result<Response, AppError> {
    file(&ctx, id, form, Front::Desk).await
}

async fn file(ctx: &Ctx, id: i64, form: TicketForm, front: Front) -> Result<Response, AppError> {
    let origin = match front {
        Front::Portal => Origin::Portal,
        Front::Desk => Origin::Desk,
    };
    let result = match new_ticket(ctx, id, &form, front).await {
        Ok(new) => tickets::create(ctx, new, origin)
            .await
            .map_err(AppError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(ticket) => Ok(
            Redirect::to(&format!("{}/tickets/{}", front.base(), ticket.reference)).into_response(),
        ),
        Err(err) => {
            let errors = serde_json::to_value(field_errors(err)?).unwrap_or_default();
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

/// `GET /portal/tickets/{ref}` and `GET /desk/tickets/{ref}`.
pub async fn show(ctx: Ctx, Path(reference): Path<String>) -> Result<Page, AppError> {
    let ticket = tickets::get(&ctx, &reference).await?;
    let log = log::logs(&ctx, &reference).await?;
    let history = history::history(&ctx, &reference).await?;
    let provider = ticket.provider_side;
    let assignable = if provider {
        tickets::assignable(&ctx).await?
    } else {
        Vec::new()
    };
    // What the deadlines come from: the service level's target and window. One the visitor
    // does not read (another provider's) is simply not explained.
    let sla = match ticket.sla_id {
        Some(id) => crate::services::catalogue::slas::get(&ctx, id).await.ok(),
        None => None,
    };
    Ok(Page::new(
        "tickets/show.html",
        json!({ "ticket": ticket, "log": log, "history": history, "provider": provider,
                "assignable": assignable, "choices": choices(), "now": ctx.now(),
                "base": home_of(ctx.caller()), "sla": sla }),
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
    Ok(back_to(ctx.caller(), &ticket.reference))
}

/// `POST /tickets/{ref}/log`: a multipart form whose first part is `_csrf`, then `body`,
/// `private` and an optional `file`.
pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    _quota: CreationQuota,
    session: tower_sessions::Session,
    Path(reference): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Redirect, AppError> {
    crate::auth::csrf::verify_multipart(&session, &mut multipart).await?;
    let (entry, upload) = crate::api::v1::tickets::log_parts(multipart).await?;
    let file = upload.map(|upload| LogFile {
        data_dir: &state.config.data_dir,
        max_bytes: state.config.attachment_max_bytes,
        upload,
    });
    log::add_log(&ctx, &reference, entry, file).await?;
    Ok(back_to(ctx.caller(), &reference))
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
    Ok(back_to(ctx.caller(), &reference))
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
    Ok(back_to(ctx.caller(), &reference))
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
