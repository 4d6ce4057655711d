//! The lifecycle actions on a ticket: assign, pend, resume, resolve, close, reopen. Each is a
//! compare-and-set on the revision, with its history, its clocks, its notification and, for a
//! parent incident's solution, its open children, in one transaction.

use chrono::{DateTime, Utc};
use entity::ticket;
use sea_orm::{
    ActiveEnum, ColumnTrait, QueryFilter, UpdateMany,
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{
    TicketView, get,
    history::{Change, TicketField, record, record_many},
    log::{OPEN, append_log},
    row, sides, status_of,
};
use crate::{
    access::Caller,
    db::{Ctx, Handle, directory},
    domain::{
        assignment,
        lifecycle::{self, Action, Side, Status},
    },
    services::{
        error::{ServiceError, ServiceResult},
        fulltext,
        notifications::{self, Audience, Kind, TicketEvent},
    },
};

/// The body of an action; which fields count depends on the action.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "team": 4, "agent": 4}))]
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

fn text(field: &str, value: &Option<String>, max: usize) -> ServiceResult<String> {
    let value = value.as_deref().map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(ServiceError::field(field, "field-required", vec![]));
    }
    if value.chars().count() > max {
        return Err(ServiceError::field(
            field,
            "field-too-long",
            vec![("max", max.to_string())],
        ));
    }
    Ok(value.to_owned())
}

/// The provider of an offer (0 when there is none).
pub(super) async fn provider_of<C: Handle>(ctx: &Ctx<C>, offer_id: i64) -> ServiceResult<i64> {
    Ok(directory::provider_of(ctx, offer_id).await?)
}

/// The side from which `caller` may take `action` on `row`: 409 listing the allowed actions
/// when none, 403 when the caller reads the ticket but stands on no side at all.
fn side_for(
    caller: &Caller,
    row: &ticket::Model,
    provider_id: i64,
    action: Action,
) -> ServiceResult<(Side, Status)> {
    let status = status_of(row);
    let sides = sides(caller, row, provider_id);
    if sides.is_empty() {
        return Err(ServiceError::forbidden("ticket-follower-acts-not", vec![]));
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
    Err(ServiceError::conflict(
        "ticket-action-not-now",
        vec![
            ("action", action.as_str().to_owned()),
            ("status", status.as_str().to_owned()),
        ],
        json!({ "status": status, "allowed_actions": allowed }),
    ))
}

/// What an action changes, besides the status.
struct Plan {
    update: UpdateMany<ticket::Entity>,
    changes: Vec<Change>,
    /// A reopening's reason, written to the public log.
    public_note: Option<String>,
    /// A solution, handed down to open children.
    solution: Option<String>,
    /// What to tell, to whom, quoting what.
    told: Option<(Kind, Audience, Option<String>)>,
}

/// Checks the action's input and plans its columns, history and notification.
async fn plan<C: Handle>(
    ctx: &Ctx<C>,
    current: &ticket::Model,
    (action, side, next): (Action, Side, Status),
    input: ActionInput,
) -> ServiceResult<Plan> {
    let now = ctx.now();
    let mut plan = Plan {
        update: ctx
            .update_many::<ticket::Entity>()
            .col_expr(
                ticket::Column::Status,
                Expr::value(ticket::Status::from(next)),
            )
            .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
            .col_expr(ticket::Column::Revision, Expr::value(current.revision + 1))
            .filter(ticket::Column::Id.eq(current.id))
            .filter(ticket::Column::Revision.eq(current.revision)),
        changes: vec![(
            TicketField::Status,
            Some(current.status.to_value()),
            Some(next.as_str().to_owned()),
        )],
        public_note: None,
        solution: None,
        told: None,
    };
    match action {
        Action::Assign => return assign(ctx, current, input, plan).await,
        Action::Pend => {
            let reason = text("reason", &input.reason, 2000)?;
            plan.update = plan
                .update
                .col_expr(ticket::Column::PendingReason, Expr::value(reason.clone()));
            plan.told = Some((Kind::Pending, Audience::Requester, Some(reason.clone())));
            plan.changes.push((
                TicketField::PendingReason,
                current.pending_reason.clone(),
                Some(reason),
            ));
        }
        Action::Resume => {
            plan.update = plan.update.col_expr(
                ticket::Column::PendingReason,
                Expr::value(Option::<String>::None),
            );
        }
        Action::Resolve => {
            let solution = text("solution", &input.solution, 50_000)?;
            plan.update = plan
                .update
                .col_expr(ticket::Column::Solution, Expr::value(solution.clone()))
                .col_expr(ticket::Column::ResolvedAt, Expr::value(now));
            plan.changes.push((
                TicketField::Solution,
                current.solution.clone(),
                Some(solution.clone()),
            ));
            plan.told = Some((Kind::Resolved, Audience::Requester, Some(solution.clone())));
            plan.solution = Some(solution);
        }
        Action::Close => return close(input, side, now, plan),
        Action::Reopen => {
            let comment = text("comment", &input.comment, 50_000)?;
            plan.update = plan.update.col_expr(
                ticket::Column::ResolvedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
            plan.told = Some((Kind::Reopened, Audience::Provider, Some(comment.clone())));
            plan.public_note = Some(comment);
        }
    }
    Ok(plan)
}

/// Assign: a team and one of its members.
async fn assign<C: Handle>(
    ctx: &Ctx<C>,
    current: &ticket::Model,
    input: ActionInput,
    mut plan: Plan,
) -> ServiceResult<Plan> {
    let team = input
        .team
        .ok_or_else(|| ServiceError::field("team", "field-required", vec![]))?;
    let agent = input
        .agent
        .ok_or_else(|| ServiceError::field("agent", "field-required", vec![]))?;
    let delivered = directory::offers_delivered_by(ctx, team).await?;
    let members = directory::team_members(ctx, vec![team]).await?;
    assignment::check(current.offer_id, team, agent, &delivered, &members)
        .map_err(|refused| ServiceError::field(refused.field, refused.reason, vec![]))?;
    let mut update = plan
        .update
        .col_expr(ticket::Column::TeamId, Expr::value(team))
        .col_expr(ticket::Column::AgentId, Expr::value(agent));
    if current.assigned_at.is_none() {
        update = update.col_expr(ticket::Column::AssignedAt, Expr::value(ctx.now()));
    }
    plan.update = update;
    plan.told = Some((Kind::Assigned, Audience::Provider, None));
    plan.changes.push((
        TicketField::Team,
        current.team_id.map(|t| t.to_string()),
        Some(team.to_string()),
    ));
    plan.changes.push((
        TicketField::Agent,
        current.agent_id.map(|a| a.to_string()),
        Some(agent.to_string()),
    ));
    Ok(plan)
}

/// Close: an optional rating and comment, told to the other side.
fn close(
    input: ActionInput,
    side: Side,
    now: DateTime<Utc>,
    mut plan: Plan,
) -> ServiceResult<Plan> {
    if input.satisfaction.is_some_and(|s| !(1..=4).contains(&s)) {
        return Err(ServiceError::field(
            "satisfaction",
            "ticket-satisfaction-range",
            vec![],
        ));
    }
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    plan.update = plan
        .update
        .col_expr(
            ticket::Column::Satisfaction,
            Expr::value(input.satisfaction),
        )
        .col_expr(
            ticket::Column::SatisfactionComment,
            Expr::value(comment.clone()),
        )
        .col_expr(ticket::Column::ClosedAt, Expr::value(now));
    if let Some(rating) = input.satisfaction {
        plan.changes
            .push((TicketField::Satisfaction, None, Some(rating.to_string())));
    }
    let other_side = match side {
        Side::Provider => Audience::Requester,
        Side::Requester | Side::System => Audience::Provider,
    };
    plan.told = Some((Kind::Closed, other_side, comment));
    Ok(plan)
}

/// Takes a lifecycle action. Illegal: 409 with the allowed actions; stale revision: 409;
/// bad input: 422. Nothing changes in any of those cases.
pub async fn act(
    ctx: &Ctx,
    reference: &str,
    action: Action,
    input: ActionInput,
) -> ServiceResult<TicketView> {
    let current = row(ctx, reference).await?;
    let provider_id = provider_of(ctx, current.offer_id).await?;
    let (side, next) = side_for(ctx.caller(), &current, provider_id, action)?;
    if input.revision.is_some_and(|r| r != current.revision) {
        return Err(ServiceError::stale());
    }
    let mut plan = plan(ctx, &current, (action, side, next), input).await?;
    if let Some(level) = super::sla::level(ctx, current.sla_id, current.offer_id).await? {
        plan.update = moved_clocks(&level, &current, action, ctx.now()).write(plan.update);
    }
    let tx = ctx.begin().await?;
    if plan.update.exec(&tx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    let actor = Some(ctx.caller().account_id);
    record(&tx, current.id, actor, &plan.changes).await?;
    if let Some(note) = plan.public_note {
        append_log(&tx, current.id, false, &note).await?;
    }
    if let Some(solution) = plan.solution {
        fulltext::append_to_tickets(&tx, &[current.id], &solution, false).await?;
        resolve_children(&tx, &current, &solution).await?;
        crate::services::status::major::end_with(&tx, current.id).await?;
    }
    if let Some((kind, audience, detail)) = plan.told {
        let changed = row(&tx, &current.reference).await?;
        let event = TicketEvent {
            kind,
            ticket: &changed,
            audience,
            actor,
            detail,
        };
        notifications::ticket_event(&tx, event).await?;
    }
    tx.commit().await?;
    get(ctx, reference).await
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

/// Resolving a parent incident resolves its open children (those the caller reads) with the
/// same solution, marked with the parent's reference.
async fn resolve_children<C: Handle>(
    tx: &Ctx<C>,
    parent: &ticket::Model,
    solution: &str,
) -> ServiceResult<()> {
    let children = tx
        .find::<ticket::Entity>()
        .filter(ticket::Column::ParentId.eq(parent.id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .all(tx)
        .await?;
    if children.is_empty() {
        return Ok(());
    }
    let now = tx.now();
    // The reference alone marks where the solution comes from: no sentence is stored.
    let text = format!("{solution}\n\n(↳ {})", parent.reference);
    // One statement for every child, whatever their number; the status filter keeps a child
    // closed or resolved meanwhile out of it.
    tx.update_many::<ticket::Entity>()
        .col_expr(
            ticket::Column::Status,
            Expr::value(ticket::Status::Resolved),
        )
        .col_expr(ticket::Column::Solution, Expr::value(text))
        .col_expr(ticket::Column::ResolvedAt, Expr::value(now))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            ticket::Column::Revision,
            Expr::col(ticket::Column::Revision).add(1),
        )
        .filter(ticket::Column::Id.is_in(children.iter().map(|c| c.id)))
        .filter(ticket::Column::Status.is_in(OPEN))
        .exec(tx)
        .await?;
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    fulltext::append_to_tickets(tx, &ids, solution, false).await?;
    let actor = Some(tx.caller().account_id);
    // Each child keeps its own former status in its history.
    for status in OPEN {
        let moved: Vec<i64> = children
            .iter()
            .filter(|c| c.status == status)
            .map(|c| c.id)
            .collect();
        let change = (
            TicketField::Status,
            Some(status.to_value()),
            Some(ticket::Status::Resolved.to_value()),
        );
        record_many(tx, &moved, actor, &[change]).await?;
    }
    Ok(())
}
