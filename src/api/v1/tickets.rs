//! Tickets: filing, reading, lists, lifecycle actions, logs, history; the priority matrix.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    domain::{lifecycle::Action, priority::Matrix},
    error::AppError,
    quota::CreationQuota,
    services::{
        catalogue::attachments::Upload,
        tickets::{
            self, NewTicket, Origin, TicketFilter, TicketView,
            actions::{self, ActionInput},
            bulk::{BulkInput, BulkOutcome},
            changes::{self, TicketChanges},
            history::{self, HistoryEntry},
            list::TicketPage,
            log::{self, LogEntryView, LogFile, NewLogEntry},
            settings,
            views::{self, NewView, SavedView},
        },
    },
    state::AppState,
};

/// The tickets the caller reads, filtered, sorted and paged; with `format=csv` or
/// `Accept: text/csv`, the whole list (same filters and order) as CSV.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketFilter),
    responses((status = 200, description = "A page of tickets (`total` stops counting 1000 tickets past the page; `more` says whether more match); with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((TicketPage = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<TicketFilter>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = tickets::export::export(ctx, filter).await?;
        return crate::http::csv_stream("tickets.csv", chunks);
    }
    Ok(Json(tickets::list(&ctx, &filter).await?).into_response())
}

/// Files an incident or a service request for the caller's organisation, through the filing
/// rule; the subcategory decides the extra fields required. With an `Idempotency-Key` header,
/// a retry answers what the first request answered.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = TicketView), (status = 404), (status = 409), (status = 422), (status = 429)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    _quota: CreationQuota,
    Json(body): Json<NewTicket>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(tickets::create(&ctx, body, Origin::Api).await?),
    ))
}

/// One ticket (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/tickets/{ref}", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference, e.g. I-000042", pattern = "^[IR]-[0-9]{6,}$")),
    responses((status = 200, body = TicketView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(reference): Path<String>) -> Result<Json<TicketView>, AppError> {
    Ok(Json(tickets::get(&ctx, &reference).await?))
}

/// Changes impact and urgency (priority follows), visibility, parent incident, participants.
#[utoipa::path(patch, path = "/api/v1/tickets/{ref}", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$")), request_body = TicketChanges,
    responses((status = 200, body = TicketView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update(
    ctx: Ctx,
    Path(reference): Path<String>,
    Json(body): Json<TicketChanges>,
) -> Result<Json<TicketView>, AppError> {
    Ok(Json(changes::update(&ctx, &reference, body).await?))
}

/// Takes a lifecycle action: assign `{team, agent}`, pend `{reason}`, resume, resolve
/// `{solution}`, close `{satisfaction, comment}`, reopen `{comment}`; each takes `revision`.
/// An action not allowed now answers 409 with the allowed ones.
#[utoipa::path(post, path = "/api/v1/tickets/{ref}/actions/{action}", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$"),
           ("action" = Action, Path, description = "the lifecycle action")),
    request_body = ActionInput,
    responses((status = 200, body = TicketView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn act(
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    body: Option<Json<ActionInput>>,
) -> Result<Json<TicketView>, AppError> {
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let input = body.map(|Json(b)| b).unwrap_or_default();
    Ok(Json(actions::act(&ctx, &reference, action, input).await?))
}

/// Adds an entry to the public or (provider side) private log.
#[utoipa::path(post, path = "/api/v1/tickets/{ref}/log", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$")), request_body = NewLogEntry,
    responses((status = 201, body = LogEntryView), (status = 403), (status = 404), (status = 422), (status = 429)),
    security(("bearer" = [])))]
pub async fn add_log(
    ctx: Ctx,
    _quota: CreationQuota,
    Path(reference): Path<String>,
    Json(body): Json<NewLogEntry>,
) -> Result<(StatusCode, Json<LogEntryView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(log::add_log(&ctx, &reference, body, None).await?),
    ))
}

/// The log the caller may read (no private entries for the requester side).
#[utoipa::path(get, path = "/api/v1/tickets/{ref}/log", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$")),
    responses((status = 200, body = [LogEntryView]), (status = 404)), security(("bearer" = [])))]
pub async fn logs(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<Json<Vec<LogEntryView>>, AppError> {
    Ok(Json(log::logs(&ctx, &reference).await?))
}

/// One entry of the log (404 for a private one on the requester side).
#[utoipa::path(get, path = "/api/v1/tickets/{ref}/log/{id}", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$"),
           ("id" = i64, Path, description = "log entry id", minimum = 1)),
    responses((status = 200, body = LogEntryView), (status = 404)), security(("bearer" = [])))]
pub async fn log_entry(
    ctx: Ctx,
    Path((reference, id)): Path<(String, i64)>,
) -> Result<Json<LogEntryView>, AppError> {
    Ok(Json(log::log_entry(&ctx, &reference, id).await?))
}

/// Every change of the ticket: who, when, field, old, new.
#[utoipa::path(get, path = "/api/v1/tickets/{ref}/history", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$")),
    responses((status = 200, body = [HistoryEntry]), (status = 404)), security(("bearer" = [])))]
pub async fn history(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, AppError> {
    Ok(Json(history::history(&ctx, &reference).await?))
}

/// Attaches a file to a ticket: multipart parts `file`, and optionally `body` (a comment) and
/// `private` (`true`, provider side only). A log entry carries the file.
#[utoipa::path(post, path = "/api/v1/tickets/{ref}/attachments", tag = "tickets",
    params(("ref" = String, Path, description = "ticket reference", pattern = "^[IR]-[0-9]{6,}$")),
    request_body(content_type = "multipart/form-data", content = crate::api::document::LogUpload, description = "a `file` part; optional `body` and `private` parts"),
    responses((status = 201, body = crate::services::catalogue::attachments::AttachmentView), (status = 403), (status = 404), (status = 422), (status = 413), (status = 429)),
    security(("bearer" = [])))]
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    _quota: CreationQuota,
    Path(reference): Path<String>,
    multipart: axum::extract::Multipart,
) -> Result<
    (
        StatusCode,
        Json<crate::services::catalogue::attachments::AttachmentView>,
    ),
    AppError,
> {
    let (entry, upload) = log_parts(multipart).await?;
    let upload = upload.ok_or_else(|| AppError::field_message("file", "field-required", vec![]))?;
    let file = LogFile {
        data_dir: &state.config.data_dir,
        max_bytes: state.config.attachment_max_bytes,
        upload,
    };
    let stored = log::attach(&ctx, &reference, entry, file).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Reads a log entry sent as multipart: `body`, `private` (any value but `false` is on, as a
/// checkbox sends it) and an optional `file` (a file input left empty sends no bytes).
pub async fn log_parts(
    mut multipart: axum::extract::Multipart,
) -> Result<(NewLogEntry, Option<Upload>), AppError> {
    let mut entry = NewLogEntry {
        body: String::new(),
        private: false,
    };
    let mut upload = None;
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("body") => entry.body = field.text().await?,
            Some("private") => entry.private = field.text().await? != "false",
            Some("file") => {
                let file_name = field.file_name().unwrap_or("fichier").to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field.bytes().await?.to_vec();
                if !bytes.is_empty() || !file_name.is_empty() {
                    upload = Some(Upload {
                        file_name,
                        content_type,
                        bytes,
                    });
                }
            }
            _ => {
                return Err(AppError::field_message(
                    "multipart",
                    "ticket-form-unknown-part",
                    vec![],
                ));
            }
        }
    }
    Ok((entry, upload))
}

/// The priority matrix in force.
#[utoipa::path(get, path = "/api/v1/settings/priority-matrix", tag = "tickets",
    responses((status = 200, body = Matrix)), security(("bearer" = [])))]
pub async fn get_matrix(ctx: Ctx) -> Result<Json<Matrix>, AppError> {
    Ok(Json(settings::matrix(&ctx).await?))
}

/// Replaces the priority matrix (administrators); it applies to tickets filed afterwards.
#[utoipa::path(put, path = "/api/v1/settings/priority-matrix", tag = "tickets", request_body = Matrix,
    responses((status = 200, body = Matrix), (status = 403)), security(("bearer" = [])))]
pub async fn set_matrix(ctx: Ctx, Json(body): Json<Matrix>) -> Result<Json<Matrix>, AppError> {
    Ok(Json(settings::set_matrix(&ctx, &body).await?))
}

/// The caller's saved views of the ticket lists.
#[utoipa::path(get, path = "/api/v1/ticket-views", tag = "tickets",
    responses((status = 200, body = Vec<SavedView>)), security(("bearer" = [])))]
pub async fn list_views(ctx: Ctx) -> Result<Json<Vec<SavedView>>, AppError> {
    Ok(Json(views::list(&ctx).await?))
}

/// Saves a view: a name and the filters of `GET /api/v1/tickets` as a query string.
#[utoipa::path(post, path = "/api/v1/ticket-views", tag = "tickets", request_body = NewView,
    responses((status = 201, body = SavedView), (status = 422)), security(("bearer" = [])))]
pub async fn create_view(
    ctx: Ctx,
    Json(body): Json<NewView>,
) -> Result<(StatusCode, Json<SavedView>), AppError> {
    Ok((StatusCode::CREATED, Json(views::create(&ctx, body).await?)))
}

/// Deletes one of the caller's views.
#[utoipa::path(delete, path = "/api/v1/ticket-views/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "view id", minimum = 1)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete_view(ctx: Ctx, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    views::delete(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assigns a selection of tickets, to the caller (`assign_to_me`) or to an agent of a team
/// (`assign`, which also changes the team): each ticket through the one-by-one assign action
/// and its rules, in its own transaction; the answer says per ticket `done` or why not
/// (`not_found` for a ticket the caller does not read, `conflict`, `invalid`, `forbidden`).
#[utoipa::path(post, path = "/api/v1/tickets/bulk", tag = "tickets", request_body = BulkInput,
    responses((status = 200, body = Vec<BulkOutcome>), (status = 422)), security(("bearer" = [])))]
pub async fn bulk(
    ctx: Ctx,
    Json(input): Json<BulkInput>,
) -> Result<Json<Vec<BulkOutcome>>, AppError> {
    Ok(Json(tickets::bulk::bulk(&ctx, input).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(act))
        .routes(routes!(bulk))
        .routes(routes!(add_log, logs))
        .routes(routes!(log_entry))
        .routes(routes!(history))
        .routes(routes!(attach))
        .routes(routes!(get_matrix, set_matrix))
        .routes(routes!(list_views, create_view))
        .routes(routes!(delete_view))
}
