//! A ticket's public and private logs, and the files sent with their entries. The private log
//! is the provider side's: the scope rule of `ticket_log` keeps it from everyone else, and with
//! it the files its entries carry.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{attachment, ticket, ticket_log, ticket_participant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    history::{name_of, names},
    row, sides,
};
use crate::{
    db::{Ctx, Handle},
    domain::lifecycle::Side,
    markdown,
    services::{
        catalogue::attachments::{self, AttachmentView, Upload, clean_file_name},
        error::{ServiceError, ServiceResult},
        fulltext,
        notifications::{self, Audience, Kind, TicketEvent},
    },
};

/// The owner kind of files filed with a ticket itself.
pub const TICKET_ATTACHMENT: attachment::OwnerKind = attachment::OwnerKind::Ticket;

/// The owner kind of files sent with a log entry.
pub const LOG_ATTACHMENT: attachment::OwnerKind = attachment::OwnerKind::TicketLog;

/// The statuses of a child incident that a parent's log and solution still reach.
pub(crate) const OPEN: [ticket::Status; 3] = [
    ticket::Status::New,
    ticket::Status::Assigned,
    ticket::Status::Pending,
];

/// A log entry to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Le problème se produit avec tous les navigateurs.", "private": false}))]
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

/// Appends an entry under a ticket the caller may change (checked by the insert), indexed in
/// the same transaction.
pub(super) async fn append_log<C: Handle>(
    ctx: &Ctx<C>,
    ticket_id: i64,
    private: bool,
    body: &str,
) -> ServiceResult<ticket_log::Model> {
    fulltext::append_to_tickets(ctx, &[ticket_id], body, private).await?;
    Ok(ctx
        .insert_child::<ticket_log::Entity, _>(ticket_log::ActiveModel {
            ticket_id: Set(ticket_id),
            author_id: Set(Some(ctx.caller().account_id)),
            private: Set(private),
            body: Set(body.to_owned()),
            created_at: Set(ctx.now()),
            ..Default::default()
        })
        .await?)
}

/// Every file of a ticket the caller reads: those filed with it and those of the log entries
/// the caller sees (the scope rules leave the private log's files to the provider side).
pub async fn files<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<Vec<AttachmentView>> {
    let mut files = attachments::of(ctx, TICKET_ATTACHMENT, id).await?;
    let entry_ids = ctx
        .find::<ticket_log::Entity>()
        .select_only()
        .column(ticket_log::Column::Id)
        .filter(ticket_log::Column::TicketId.eq(id))
        .limit(1000)
        .into_tuple::<i64>()
        .all(ctx)
        .await?;
    let mut of_entries = attachments::of_owners(ctx, LOG_ATTACHMENT, entry_ids).await?;
    let mut all: Vec<AttachmentView> = of_entries.drain().flat_map(|(_, v)| v).collect();
    all.sort_by_key(|a| a.id);
    files.extend(all);
    Ok(files)
}

/// The text an entry is written with: the body, or the file's name when only a file is sent.
fn body_of(entry: &NewLogEntry, file: Option<&LogFile<'_>>) -> ServiceResult<String> {
    let written = entry.body.trim();
    let body = match (written.is_empty(), file) {
        (true, Some(file)) => format!("📎 {}", clean_file_name(&file.upload.file_name)),
        _ => written.to_owned(),
    };
    if body.is_empty() || body.chars().count() > 50_000 {
        return Err(ServiceError::field(
            "body",
            "ticket-text-required-max",
            vec![("max", "50000".to_owned())],
        ));
    }
    Ok(body)
}

/// Adds to the public or private log, with a file if one is sent (then the text may be empty:
/// the entry names the file). A public entry on a parent is copied to its open children.
pub async fn add_log(
    ctx: &Ctx,
    reference: &str,
    entry: NewLogEntry,
    file: Option<LogFile<'_>>,
) -> ServiceResult<LogEntryView> {
    let current = row(ctx, reference).await?;
    let provider_id = super::actions::provider_of(ctx, current.offer_id).await?;
    let sides = sides(ctx.caller(), &current, provider_id);
    if entry.private && !sides.contains(&Side::Provider) {
        return Err(ServiceError::forbidden(
            "ticket-private-log-provider",
            vec![],
        ));
    }
    let body = body_of(&entry, file.as_ref())?;
    let tx = ctx.begin().await?;
    let created = append_log(&tx, current.id, entry.private, &body).await?;
    if !entry.private {
        let audience = if sides.contains(&Side::Provider) {
            Audience::Requester
        } else {
            Audience::Provider
        };
        let event = TicketEvent {
            kind: Kind::Commented,
            ticket: &current,
            audience,
            actor: Some(ctx.caller().account_id),
            detail: Some(body.clone()),
        };
        let told = notifications::ticket_event_told(&tx, event).await?;
        if audience == Audience::Requester {
            tell_children(&tx, &current, &body, told).await?;
        }
    }
    let mut stored = Vec::new();
    if let Some(file) = file {
        let kept = attachments::store(
            &tx,
            file.data_dir,
            LOG_ATTACHMENT,
            created.id,
            file.upload,
            file.max_bytes,
        )
        .await?;
        stored.push(kept);
    }
    tx.update_many::<ticket::Entity>()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(ticket::Column::Id.eq(current.id))
        .exec(&tx)
        .await?;
    if !entry.private {
        copy_to_children(&tx, &current, &body).await?;
    }
    tx.commit().await?;
    Ok(LogEntryView {
        id: created.id,
        author: Some(ctx.caller().display_name.clone()),
        private: created.private,
        body_html: markdown::to_safe_html(&created.body),
        body: created.body,
        attachments: stored,
        created_at: created.created_at,
    })
}

/// The provider's public word on a parent incident, told to the requesters and followers of
/// its open children (those the caller reads), each about their own child and each person once:
/// `told` were told about the parent already.
async fn tell_children<C: Handle>(
    tx: &Ctx<C>,
    parent: &ticket::Model,
    body: &str,
    mut told: BTreeSet<i64>,
) -> ServiceResult<()> {
    let children = tx
        .find::<ticket::Entity>()
        .filter(ticket::Column::ParentId.eq(parent.id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .order_by_asc(ticket::Column::Id)
        .all(tx)
        .await?;
    if children.is_empty() {
        return Ok(());
    }
    let followers: Vec<(i64, i64)> = tx
        .find::<ticket_participant::Entity>()
        .select_only()
        .column(ticket_participant::Column::TicketId)
        .column(ticket_participant::Column::AccountId)
        .filter(ticket_participant::Column::TicketId.is_in(children.iter().map(|c| c.id)))
        .into_tuple()
        .all(tx)
        .await?;
    told.insert(tx.caller().account_id);
    let mut events = Vec::new();
    for child in &children {
        let people: BTreeSet<i64> = std::iter::once(child.requester_id)
            .chain(
                followers
                    .iter()
                    .filter(|(t, _)| *t == child.id)
                    .map(|(_, a)| *a),
            )
            .filter(|person| told.insert(*person))
            .collect();
        let data = notifications::MailData {
            kind: Kind::Commented,
            reference: child.reference.clone(),
            title: child.title.clone(),
            path: format!("/portal/tickets/{}", child.reference),
            actor: Some(tx.caller().display_name.clone()),
            detail: Some(body.to_owned()),
            detail_en: None,
            status: None,
            offer: Some(child.offer_id),
        };
        events.push((people, data));
    }
    notifications::notify_many(tx, &events).await?;
    let children: Vec<&ticket::Model> = children.iter().collect();
    crate::services::webhooks::events::ticket_events(tx, Kind::Commented, &children, Some(body))
        .await
}

/// A public entry on a parent incident, copied to its open children (those the caller reads),
/// marked with the parent's reference.
async fn copy_to_children<C: Handle>(
    tx: &Ctx<C>,
    parent: &ticket::Model,
    body: &str,
) -> ServiceResult<()> {
    let children = tx
        .find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::Id)
        .filter(ticket::Column::ParentId.eq(parent.id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .into_tuple::<i64>()
        .all(tx)
        .await?;
    if children.is_empty() {
        return Ok(());
    }
    // The reference alone marks the copy: no sentence in any language is stored.
    let copied = format!("{body}\n\n(↳ {})", parent.reference);
    fulltext::append_to_tickets(tx, &children, &copied, false).await?;
    let author = Some(tx.caller().account_id);
    let now = tx.now();
    // The children were read through the caller's scope just above, in this transaction.
    ticket_log::Entity::insert_many(children.into_iter().map(|child| ticket_log::ActiveModel {
        ticket_id: Set(child),
        author_id: Set(author),
        private: Set(false),
        body: Set(copied.clone()),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// The log the caller may read: the requester side never sees private entries (the scope rule
/// of `ticket_log` says so).
pub async fn logs<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<Vec<LogEntryView>> {
    entries(ctx, reference, None).await
}

/// One entry of a ticket's log, as [`logs`] shows it (404 for a private entry on the requester
/// side, as for an entry of another ticket).
pub async fn log_entry<C: Handle>(
    ctx: &Ctx<C>,
    reference: &str,
    id: i64,
) -> ServiceResult<LogEntryView> {
    entries(ctx, reference, Some(id))
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

async fn entries<C: Handle>(
    ctx: &Ctx<C>,
    reference: &str,
    only: Option<i64>,
) -> ServiceResult<Vec<LogEntryView>> {
    let current = row(ctx, reference).await?;
    let mut query = ctx
        .find::<ticket_log::Entity>()
        .filter(ticket_log::Column::TicketId.eq(current.id));
    if let Some(id) = only {
        query = query.filter(ticket_log::Column::Id.eq(id));
    }
    // A ticket's log is a conversation, bounded in practice; the cap keeps a runaway one
    // from being read whole.
    let rows = query
        .order_by_asc(ticket_log::Column::Id)
        .limit(1000)
        .all(ctx)
        .await?;
    let authors = names(ctx, rows.iter().filter_map(|r| r.author_id)).await?;
    let mut files = attachments::of_owners(ctx, LOG_ATTACHMENT, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntryView {
            attachments: files.remove(&r.id).unwrap_or_default(),
            id: r.id,
            author: name_of(&authors, r.author_id),
            private: r.private,
            body_html: markdown::to_safe_html(&r.body),
            body: r.body,
            created_at: r.created_at,
        })
        .collect())
}

/// Attaches a file to a ticket: a log entry carrying it, with an optional comment.
pub async fn attach(
    ctx: &Ctx,
    reference: &str,
    entry: NewLogEntry,
    file: LogFile<'_>,
) -> ServiceResult<AttachmentView> {
    add_log(ctx, reference, entry, Some(file))
        .await?
        .attachments
        .pop()
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("the stored file was not returned")))
}
