//! A ticket's history: every change of a field, by whom and when, stamped with the context's
//! instant like the change itself.

use chrono::{DateTime, Utc};
use entity::ticket_history;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::row;
use crate::{
    db::{Ctx, Handle, directory},
    services::error::ServiceResult,
};

pub use entity::ticket_history::Field as TicketField;

/// One change: (field, old, new).
pub type Change = (TicketField, Option<String>, Option<String>);

/// Appends history entries to a ticket the caller has just changed (in that change's
/// transaction, which read the ticket through the caller's scope).
pub async fn record<C: Handle>(
    ctx: &Ctx<C>,
    ticket_id: i64,
    actor: Option<i64>,
    changes: &[Change],
) -> ServiceResult<()> {
    record_many(ctx, &[ticket_id], actor, changes).await
}

/// The same changes on several tickets at once (a parent's children), in one statement.
pub async fn record_many<C: Handle>(
    ctx: &Ctx<C>,
    ticket_ids: &[i64],
    actor: Option<i64>,
    changes: &[Change],
) -> ServiceResult<()> {
    if changes.is_empty() || ticket_ids.is_empty() {
        return Ok(());
    }
    let now = ctx.now();
    let rows = ticket_ids.iter().flat_map(|ticket_id| {
        changes
            .iter()
            .map(move |(field, old, new)| ticket_history::ActiveModel {
                ticket_id: Set(*ticket_id),
                actor_id: Set(actor),
                field: Set(*field),
                old_value: Set(old.clone()),
                new_value: Set(new.clone()),
                created_at: Set(now),
                ..Default::default()
            })
    });
    ticket_history::Entity::insert_many(rows)
        .exec_without_returning(ctx)
        .await?;
    Ok(())
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
    /// Before, in words where the value is an id (an agent's, a participant's or a team's
    /// name).
    pub old_name: Option<String>,
    /// After, in words likewise.
    pub new_name: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The display names of some accounts.
pub(super) async fn names<C: Handle>(
    ctx: &Ctx<C>,
    ids: impl Iterator<Item = i64>,
) -> ServiceResult<Vec<(i64, String)>> {
    // The authors and actors of a ticket the caller reads, named.
    Ok(directory::account_names(ctx, ids.collect::<Vec<_>>()).await?)
}

/// The name of `id` among `names`.
pub(super) fn name_of(names: &[(i64, String)], id: Option<i64>) -> Option<String> {
    id.and_then(|a| {
        names
            .iter()
            .find(|(id, _)| *id == a)
            .map(|(_, n)| n.clone())
    })
}

/// The ticket's history, oldest first.
pub async fn history<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<Vec<HistoryEntry>> {
    let current = row(ctx, reference).await?;
    let rows = ctx
        .find::<ticket_history::Entity>()
        .filter(ticket_history::Column::TicketId.eq(current.id))
        .order_by_asc(ticket_history::Column::Id)
        .limit(2000)
        .all(ctx)
        .await?;
    let actors = names(ctx, rows.iter().filter_map(|r| r.actor_id)).await?;
    let ids_in = |fields: &[TicketField]| -> Vec<i64> {
        rows.iter()
            .filter(|r| fields.contains(&r.field))
            .flat_map(|r| [r.old_value.as_deref(), r.new_value.as_deref()])
            .flatten()
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    let people = names(
        ctx,
        ids_in(&[TicketField::Agent, TicketField::Participant]).into_iter(),
    )
    .await?;
    let teams = directory::team_names(ctx, ids_in(&[TicketField::Team])).await?;
    let named = |field: TicketField, value: &Option<String>| {
        let list = match field {
            TicketField::Agent | TicketField::Participant => &people,
            TicketField::Team => &teams,
            _ => return None,
        };
        name_of(list, value.as_deref().and_then(|v| v.parse().ok()))
    };
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntry {
            actor: name_of(&actors, r.actor_id),
            old_name: named(r.field, &r.old_value),
            new_name: named(r.field, &r.new_value),
            field: r.field.to_value(),
            old_value: r.old_value,
            new_value: r.new_value,
            at: r.created_at,
        })
        .collect())
}
