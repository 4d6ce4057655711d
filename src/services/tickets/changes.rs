//! Changing a ticket's fields outside the lifecycle: impact and urgency (the priority follows),
//! visibility, the parent incident, participants. Every change goes to the history. And the
//! platform's closing of tickets resolved long ago.

use chrono::Duration;
use entity::{account, ticket, ticket_participant};
use sea_orm::{
    ActiveEnum,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, UpdateMany,
    sea_query::{Expr, OnConflict},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    TicketView, Visibility, get,
    history::{Change, TicketField},
    record, row, sides,
};
use crate::{
    db::{Ctx, Handle},
    domain::{
        catalogue::RequestKind,
        lifecycle::Side,
        priority::{Impact, Urgency},
        sla::Metric,
    },
    services::{
        accounts,
        error::{ServiceError, ServiceResult},
        notifications::{self, Audience, Kind, TicketEvent},
    },
};

/// Changes to a ticket; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "visibility": "organisation", "add_participants_by_email": ["contact2@univ-larochelle.demo.guichet"]}))]
pub struct TicketChanges {
    /// The revision read.
    pub revision: i32,
    /// New impact (provider side); the priority is computed again.
    pub impact: Option<Impact>,
    /// New urgency (provider side); the priority is computed again.
    pub urgency: Option<Urgency>,
    /// Visibility (requester side).
    pub visibility: Option<Visibility>,
    /// Reference of the parent incident (provider side); empty to unlink.
    pub parent: Option<String>,
    /// Accounts to add as participants (either side; accounts the caller reads).
    #[serde(default)]
    pub add_participants: Vec<i64>,
    /// The same, by sign-in address (as the ticket page takes them).
    #[serde(default)]
    pub add_participants_by_email: Vec<String>,
    /// Participants to remove (either side).
    #[serde(default)]
    pub remove_participants: Vec<i64>,
}

/// Which side's fields a change touches: 403 for a field of the other side.
fn may_change(sides: &[Side], changes: &TicketChanges) -> ServiceResult<()> {
    if sides.is_empty() {
        return Err(ServiceError::forbidden(
            "ticket-follower-changes-not",
            vec![],
        ));
    }
    let provider_fields =
        changes.impact.is_some() || changes.urgency.is_some() || changes.parent.is_some();
    if provider_fields && !sides.contains(&Side::Provider) {
        return Err(ServiceError::forbidden("ticket-provider-fields", vec![]));
    }
    if changes.visibility.is_some() && !sides.contains(&Side::Requester) {
        return Err(ServiceError::forbidden("ticket-requester-fields", vec![]));
    }
    Ok(())
}

/// Applies changes; 403 for a field of the other side, 409 on a stale revision, 422 on bad
/// input; nothing changes then.
pub async fn update(
    ctx: &Ctx,
    reference: &str,
    changes: TicketChanges,
) -> ServiceResult<TicketView> {
    let current = row(ctx, reference).await?;
    let provider_id = super::actions::provider_of(ctx, current.offer_id).await?;
    may_change(&sides(ctx.caller(), &current, provider_id), &changes)?;
    if current.revision != changes.revision {
        return Err(ServiceError::stale());
    }
    let mut history: Vec<Change> = Vec::new();
    let mut update = ctx
        .update_many::<ticket::Entity>()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(ticket::Column::Revision, Expr::value(current.revision + 1))
        .filter(ticket::Column::Id.eq(current.id))
        .filter(ticket::Column::Revision.eq(current.revision));
    if changes.impact.is_some() || changes.urgency.is_some() {
        update = requalify(ctx, &current, &changes, update, &mut history).await?;
    }
    if let Some(visibility) = changes.visibility {
        let new = ticket::Visibility::from(visibility);
        if new != current.visibility {
            update = update.col_expr(ticket::Column::Visibility, Expr::value(new));
            history.push((
                TicketField::Visibility,
                Some(current.visibility.to_value()),
                Some(new.to_value()),
            ));
        }
    }
    let mut reparented = None;
    if let Some(parent) = changes.parent.as_deref().map(str::trim) {
        let parent_id = parent_of(ctx, &current, parent).await?;
        reparented = Some(parent_id);
        update = update.col_expr(ticket::Column::ParentId, Expr::value(parent_id));
        history.push((
            TicketField::Parent,
            current.parent_id.map(|p| p.to_string()),
            parent_id.map(|p| p.to_string()),
        ));
    }
    let added = addable(ctx, &changes).await?;

    let tx = ctx.begin().await?;
    if update.exec(&tx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    if let Some(parent_id) = reparented {
        // A major incident's master as parent: the establishment joins it, once.
        crate::services::status::major::reparented(&tx, &current, parent_id).await?;
    }
    let removed = remove_participants(&tx, current.id, &changes.remove_participants).await?;
    history.extend(
        removed
            .into_iter()
            .map(|name| (TicketField::Participant, Some(name), None)),
    );
    add_participants(&tx, current.id, &added).await?;
    history.extend(
        added
            .into_iter()
            .map(|(_, name)| (TicketField::Participant, None, Some(name))),
    );
    record(&tx, current.id, Some(ctx.caller().account_id), &history).await?;
    tx.commit().await?;
    get(ctx, reference).await
}

/// New impact or urgency: the priority from the matrix, and the clocks retargeted when it moves.
async fn requalify(
    ctx: &Ctx,
    current: &ticket::Model,
    changes: &TicketChanges,
    mut update: UpdateMany<ticket::Entity>,
    history: &mut Vec<Change>,
) -> ServiceResult<UpdateMany<ticket::Entity>> {
    let impact: Impact = match changes.impact {
        Some(impact) => impact,
        None => current.impact.into(),
    };
    let urgency: Urgency = match changes.urgency {
        Some(urgency) => urgency,
        None => current.urgency.into(),
    };
    let new_priority = super::settings::matrix(ctx)
        .await?
        .priority(impact, urgency);
    let priority = ticket::Priority::from(new_priority);
    if priority != current.priority
        && let Some(level) = super::sla::level(ctx, current.sla_id, current.offer_id).await?
    {
        // A new priority, a new target: the deadlines follow, the time spent stays.
        let kind = RequestKind::from(current.kind);
        let mut clocks = super::sla::Clocks::of(current);
        for (clock, metric) in [
            (&mut clocks.tto, Metric::Tto),
            (&mut clocks.ttr, Metric::Ttr),
        ] {
            let target = level.target(kind, new_priority, metric);
            clock.retarget(&level.calendar, target, ctx.now());
        }
        update = clocks.write(update);
    }
    for (field, column, old, new) in [
        (
            TicketField::Impact,
            ticket::Column::Impact,
            current.impact.to_value(),
            ticket::Impact::from(impact).to_value(),
        ),
        (
            TicketField::Urgency,
            ticket::Column::Urgency,
            current.urgency.to_value(),
            ticket::Urgency::from(urgency).to_value(),
        ),
        (
            TicketField::Priority,
            ticket::Column::Priority,
            current.priority.to_value(),
            priority.to_value(),
        ),
    ] {
        if old != new {
            update = update.col_expr(column, Expr::value(new.clone()));
            history.push((field, Some(old), Some(new)));
        }
    }
    Ok(update)
}

/// The parent incident named by reference (none: unlinked): another incident the caller reads,
/// itself without a parent (422 otherwise).
async fn parent_of(ctx: &Ctx, current: &ticket::Model, parent: &str) -> ServiceResult<Option<i64>> {
    if parent.is_empty() {
        return Ok(None);
    }
    let parent_row = row(ctx, parent)
        .await
        .map_err(|_| ServiceError::field("parent", "ticket-parent-unknown", vec![]))?;
    if parent_row.id == current.id
        || parent_row.parent_id.is_some()
        || parent_row.kind != ticket::Kind::Incident
    {
        return Err(ServiceError::field(
            "parent",
            "ticket-parent-incident",
            vec![],
        ));
    }
    Ok(Some(parent_row.id))
}

/// The accounts to add as participants, with their names: accounts the caller reads (422
/// naming the first unknown one otherwise), at most 50 at once.
async fn addable(ctx: &Ctx, changes: &TicketChanges) -> ServiceResult<Vec<(i64, String)>> {
    let adding = changes.add_participants.len() + changes.add_participants_by_email.len();
    if adding > 50 || changes.remove_participants.len() > 50 {
        return Err(ServiceError::field(
            "add_participants",
            "ticket-participants-at-once",
            vec![("max", "50".to_owned())],
        ));
    }
    let mut ids = changes.add_participants.clone();
    for email in &changes.add_participants_by_email {
        let id = accounts::readable_id_by_email(ctx, email)
            .await?
            .ok_or_else(|| {
                ServiceError::field(
                    "add_participants_by_email",
                    "ticket-form-no-such-address",
                    vec![],
                )
            })?;
        ids.push(id);
    }
    let readable: Vec<(i64, String)> = ctx
        .find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(ids.clone()))
        .into_tuple()
        .all(ctx)
        .await?;
    if let Some(unknown) = ids
        .iter()
        .find(|id| !readable.iter().any(|(r, _)| r == *id))
    {
        return Err(ServiceError::field(
            "add_participants",
            "ticket-participant-unknown",
            vec![("id", unknown.to_string())],
        ));
    }
    Ok(readable)
}

/// Removes participants; answers the names of those who were.
async fn remove_participants<C: Handle>(
    tx: &Ctx<C>,
    ticket_id: i64,
    ids: &[i64],
) -> ServiceResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let removed = super::participants(tx, ticket_id)
        .await?
        .into_iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| p.name)
        .collect();
    tx.delete_many::<ticket_participant::Entity>()
        .filter(ticket_participant::Column::TicketId.eq(ticket_id))
        .filter(ticket_participant::Column::AccountId.is_in(ids.iter().copied()))
        .exec(tx)
        .await?;
    Ok(removed)
}

/// Adds participants (already one: nothing happens) under a ticket the caller has just changed
/// through its scope, in the same transaction.
async fn add_participants<C: Handle>(
    tx: &Ctx<C>,
    ticket_id: i64,
    accounts: &[(i64, String)],
) -> ServiceResult<()> {
    if accounts.is_empty() {
        return Ok(());
    }
    ticket_participant::Entity::insert_many(accounts.iter().map(|(account_id, _)| {
        ticket_participant::ActiveModel {
            ticket_id: Set(ticket_id),
            account_id: Set(*account_id),
        }
    }))
    .on_conflict(
        OnConflict::columns([
            ticket_participant::Column::TicketId,
            ticket_participant::Column::AccountId,
        ])
        .update_column(ticket_participant::Column::TicketId)
        .to_owned(),
    )
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// Closes the tickets resolved more than `days` days ago without an answer from the
/// requester's side, each with a history entry by the platform; answers how many. Run by the
/// platform's job (its context reaches every ticket).
pub async fn auto_close(ctx: &Ctx, days: i64) -> ServiceResult<u64> {
    let before = ctx.now() - Duration::days(days);
    let due = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::Status.eq(ticket::Status::Resolved))
        .filter(ticket::Column::ResolvedAt.lt(before))
        // A bounded batch per run; the next run takes the rest.
        .limit(500)
        .all(ctx)
        .await?;
    let mut closed = 0;
    // One transaction per ticket, so an answer racing with one close spares only that one.
    for resolved in due {
        let (id, revision) = (resolved.id, resolved.revision);
        let tx = ctx.begin().await?;
        let now = tx.now();
        let result = tx
            .update_many::<ticket::Entity>()
            .col_expr(ticket::Column::Status, Expr::value(ticket::Status::Closed))
            .col_expr(ticket::Column::ClosedAt, Expr::value(now))
            .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
            .col_expr(ticket::Column::Revision, Expr::value(revision + 1))
            .filter(ticket::Column::Id.eq(id))
            .filter(ticket::Column::Revision.eq(revision))
            .exec(&tx)
            .await?;
        // Someone answered in between: the ticket is theirs again.
        if result.rows_affected == 1 {
            let change = (
                TicketField::Status,
                Some("resolved".to_owned()),
                Some("closed".to_owned()),
            );
            record(&tx, id, None, &[change]).await?;
            let event = TicketEvent {
                kind: Kind::Closed,
                ticket: &resolved,
                audience: Audience::Requester,
                actor: None,
                detail: None,
            };
            notifications::ticket_event(&tx, event).await?;
            closed += 1;
        }
        tx.commit().await?;
    }
    Ok(closed)
}
