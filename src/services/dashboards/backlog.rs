//! The open tickets of the coordinators' home, counted once for every breakdown: by kind and
//! status, by agent, by client organisation and by offer.
//!
//! One grouped query reads the caller's open tickets a single time and counts them by all five
//! columns together; the four breakdowns are sums over those cells ([`Backlog::fold`]). Four
//! queries read the same tens of thousands of rows four times (45–66 ms each on SQLite at
//! 100 000 tickets, 60 % open). The cells are bounded by the catalogue (kinds × open statuses ×
//! agents × organisations × offers that actually hold open tickets), not by the tickets, and
//! the query stops at [`MAX_CELLS`] so that no catalogue can grow them without bound.

use std::collections::HashMap;

use entity::ticket;
use sea_orm::{
    ColumnTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{Bar, ranked, status};
use crate::{
    db::{Ctx, Handle, directory},
    domain::{catalogue::RequestKind, lifecycle::Status},
    services::{
        error::ServiceResult,
        reports::label_of,
        tickets::{TicketFilter, log::OPEN},
    },
};

/// The most cells read: far above any consortium's agents × organisations × offers with open
/// tickets; past it the largest cells are kept and the bars undercount, which
/// [`Backlog::complete`] says.
pub const MAX_CELLS: usize = 20_000;

/// Open tickets of one kind, status, agent, organisation and offer.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Cell {
    /// Incident or request.
    pub kind: ticket::Kind,
    /// An open status.
    pub status: ticket::Status,
    /// The agent holding them, none for unassigned.
    pub agent_id: Option<i64>,
    /// The requester's organisation.
    pub organisation_id: i64,
    /// The offer.
    pub offer_id: i64,
    /// How many.
    pub n: i64,
}

/// The four breakdowns' counts, by key.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    /// By kind and status.
    pub by_status: HashMap<(RequestKind, Status), u64>,
    /// By agent (none: unassigned).
    pub by_agent: HashMap<Option<i64>, u64>,
    /// By client organisation.
    pub by_organisation: HashMap<i64, u64>,
    /// By offer.
    pub by_offer: HashMap<i64, u64>,
    /// Whether every cell was read (false past [`MAX_CELLS`]).
    pub complete: bool,
}

impl Backlog {
    /// Sums the cells into the four breakdowns.
    pub fn fold(cells: &[Cell], complete: bool) -> Self {
        let mut backlog = Self {
            complete,
            ..Self::default()
        };
        for cell in cells {
            let n = cell.n.unsigned_abs();
            let kind = RequestKind::from(cell.kind);
            *backlog
                .by_status
                .entry((kind, Status::from(cell.status)))
                .or_default() += n;
            *backlog.by_agent.entry(cell.agent_id).or_default() += n;
            *backlog
                .by_organisation
                .entry(cell.organisation_id)
                .or_default() += n;
            *backlog.by_offer.entry(cell.offer_id).or_default() += n;
        }
        backlog
    }
}

/// The caller's open tickets, counted by kind, status, agent, organisation and offer in one
/// grouped query.
pub async fn backlog<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Backlog> {
    let count = Expr::col((ticket::Entity, ticket::Column::Id)).count();
    let mut cells: Vec<Cell> = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::Status.is_in(OPEN))
        .select_only()
        .column(ticket::Column::Kind)
        .column(ticket::Column::Status)
        .column(ticket::Column::AgentId)
        .column(ticket::Column::OrganisationId)
        .column(ticket::Column::OfferId)
        .expr_as(count.clone(), "n")
        // In the order of `ix_ticket_backlog`, which carries them all.
        .group_by(ticket::Column::Status)
        .group_by(ticket::Column::Kind)
        .group_by(ticket::Column::AgentId)
        .group_by(ticket::Column::OrganisationId)
        .group_by(ticket::Column::OfferId)
        .order_by_desc(count)
        .limit(MAX_CELLS as u64 + 1)
        .into_model()
        .all(ctx)
        .await?;
    // One more than the cap was asked for, to tell whether any was left out.
    let complete = cells.len() <= MAX_CELLS;
    cells.truncate(MAX_CELLS);
    Ok(Backlog::fold(&cells, complete))
}

/// The bars of the four breakdowns, each bar linking to the list it counts, names read in one
/// query per kind of name.
pub struct BacklogBars {
    /// By kind and status, in the catalogue's order of their keys.
    pub by_status: Vec<Bar>,
    /// By agent, the unassigned ones as one bar with an empty label.
    pub by_agent: Vec<Bar>,
    /// By client organisation.
    pub by_organisation: Vec<Bar>,
    /// By offer.
    pub by_offer: Vec<Bar>,
}

/// The breakdowns as bars linking to `list` (the desk's ticket list).
pub async fn bars<C: Handle>(ctx: &Ctx<C>, list: &str) -> ServiceResult<BacklogBars> {
    let backlog = backlog(ctx).await?;
    if !backlog.complete {
        tracing::warn!(
            cells = MAX_CELLS,
            "the backlog breakdowns read their largest cells only"
        );
    }
    let href = |filter: &TicketFilter| format!("{list}?{}", super::query_of(filter));
    let agents = directory::account_names(
        ctx,
        backlog
            .by_agent
            .keys()
            .flatten()
            .copied()
            .collect::<Vec<_>>(),
    )
    .await?;
    let organisations = directory::organisation_names(
        ctx,
        backlog.by_organisation.keys().copied().collect::<Vec<_>>(),
    )
    .await?;
    let offers: Vec<(i64, String)> =
        directory::offers(ctx, backlog.by_offer.keys().copied().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    let mut by_status: Vec<Bar> = backlog
        .by_status
        .iter()
        .map(|(&(kind, state), &count)| {
            let word = state.as_str();
            Bar {
                label: format!("{}:{word}", kind.as_str()),
                keys: vec![format!("kind-{}", kind.as_str()), format!("status-{word}")],
                count,
                href: href(&TicketFilter {
                    kind: Some(kind),
                    ..status(word)
                }),
            }
        })
        .collect();
    by_status.sort_by(|a, b| a.label.cmp(&b.label));
    let by_agent = backlog
        .by_agent
        .iter()
        .map(|(&id, &count)| Bar {
            label: id.map(|id| label_of(&agents, id)).unwrap_or_default(),
            keys: Vec::new(),
            count,
            href: href(&TicketFilter {
                agent: id,
                unassigned: id.is_none().then_some(true),
                ..status("open")
            }),
        })
        .collect();
    let by_organisation = backlog
        .by_organisation
        .iter()
        .map(|(&id, &count)| Bar {
            label: label_of(&organisations, id),
            keys: Vec::new(),
            count,
            href: href(&TicketFilter {
                organisation: Some(id),
                ..status("open")
            }),
        })
        .collect();
    let by_offer = backlog
        .by_offer
        .iter()
        .map(|(&id, &count)| {
            let code = label_of(&offers, id);
            Bar {
                href: href(&TicketFilter {
                    offer: Some(code.clone()),
                    ..status("open")
                }),
                label: code,
                keys: Vec::new(),
                count,
            }
        })
        .collect();
    Ok(BacklogBars {
        by_status,
        by_agent: ranked(by_agent),
        by_organisation: ranked(by_organisation),
        by_offer: ranked(by_offer),
    })
}

#[cfg(test)]
mod tests {
    use entity::ticket::{Kind, Status as Stored};

    use super::{Backlog, Cell};
    use crate::domain::{catalogue::RequestKind, lifecycle::Status};

    fn cell(kind: Kind, status: Stored, agent: Option<i64>, org: i64, offer: i64, n: i64) -> Cell {
        Cell {
            kind,
            status,
            agent_id: agent,
            organisation_id: org,
            offer_id: offer,
            n,
        }
    }

    #[test]
    fn each_breakdown_sums_the_cells_it_crosses() {
        let cells = [
            cell(Kind::Incident, Stored::New, None, 5, 1, 3),
            cell(Kind::Incident, Stored::New, Some(4), 6, 1, 2),
            cell(Kind::Request, Stored::Pending, Some(4), 5, 2, 7),
        ];
        let backlog = Backlog::fold(&cells, true);
        assert_eq!(
            backlog.by_status.get(&(RequestKind::Incident, Status::New)),
            Some(&5)
        );
        assert_eq!(
            backlog
                .by_status
                .get(&(RequestKind::Request, Status::Pending)),
            Some(&7)
        );
        assert_eq!(backlog.by_agent.get(&None), Some(&3));
        assert_eq!(backlog.by_agent.get(&Some(4)), Some(&9));
        assert_eq!(backlog.by_organisation.get(&5), Some(&10));
        assert_eq!(backlog.by_organisation.get(&6), Some(&2));
        assert_eq!(backlog.by_offer.get(&1), Some(&5));
        assert_eq!(backlog.by_offer.get(&2), Some(&7));
        // Every breakdown counts every ticket once.
        for total in [
            backlog.by_status.values().sum::<u64>(),
            backlog.by_agent.values().sum(),
            backlog.by_organisation.values().sum(),
            backlog.by_offer.values().sum(),
        ] {
            assert_eq!(total, 12);
        }
        assert!(backlog.complete);
    }

    #[test]
    fn no_cell_no_bar() {
        assert_eq!(
            Backlog::fold(&[], true),
            Backlog {
                complete: true,
                ..Backlog::default()
            }
        );
    }
}
