//! The ticket lists: filters, sort columns from an allow-list, paging.

use entity::ticket;
use sea_orm::{
    ColumnTrait, Condition, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{TicketView, log::OPEN, views};
use crate::{
    db::{Ctx, Handle, directory},
    domain::{catalogue::RequestKind, lifecycle::Status, sla::Priority},
    services::{
        PageRequest, Paged,
        error::{ServiceError, ServiceResult},
    },
};

/// Filters of the ticket lists.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketFilter {
    /// `incident` or `request`.
    pub kind: Option<RequestKind>,
    /// A status, or `open` (new, assigned, pending) / `done` (resolved, closed).
    pub status: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
    /// Requester's organisation id.
    pub organisation: Option<i64>,
    /// Team id.
    pub team: Option<i64>,
    /// Agent account id.
    pub agent: Option<i64>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Words of the reference or title.
    pub q: Option<String>,
    /// `none`: the tickets no service level applies to (for the coordinators' follow-up).
    pub sla: Option<String>,
    /// `updated` (default, newest first), `created`, `priority`, or the same with `-` for
    /// ascending order… e.g. `-created`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page, up to 200.
    pub per_page: Option<u64>,
}

impl TicketFilter {
    /// The filters set, as query-string pairs (paging left out): what a list page shows back
    /// and builds its paging links from, and what a saved view keeps.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        };
        push("kind", self.kind.map(|k| k.as_str().to_owned()));
        push("status", self.status.clone());
        push("offer", self.offer.clone());
        push("organisation", self.organisation.map(|o| o.to_string()));
        push("team", self.team.map(|t| t.to_string()));
        push("agent", self.agent.map(|a| a.to_string()));
        push(
            "priority",
            self.priority.map(|p| {
                serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }),
        );
        push("q", self.q.clone());
        push("sla", self.sla.clone());
        push("sort", self.sort.clone());
        pairs
    }
}

/// The tickets the caller reads, filtered, sorted and paged.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &TicketFilter,
) -> ServiceResult<Paged<TicketView>> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let query = filtered(ctx, filter).await?;
    let total = query.clone().count(ctx).await?;
    let query = sorted(query, filter.sort.as_deref())?;
    let rows = query
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?;
    Ok(Paged {
        items: views(ctx, rows).await?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// The caller's tickets with the list's filters applied.
async fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &TicketFilter,
) -> ServiceResult<Select<ticket::Entity>> {
    let mut query = ctx.find::<ticket::Entity>();
    if let Some(kind) = filter.kind {
        query = query.filter(ticket::Column::Kind.eq(ticket::Kind::from(kind)));
    }
    match filter.status.as_deref() {
        None | Some("") | Some("all") => {}
        Some("open") => {
            query = query.filter(ticket::Column::Status.is_in(OPEN));
        }
        Some("done") => {
            query = query.filter(
                ticket::Column::Status.is_in([ticket::Status::Resolved, ticket::Status::Closed]),
            );
        }
        Some(other) => {
            let status = Status::parse(other)
                .ok_or_else(|| ServiceError::field("status", "ticket-filter-status", vec![]))?;
            query = query.filter(ticket::Column::Status.eq(ticket::Status::from(status)));
        }
    }
    if let Some(code) = &filter.offer {
        // An offer code names the tickets' offer; the tickets stay scoped.
        let id = directory::offers_by_code(ctx, [code.trim().to_uppercase()])
            .await?
            .first()
            .map_or(0, |o| o.id);
        query = query.filter(ticket::Column::OfferId.eq(id));
    }
    if let Some(org) = filter.organisation {
        query = query.filter(ticket::Column::OrganisationId.eq(org));
    }
    if let Some(team) = filter.team {
        query = query.filter(ticket::Column::TeamId.eq(team));
    }
    if let Some(agent) = filter.agent {
        query = query.filter(ticket::Column::AgentId.eq(agent));
    }
    match filter.sla.as_deref() {
        None | Some("") => {}
        Some("none") => query = query.filter(ticket::Column::SlaId.is_null()),
        Some(_) => return Err(ServiceError::field("sla", "ticket-filter-sla", vec![])),
    }
    if let Some(priority) = filter.priority {
        query = query.filter(ticket::Column::Priority.eq(ticket::Priority::from(priority)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.replace(['%', '_'], "").to_lowercase());
        query = query.filter(
            Condition::any()
                .add(ticket::Column::Reference.eq(q.to_uppercase()))
                .add(Func::lower(Expr::col(ticket::Column::Title)).like(pattern)),
        );
    }
    Ok(query)
}

/// The list in the order asked, from an allow-list of columns; the id breaks ties.
fn sorted(
    query: Select<ticket::Entity>,
    sort: Option<&str>,
) -> ServiceResult<Select<ticket::Entity>> {
    // Sort columns come from this allow-list only.
    let (column, descending) = match sort.unwrap_or("updated") {
        "updated" => (ticket::Column::UpdatedAt, true),
        "-updated" => (ticket::Column::UpdatedAt, false),
        "created" => (ticket::Column::CreatedAt, true),
        "-created" => (ticket::Column::CreatedAt, false),
        "ref" => (ticket::Column::Id, true),
        "-ref" => (ticket::Column::Id, false),
        _ => {
            return Err(ServiceError::field("sort", "ticket-filter-sort", vec![]));
        }
    };
    Ok(if descending {
        query
            .order_by_desc(column)
            .order_by_desc(ticket::Column::Id)
    } else {
        query.order_by_asc(column).order_by_asc(ticket::Column::Id)
    })
}
