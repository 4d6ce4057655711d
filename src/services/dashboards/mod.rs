//! The homes' dashboards: what each role looks at first, every figure a link to the list that
//! shows exactly what it counts.
//!
//! A widget is a ticket list's filter: its count is that list's own query counted
//! ([`crate::services::tickets::list::filtered`]), so the figure and the list cannot disagree.
//! Breakdowns (by status, agent, organisation, offer, day and priority) are one grouped query
//! each over the caller's tickets, never a query per row.

pub mod backlog;
pub mod committees;
pub mod desk;
pub mod incidents;
pub mod portal;

use entity::ticket;
use sea_orm::{
    QuerySelect, Select, TryGetable, TryGetableMany,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{Ctx, Handle},
    domain::role::Role,
    services::{
        error::ServiceResult,
        tickets::{TicketFilter, list::filtered},
    },
};

/// One figure of a home, and the list it counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Widget {
    /// What it counts, as a catalogue key (`home-…`).
    pub label: &'static str,
    /// A name completing the label (a team's), if any.
    pub name: Option<String>,
    /// How many (at most [`crate::services::tickets::list::COUNT_AHEAD`] for a ticket list).
    pub count: u64,
    /// Whether more match than `count` says ("1000+").
    pub more: bool,
    /// The list it counts, filtered.
    pub href: String,
}

/// One bar of a breakdown: a name, a count, the list behind it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bar {
    /// What the bar stands for (an agent's or organisation's name, an offer's code…).
    pub label: String,
    /// Or, when it is words of the catalogue (a kind and a status), their keys.
    pub keys: Vec<String>,
    /// How many.
    pub count: u64,
    /// The list it counts.
    pub href: String,
}

/// The query string of a ticket filter, as the lists read it back.
pub fn query_of(filter: &TicketFilter) -> String {
    serde_html_form::to_string(filter.pairs()).unwrap_or_default()
}

/// A widget counting the caller's tickets that `filter` lets through, linking to the list
/// under `base` (`/desk/tickets` or `/portal/tickets`).
pub async fn widget<C: Handle>(
    ctx: &Ctx<C>,
    label: &'static str,
    name: Option<String>,
    base: &str,
    filter: TicketFilter,
) -> ServiceResult<Widget> {
    let (count, more) = crate::services::tickets::list::capped_count(
        ctx,
        filtered(ctx, &filter).await?,
        crate::services::tickets::list::COUNT_AHEAD,
    )
    .await?;
    Ok(Widget {
        label,
        name,
        count,
        more,
        href: format!("{base}?{}", query_of(&filter)),
    })
}

/// A filter on a status word (`open`, `pending`…).
pub fn status(word: &str) -> TicketFilter {
    TicketFilter {
        status: Some(word.to_owned()),
        ..TicketFilter::default()
    }
}

/// How many of `query`'s tickets fall under each value of `column`, in one grouped query.
async fn count_by<C, V>(
    ctx: &Ctx<C>,
    query: Select<ticket::Entity>,
    column: ticket::Column,
) -> ServiceResult<Vec<(V, i64)>>
where
    C: Handle,
    V: TryGetable,
    (V, i64): TryGetableMany,
{
    Ok(query
        .select_only()
        .column(column)
        .expr_as(Expr::col((ticket::Entity, ticket::Column::Id)).count(), "n")
        .group_by(column)
        .into_tuple()
        .all(ctx)
        .await?)
}

/// Bars sorted by count (largest first), then label.
pub(super) fn ranked(mut bars: Vec<Bar>) -> Vec<Bar> {
    bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    bars
}

/// The dashboards of every role the caller holds (a section per role, none for the others).
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// Agents' queue.
    pub agent: Option<desk::AgentHome>,
    /// Coordinators' and administrators' incident dashboard.
    pub coordinator: Option<desk::CoordinatorHome>,
    /// Project committee members'.
    pub committee: Option<committees::CommitteeHome>,
    /// Steering committee members'.
    pub steering: Option<committees::SteeringHome>,
    /// Contacts'.
    pub contact: Option<portal::ContactHome>,
}

/// The caller's dashboards, one per role held.
pub async fn for_caller<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Dashboard> {
    let caller = ctx.caller();
    let holds = |role| caller.has(role);
    Ok(Dashboard {
        agent: if holds(Role::Agent) {
            Some(desk::agent(ctx).await?)
        } else {
            None
        },
        coordinator: if holds(Role::Coordinator) || holds(Role::Admin) {
            Some(desk::coordinator(ctx).await?)
        } else {
            None
        },
        committee: if holds(Role::Committee) {
            Some(committees::committee(ctx).await?)
        } else {
            None
        },
        steering: if holds(Role::Steering) {
            Some(committees::steering(ctx).await?)
        } else {
            None
        },
        contact: if holds(Role::Contact) {
            Some(portal::contact(ctx).await?)
        } else {
            None
        },
    })
}
