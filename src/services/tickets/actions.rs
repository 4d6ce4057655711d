//! What is done to a ticket: the lifecycle actions, the public and private logs, the history.

use chrono::{DateTime, Utc};
use entity::{account, offer, team_member, ticket, ticket_history, ticket_log};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{TicketView, get, record, row, sides};
use crate::services::{
    catalogue::attachments::{self, AttachmentView, Upload, clean_file_name},
    notifications::{self, Audience, Kind, TicketEvent},
};
use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::lifecycle::{self, Action, Side, Status},
    error::AppError,
    markdown,
    services::stale,
};

/// The body of an action; which fields count depends on the action.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// The revision read (optional: without it no staleness check is made).
    pub revision: Option<i32>,
    /// assign: the team.
    pub team: Option<i64>,
    /// assign: the agent, a member of the team.
    pub agent: Option<i64>,
    /// pend: why.
    pub reason: Option<String>,
    /// resolve: the solution.
    pub solution: Option<String>,
    /// close: 1 (very satisfied) to 4 (dissatisfied); absent stays unrated.
    pub satisfaction: Option<i16>,
    /// close: a comment on the rating; reopen: why (required).
    pub comment: Option<String>,
}

fn text(field: &str, value: &Option<String>, max: usize) -> Result<String, AppError> {
    let value = value.as_deref().map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(AppError::field(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

pub(super) async fn provider_of<C: ConnectionTrait>(
    db: &C,
    offer_id: i64,
) -> Result<i64, AppError> {
    Ok(Unscoped::find::<offer::Entity>()
        .filter(offer::Column::Id.eq(offer_id))
        .one(db)
        .await?
        .map(|o| o.provider_id)
        .unwrap_or_default())
}

/// The side from which `caller` may take `action` on `row`: 409 listing the allowed actions
/// when none, 403 when the caller reads the ticket but stands on no side at all.
fn side_for(
    caller: &Caller,
    row: &ticket::Model,
    provider_id: i64,
    action: Action,
) -> Result<(Side, Status), AppError> {
    let status = Status::parse(&row.status).unwrap_or(Status::Closed);
    let sides = sides(caller, row, provider_id);
    if sides.is_empty() {
        return Err(AppError::Forbidden(
            "you follow this ticket but do not act on it".to_owned(),
        ));
    }
    for side in &sides {
        if let Some(next) = lifecycle::next(status, action, *side) {
            return Ok((*side, next));
        }
    }
    let allowed: Vec<Action> = sides
        .iter()
        .flat_map(|s| lifecycle::allowed(status, *s))
        .collect();
    Err(AppError::Conflict {
        message: format!(
            "{} is not possible on a {} ticket",
            action.as_str(),
            status.as_str()
        ),
        details: json!({ "status": status, "allowed_actions": allowed }),
    })
}

/// Takes a lifecycle action. Illegal: 409 with the allowed actions; stale revision: 409;
/// bad input: 422. Nothing changes in any of those cases.
pub async fn act<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    action: Action,
    input: ActionInput,
) -> Result<TicketView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    let provider_id = provider_of(db.conn(), current.offer_id).await?;
    let (side, next) = side_for(caller, &current, provider_id, action)?;
    if input.revision.is_some_and(|r| r != current.revision) {
        return Err(stale());
    }
    let now = db.now();
    let mut changes: Vec<(&str, Option<String>, Option<String>)> = vec![(
        "status",
        Some(current.status.clone()),
        Some(next.as_str().to_owned()),
    )];
    let mut update = Unscoped::update_many::<ticket::Entity>()
        .col_expr(ticket::Column::Status, Expr::value(next.as_str()))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .col_expr(ticket::Column::Revision, Expr::value(current.revision + 1))
        .filter(ticket::Column::Id.eq(current.id))
        .filter(ticket::Column::Revision.eq(current.revision));
    let mut public_note: Option<String> = None;
    let mut children_solution: Option<String> = None;
    // What to tell, to whom, quoting what.
    let mut told: Option<(Kind, Audience, Option<String>)> = None;
    match action {
        Action::Assign => {
            let team = input
                .team
                .ok_or_else(|| AppError::field("team", "is required"))?;
            let agent = input
                .agent
                .ok_or_else(|| AppError::field("agent", "is required"))?;
            let member = Unscoped::find::<team_member::Entity>()
                .filter(team_member::Column::TeamId.eq(team))
                .filter(team_member::Column::AccountId.eq(agent))
                .count(db.conn())
                .await?
                > 0;
            if !member {
                return Err(AppError::field("agent", "is not a member of this team"));
            }
            update = update
                .col_expr(ticket::Column::TeamId, Expr::value(team))
                .col_expr(ticket::Column::AgentId, Expr::value(agent));
            if current.assigned_at.is_none() {
                update = update.col_expr(ticket::Column::AssignedAt, Expr::value(now));
            }
            told = Some((Kind::Assigned, Audience::Provider, None));
            changes.push((
                "team",
                current.team_id.map(|t| t.to_string()),
                Some(team.to_string()),
            ));
            changes.push((
                "agent",
                current.agent_id.map(|a| a.to_string()),
                Some(agent.to_string()),
            ));
        }
        Action::Pend => {
            let reason = text("reason", &input.reason, 2000)?;
            update = update.col_expr(ticket::Column::PendingReason, Expr::value(reason.clone()));
            told = Some((Kind::Pending, Audience::Requester, Some(reason.clone())));
            changes.push((
                "pending_reason",
                current.pending_reason.clone(),
                Some(reason),
            ));
        }
        Action::Resume => {
            update = update.col_expr(
                ticket::Column::PendingReason,
                Expr::value(Option::<String>::None),
            );
        }
        Action::Resolve => {
            let solution = text("solution", &input.solution, 50_000)?;
            update = update
                .col_expr(ticket::Column::Solution, Expr::value(solution.clone()))
                .col_expr(ticket::Column::ResolvedAt, Expr::value(now));
            changes.push(("solution", current.solution.clone(), Some(solution.clone())));
            told = Some((Kind::Resolved, Audience::Requester, Some(solution.clone())));
            children_solution = Some(solution);
        }
        Action::Close => {
            if input.satisfaction.is_some_and(|s| !(1..=4).contains(&s)) {
                return Err(AppError::field(
                    "satisfaction",
                    "must be 1 (very satisfied) to 4 (dissatisfied)",
                ));
            }
            let comment = input
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            update = update
                .col_expr(
                    ticket::Column::Satisfaction,
                    Expr::value(input.satisfaction),
                )
                .col_expr(
                    ticket::Column::SatisfactionComment,
                    Expr::value(comment.map(str::to_owned)),
                )
                .col_expr(ticket::Column::ClosedAt, Expr::value(now));
            if let Some(rating) = input.satisfaction {
                changes.push(("satisfaction", None, Some(rating.to_string())));
            }
            let other_side = match side {
                Side::Provider => Audience::Requester,
                Side::Requester | Side::System => Audience::Provider,
            };
            told = Some((Kind::Closed, other_side, comment.map(str::to_owned)));
        }
        Action::Reopen => {
            let comment = text("comment", &input.comment, 50_000)?;
            update = update.col_expr(
                ticket::Column::ResolvedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
            told = Some((Kind::Reopened, Audience::Provider, Some(comment.clone())));
            public_note = Some(comment);
        }
    }
    if let Some(level) = super::sla::level(db.conn(), current.sla_id).await? {
        update = moved_clocks(&level, &current, action, now).write(update);
    }
    let txn = db.conn().begin().await?;
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(stale());
    }
    record(&txn, current.id, Some(caller.account_id), &changes).await?;
    if let Some(note) = public_note {
        append_log(&txn, current.id, Some(caller.account_id), false, &note).await?;
    }
    if let Some(solution) = children_solution {
        crate::services::fulltext::append_to_tickets(&txn, &[current.id], &solution, false).await?;
        resolve_children(&txn, &current, caller.account_id, &solution).await?;
    }
    if let Some((kind, audience, detail)) = told {
        let changed = reread(&txn, current.id).await?;
        notifications::ticket_event(
            &txn,
            TicketEvent {
                kind,
                ticket: &changed,
                audience,
                actor: Some(caller.account_id),
                detail,
            },
        )
        .await?;
    }
    txn.commit().await?;
    get(db, caller, reference).await
}

/// SPEC section 4: time to own stops at the first assignment, time to resolve at resolution;
/// neither counts while the ticket waits; a reopening resumes time to resolve.
fn moved_clocks(
    level: &super::sla::Level,
    current: &ticket::Model,
    action: Action,
    now: DateTime<Utc>,
) -> super::sla::Clocks {
    let cal = &level.calendar;
    let mut clocks = super::sla::Clocks::of(current);
    match action {
        Action::Assign => clocks.tto.stop(cal, now),
        Action::Pend => {
            clocks.tto.pause(cal, now);
            clocks.ttr.pause(cal, now);
        }
        Action::Resume => {
            clocks.tto.resume(cal, now);
            clocks.ttr.resume(cal, now);
        }
        Action::Resolve => {
            clocks.tto.stop(cal, now);
            clocks.ttr.stop(cal, now);
        }
        Action::Reopen => clocks.ttr.reopen(cal, now),
        Action::Close => {}
    }
    clocks
}

/// A ticket as it is inside a transaction that changed it.
async fn reread<C: ConnectionTrait>(txn: &C, id: i64) -> Result<ticket::Model, AppError> {
    Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Resolving a parent incident resolves its open children with the same solution.
async fn resolve_children<C: ConnectionTrait>(
    txn: &C,
    parent: &ticket::Model,
    actor: i64,
    solution: &str,
) -> Result<(), AppError> {
    let children = Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::ParentId.eq(parent.id))
        .filter(ticket::Column::Status.is_in(["new", "assigned", "pending"]))
        .all(txn)
        .await?;
    if children.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let text = format!("{solution}\n\n(résolu depuis {})", parent.reference);
    // One statement for every child, whatever their number; the status filter keeps a child
    // closed or resolved meanwhile out of it.
    Unscoped::update_many::<ticket::Entity>()
        .col_expr(ticket::Column::Status, Expr::value("resolved"))
        .col_expr(ticket::Column::Solution, Expr::value(text))
        .col_expr(ticket::Column::ResolvedAt, Expr::value(now))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            ticket::Column::Revision,
            Expr::col(ticket::Column::Revision).add(1),
        )
        .filter(ticket::Column::Id.is_in(children.iter().map(|c| c.id)))
        .filter(ticket::Column::Status.is_in(["new", "assigned", "pending"]))
        .exec(txn)
        .await?;
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    crate::services::fulltext::append_to_tickets(txn, &ids, solution, false).await?;
    ticket_history::Entity::insert_many(children.iter().map(|child| ticket_history::ActiveModel {
        ticket_id: Set(child.id),
        actor_id: Set(Some(actor)),
        field: Set("status".to_owned()),
        old_value: Set(Some(child.status.clone())),
        new_value: Set(Some("resolved".to_owned())),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn append_log<C: ConnectionTrait>(
    db: &C,
    ticket_id: i64,
    author: Option<i64>,
    private: bool,
    body: &str,
) -> Result<ticket_log::Model, AppError> {
    crate::services::fulltext::append_to_tickets(db, &[ticket_id], body, private).await?;
    Ok(ticket_log::ActiveModel {
        ticket_id: Set(ticket_id),
        author_id: Set(author),
        private: Set(private),
        body: Set(body.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Checks that the caller reads a log entry (its ticket, and a private entry only from the
/// provider's side): 404 otherwise, like the ticket.
pub async fn log_entry_readable<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    log_id: i64,
) -> Result<(), AppError> {
    let entry = Unscoped::find::<ticket_log::Entity>()
        .filter(ticket_log::Column::Id.eq(log_id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let ticket = db
        .find::<ticket::Entity>()
        .filter(ticket::Column::Id.eq(entry.ticket_id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if entry.private {
        let provider_id = provider_of(db.conn(), ticket.offer_id).await?;
        if !super::provider_side(db.scope(), &ticket, provider_id) {
            return Err(AppError::NotFound);
        }
    }
    Ok(())
}

/// Every file of a ticket the caller reads: those filed with it and those of the log entries
/// the caller sees.
pub async fn files<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    view: &TicketView,
    id: i64,
) -> Result<Vec<AttachmentView>, AppError> {
    let mut files = attachments::of(db.conn(), "ticket", id).await?;
    let mut entries = Unscoped::find::<ticket_log::Entity>()
        .select_only()
        .column(ticket_log::Column::Id)
        .filter(ticket_log::Column::TicketId.eq(id))
        .limit(1000);
    if !view.provider_side {
        entries = entries.filter(ticket_log::Column::Private.eq(false));
    }
    let entry_ids = entries.into_tuple::<i64>().all(db.conn()).await?;
    let mut of_entries = attachments::of_owners(db.conn(), LOG_ATTACHMENT, entry_ids).await?;
    let mut all: Vec<AttachmentView> = of_entries.drain().flat_map(|(_, v)| v).collect();
    all.sort_by_key(|a| a.id);
    files.extend(all);
    Ok(files)
}

/// The owner kind of files sent with a log entry.
pub const LOG_ATTACHMENT: &str = "ticket_log";

/// A log entry to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLogEntry {
    /// Markdown.
    pub body: String,
    /// Private entries are for the provider side only.
    #[serde(default)]
    pub private: bool,
}

/// A log entry as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogEntryView {
    /// Id.
    pub id: i64,
    /// Author's name; none for the platform.
    pub author: Option<String>,
    /// Private (provider side only).
    pub private: bool,
    /// Markdown as written.
    pub body: String,
    /// Rendered and sanitised.
    pub body_html: String,
    /// Files sent with the entry.
    pub attachments: Vec<AttachmentView>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A file sent with a log entry, and where it is to be kept.
pub struct LogFile<'a> {
    /// The attachments' root.
    pub data_dir: &'a std::path::Path,
    /// The size limit.
    pub max_bytes: usize,
    /// The file.
    pub upload: Upload,
}

/// Adds to the public or private log, with a file if one is sent (then the text may be empty:
/// the entry names the file). A public entry on a parent is copied to its open children.
pub async fn add_log<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    entry: NewLogEntry,
    file: Option<LogFile<'_>>,
) -> Result<LogEntryView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    let provider_id = provider_of(db.conn(), current.offer_id).await?;
    let sides = sides(caller, &current, provider_id);
    if entry.private && !sides.contains(&Side::Provider) {
        return Err(AppError::Forbidden(
            "only the provider side writes in the private log".to_owned(),
        ));
    }
    let written = entry.body.trim();
    let named = file
        .as_ref()
        .map(|f| format!("📎 {}", clean_file_name(&f.upload.file_name)));
    let body = match (written.is_empty(), &named) {
        (true, Some(named)) => named.as_str(),
        _ => written,
    };
    if body.is_empty() || body.chars().count() > 50_000 {
        return Err(AppError::field(
            "body",
            "is required, at most 50000 characters",
        ));
    }
    let txn = db.conn().begin().await?;
    let created = append_log(
        &txn,
        current.id,
        Some(caller.account_id),
        entry.private,
        body,
    )
    .await?;
    if !entry.private {
        let audience = if sides.contains(&Side::Provider) {
            Audience::Requester
        } else {
            Audience::Provider
        };
        notifications::ticket_event(
            &txn,
            TicketEvent {
                kind: Kind::Commented,
                ticket: &current,
                audience,
                actor: Some(caller.account_id),
                detail: Some(body.to_owned()),
            },
        )
        .await?;
    }
    let mut stored = Vec::new();
    if let Some(file) = file {
        stored.push(
            attachments::store(
                &txn,
                file.data_dir,
                LOG_ATTACHMENT,
                created.id,
                caller.account_id,
                file.upload,
                file.max_bytes,
            )
            .await?,
        );
    }
    Unscoped::update_many::<ticket::Entity>()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(db.now()))
        .filter(ticket::Column::Id.eq(current.id))
        .exec(&txn)
        .await?;
    if !entry.private {
        let children = Unscoped::find::<ticket::Entity>()
            .select_only()
            .column(ticket::Column::Id)
            .filter(ticket::Column::ParentId.eq(current.id))
            .filter(ticket::Column::Status.is_in(["new", "assigned", "pending"]))
            .into_tuple::<i64>()
            .all(&txn)
            .await?;
        if !children.is_empty() {
            let copied = format!("{body}\n\n(depuis {})", current.reference);
            crate::services::fulltext::append_to_tickets(&txn, &children, &copied, false).await?;
            ticket_log::Entity::insert_many(children.into_iter().map(|child| {
                ticket_log::ActiveModel {
                    ticket_id: Set(child),
                    author_id: Set(Some(caller.account_id)),
                    private: Set(false),
                    body: Set(copied.clone()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(LogEntryView {
        id: created.id,
        author: Some(caller.display_name.clone()),
        private: created.private,
        body_html: markdown::to_safe_html(&created.body),
        body: created.body,
        attachments: stored,
        created_at: created.created_at,
    })
}

async fn names<C: ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}

/// The log the caller may read: the requester side never sees private entries.
pub async fn logs<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<Vec<LogEntryView>, AppError> {
    let current = row(db, reference).await?;
    let provider_id = provider_of(db.conn(), current.offer_id).await?;
    let provider = sides(caller, &current, provider_id).contains(&Side::Provider);
    let mut query =
        Unscoped::find::<ticket_log::Entity>().filter(ticket_log::Column::TicketId.eq(current.id));
    if !provider {
        query = query.filter(ticket_log::Column::Private.eq(false));
    }
    // A ticket's log is a conversation, bounded in practice; the cap keeps a runaway one
    // from being read whole.
    let rows = query
        .order_by_asc(ticket_log::Column::Id)
        .limit(1000)
        .all(db.conn())
        .await?;
    let authors = names(db.conn(), rows.iter().filter_map(|r| r.author_id)).await?;
    let mut files =
        attachments::of_owners(db.conn(), LOG_ATTACHMENT, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntryView {
            attachments: files.remove(&r.id).unwrap_or_default(),
            id: r.id,
            author: r.author_id.and_then(|a| {
                authors
                    .iter()
                    .find(|(id, _)| *id == a)
                    .map(|(_, n)| n.clone())
            }),
            private: r.private,
            body_html: markdown::to_safe_html(&r.body),
            body: r.body,
            created_at: r.created_at,
        })
        .collect())
}

/// One change in a ticket's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Who; none for the platform.
    pub actor: Option<String>,
    /// Which field.
    pub field: String,
    /// Before.
    pub old_value: Option<String>,
    /// After.
    pub new_value: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The ticket's history, oldest first.
pub async fn history<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    reference: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    let current = row(db, reference).await?;
    let rows = Unscoped::find::<ticket_history::Entity>()
        .filter(ticket_history::Column::TicketId.eq(current.id))
        .order_by_asc(ticket_history::Column::Id)
        .limit(2000)
        .all(db.conn())
        .await?;
    let actors = names(db.conn(), rows.iter().filter_map(|r| r.actor_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntry {
            actor: r.actor_id.and_then(|a| {
                actors
                    .iter()
                    .find(|(id, _)| *id == a)
                    .map(|(_, n)| n.clone())
            }),
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            at: r.created_at,
        })
        .collect())
}

/// Attaches a file to a ticket: a log entry carrying it, with an optional comment.
pub async fn attach<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    entry: NewLogEntry,
    file: LogFile<'_>,
) -> Result<AttachmentView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    add_log(db, caller, reference, entry, Some(file))
        .await?
        .attachments
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the stored file was not returned")))
}
