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
        tickets::{
            self, TicketFilter,
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

pub mod bulk;
mod request_form;

pub use request_form::{create, desk_create, desk_new_form, new_form};
use request_form::{filled, parse_word};

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
    let assignable = if ctx.caller().is_staff() {
        tickets::assignable(&ctx).await?
    } else {
        Vec::new()
    };
    let pairs = filter.pairs();
    let query = serde_html_form::to_string(&pairs).unwrap_or_default();
    let shown: std::collections::BTreeMap<&str, String> = pairs.into_iter().collect();
    Ok(Page::new(
        "tickets/list.html",
        json!({ "list": list, "filter": shown, "query": query, "base": home_of(ctx.caller()),
                "me_id": ctx.caller().account_id, "teams": teams, "saved": saved,
                "assignable": assignable, "now": ctx.now() }),
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
pub(super) async fn workspace(ctx: &Ctx, reference: &str, extra: Value) -> Result<Page, AppError> {
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
