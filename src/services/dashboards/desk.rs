//! The desk's dashboards: the agent's queue and the coordinators' view of the whole desk.

use entity::ticket;
use sea_orm::{ColumnTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Bar, Widget, count_by, query_of, status, widget};
use crate::{
    db::{Ctx, Handle},
    services::{
        error::ServiceResult,
        reports::{self, ReportFilter, SlaReportRow},
        teams,
        tickets::{self, TicketFilter, TicketView},
    },
};

const LIST: &str = "/desk/tickets";

/// What an agent looks at first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentHome {
    /// My open tickets, each team's unassigned ones, pending, resolved, deadlines at risk and
    /// missed.
    pub widgets: Vec<Widget>,
    /// The open tickets with the nearest running deadlines.
    pub nearest: Vec<TicketView>,
}

/// The agent's home.
pub async fn agent<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<AgentHome> {
    let me = ctx.caller().account_id;
    let mut widgets = vec![
        widget(
            ctx,
            "home-mine",
            None,
            LIST,
            TicketFilter {
                agent: Some(me),
                ..status("open")
            },
        )
        .await?,
    ];
    for (team, name) in teams::own(ctx).await? {
        let filter = TicketFilter {
            team: Some(team),
            unassigned: Some(true),
            ..status("open")
        };
        widgets.push(widget(ctx, "home-unassigned", Some(name), LIST, filter).await?);
    }
    widgets.push(widget(ctx, "home-pending", None, LIST, status("pending")).await?);
    widgets.push(widget(ctx, "home-resolved", None, LIST, status("resolved")).await?);
    for (label, word) in [("home-at-risk", "at_risk"), ("home-missed", "missed")] {
        let filter = TicketFilter {
            deadline: Some(word.to_owned()),
            ..status("open")
        };
        widgets.push(widget(ctx, label, None, LIST, filter).await?);
    }
    let nearest = tickets::list::nearest_deadlines(ctx, 10).await?;
    Ok(AgentHome { widgets, nearest })
}

/// What a coordinator or an administrator looks at first: the incident-management dashboard
/// of the consortium's former iTop, and the service levels.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorHome {
    /// Incidents of the last 14 days by day and priority.
    pub incidents: super::incidents::Fortnight,
    /// Open incidents and requests by status.
    pub by_status: Vec<Bar>,
    /// Open tickets by agent (unassigned included).
    pub by_agent: Vec<Bar>,
    /// Open tickets by client organisation.
    pub by_organisation: Vec<Bar>,
    /// Open tickets by offer: the backlog.
    pub by_offer: Vec<Bar>,
    /// Closed tickets by satisfaction rating.
    pub satisfaction: Vec<Bar>,
    /// Service levels by offer and month, this month and the six before.
    pub sla: Vec<SlaReportRow>,
}

/// The coordinator's home.
pub async fn coordinator<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<CoordinatorHome> {
    let this_month = ctx.now().date_naive();
    let from = this_month
        .checked_sub_months(chrono::Months::new(6))
        .unwrap_or(this_month)
        .format("%Y-%m")
        .to_string();
    let sla = reports::sla(
        ctx,
        &ReportFilter {
            from: Some(from),
            ..ReportFilter::default()
        },
    )
    .await?;
    let backlog = super::backlog::bars(ctx, LIST).await?;
    Ok(CoordinatorHome {
        incidents: super::incidents::fortnight(ctx).await?,
        by_status: backlog.by_status,
        by_agent: backlog.by_agent,
        by_organisation: backlog.by_organisation,
        by_offer: backlog.by_offer,
        satisfaction: satisfaction(ctx).await?,
        sla,
    })
}

/// Rated tickets by rating, 5 to 1.
async fn satisfaction<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<Bar>> {
    let rated = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::Satisfaction.is_not_null());
    let mut counts: Vec<(Option<i16>, i64)> =
        count_by(ctx, rated, ticket::Column::Satisfaction).await?;
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    Ok(counts
        .into_iter()
        .filter_map(|(rating, count)| {
            let rating = rating?;
            Some(Bar {
                label: rating.to_string(),
                keys: Vec::new(),
                count: count.unsigned_abs(),
                href: format!(
                    "{LIST}?{}",
                    query_of(&TicketFilter {
                        satisfaction: Some(rating),
                        ..TicketFilter::default()
                    })
                ),
            })
        })
        .collect())
}
