//! Changing a ticket's fields outside the lifecycle: impact and urgency (the priority follows),
//! visibility, the parent incident, participants. Every change goes to the history.

use chrono::{Duration, Utc};
use entity::{account, ticket, ticket_participant};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionSession,
    TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{TicketView, Visibility, get, record, row, sides, word};
use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{
        lifecycle::{Side, Status},
        priority::{Impact, Urgency},
    },
    error::AppError,
    services::stale,
};

/// Changes to a ticket; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    /// Participants to remove (either side).
    #[serde(default)]
    pub remove_participants: Vec<i64>,
}

/// Applies changes; 403 for a field of the other side, 409 on a stale revision, 422 on bad
/// input; nothing changes then.
pub async fn update<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    changes: TicketChanges,
) -> Result<TicketView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    let provider_id = super::actions::provider_of(db.conn(), current.offer_id).await?;
    let sides = sides(caller, &current, provider_id);
    let provider = sides.contains(&Side::Provider);
    let requester = sides.contains(&Side::Requester);
    if sides.is_empty() {
        return Err(AppError::Forbidden(
            "you follow this ticket but do not change it".to_owned(),
        ));
    }
    if (changes.impact.is_some() || changes.urgency.is_some() || changes.parent.is_some())
        && !provider
    {
        return Err(AppError::Forbidden(
            "impact, urgency and parent are the provider's".to_owned(),
        ));
    }
    if changes.visibility.is_some() && !requester {
        return Err(AppError::Forbidden(
            "visibility is the requester's".to_owned(),
        ));
    }
    if current.revision != changes.revision {
        return Err(stale());
    }
    let mut history: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
    let now = db.now();
    let mut update = Unscoped::update_many::<ticket::Entity>()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .col_expr(ticket::Column::Revision, Expr::value(current.revision + 1))
        .filter(ticket::Column::Id.eq(current.id))
        .filter(ticket::Column::Revision.eq(current.revision));
    if changes.impact.is_some() || changes.urgency.is_some() {
        let impact = changes
            .impact
            .or_else(|| serde_json::from_value(current.impact.clone().into()).ok())
            .unwrap_or(Impact::Person);
        let urgency = changes
            .urgency
            .or_else(|| serde_json::from_value(current.urgency.clone().into()).ok())
            .unwrap_or(Urgency::Low);
        let new_priority = super::settings::matrix(db.conn())
            .await?
            .priority(impact, urgency);
        let priority = word(new_priority);
        if priority != current.priority
            && let Some(level) = super::sla::level(db.conn(), current.sla_id).await?
        {
            // A new priority, a new target: the deadlines follow, the time spent stays.
            let kind = crate::domain::catalogue::RequestKind::parse(&current.kind)
                .unwrap_or(crate::domain::catalogue::RequestKind::Incident);
            let mut clocks = super::sla::Clocks::of(&current);
            for (clock, metric) in [
                (&mut clocks.tto, crate::domain::sla::Metric::Tto),
                (&mut clocks.ttr, crate::domain::sla::Metric::Ttr),
            ] {
                let target = level.target(kind, new_priority, metric);
                clock.retarget(&level.calendar, target, now);
            }
            update = clocks.write(update);
        }
        for (field, column, old, new) in [
            (
                "impact",
                ticket::Column::Impact,
                &current.impact,
                word(impact),
            ),
            (
                "urgency",
                ticket::Column::Urgency,
                &current.urgency,
                word(urgency),
            ),
            (
                "priority",
                ticket::Column::Priority,
                &current.priority,
                priority,
            ),
        ] {
            if *old != new {
                update = update.col_expr(column, Expr::value(new.clone()));
                history.push((field, Some(old.clone()), Some(new)));
            }
        }
    }
    if let Some(visibility) = changes.visibility {
        let new = word(visibility);
        if new != current.visibility {
            update = update.col_expr(ticket::Column::Visibility, Expr::value(new.clone()));
            history.push(("visibility", Some(current.visibility.clone()), Some(new)));
        }
    }
    if let Some(parent) = changes.parent.as_deref().map(str::trim) {
        let parent_id = if parent.is_empty() {
            None
        } else {
            let parent_row = row(db, parent)
                .await
                .map_err(|_| AppError::field("parent", "no such ticket"))?;
            if parent_row.id == current.id
                || parent_row.parent_id.is_some()
                || parent_row.kind != "incident"
            {
                return Err(AppError::field(
                    "parent",
                    "must be another incident, itself without a parent",
                ));
            }
            Some(parent_row.id)
        };
        update = update.col_expr(ticket::Column::ParentId, Expr::value(parent_id));
        history.push((
            "parent",
            current.parent_id.map(|p| p.to_string()),
            parent_id.map(|p| p.to_string()),
        ));
    }
    if changes.add_participants.len() > 50 || changes.remove_participants.len() > 50 {
        return Err(AppError::field("add_participants", "at most 50 at once"));
    }
    let readable: Vec<(i64, String)> = db
        .find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(changes.add_participants.clone()))
        .into_tuple()
        .all(db.conn())
        .await?;
    if let Some(unknown) = changes
        .add_participants
        .iter()
        .find(|id| !readable.iter().any(|(r, _)| r == *id))
    {
        return Err(AppError::field(
            "add_participants",
            format!("no such account {unknown}"),
        ));
    }

    let txn = db.conn().begin().await?;
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(stale());
    }
    if !changes.remove_participants.is_empty() {
        let removed = super::participants(&txn, current.id)
            .await?
            .into_iter()
            .filter(|p| changes.remove_participants.contains(&p.id));
        for participant in removed {
            history.push(("participant", Some(participant.name), None));
        }
        Unscoped::delete_many::<ticket_participant::Entity>()
            .filter(ticket_participant::Column::TicketId.eq(current.id))
            .filter(ticket_participant::Column::AccountId.is_in(changes.remove_participants))
            .exec(&txn)
            .await?;
    }
    if !readable.is_empty() {
        ticket_participant::Entity::insert_many(readable.iter().map(|(account_id, _)| {
            ticket_participant::ActiveModel {
                ticket_id: Set(current.id),
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
        .exec_without_returning(&txn)
        .await?;
        for (_, name) in readable {
            history.push(("participant", None, Some(name)));
        }
    }
    record(&txn, current.id, Some(caller.account_id), &history).await?;
    txn.commit().await?;
    get(db, caller, reference).await
}

/// Closes the tickets resolved more than `days` days ago without an answer from the
/// requester's side, each with a history entry by the platform; answers how many. The tickets
/// issue runs this periodically; the SLA issue makes it a leased job.
pub async fn auto_close<C>(db: &C, days: i64) -> Result<u64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let before = Utc::now() - Duration::days(days);
    let due = Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Status.eq(Status::Resolved.as_str()))
        .filter(ticket::Column::ResolvedAt.lt(before))
        // A bounded batch per run; the next run takes the rest.
        .limit(500)
        .all(db)
        .await?;
    let mut closed = 0;
    // One transaction per ticket, so an answer racing with one close spares only that one.
    for resolved in due {
        let (id, revision) = (resolved.id, resolved.revision);
        let txn = db.begin().await?;
        let now = Utc::now();
        let result = Unscoped::update_many::<ticket::Entity>()
            .col_expr(ticket::Column::Status, Expr::value(Status::Closed.as_str()))
            .col_expr(ticket::Column::ClosedAt, Expr::value(now))
            .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
            .col_expr(ticket::Column::Revision, Expr::value(revision + 1))
            .filter(ticket::Column::Id.eq(id))
            .filter(ticket::Column::Revision.eq(revision))
            .exec(&txn)
            .await?;
        // Someone answered in between: the ticket is theirs again.
        if result.rows_affected == 1 {
            record(
                &txn,
                id,
                None,
                &[(
                    "status",
                    Some("resolved".to_owned()),
                    Some("closed".to_owned()),
                )],
            )
            .await?;
            crate::services::notifications::ticket_event(
                &txn,
                crate::services::notifications::TicketEvent {
                    kind: crate::services::notifications::Kind::Closed,
                    ticket: &resolved,
                    audience: crate::services::notifications::Audience::Requester,
                    actor: None,
                    detail: None,
                },
            )
            .await?;
            closed += 1;
        }
        txn.commit().await?;
    }
    Ok(closed)
}
