//! Tickets and the provider side of them.

use entity::{offer, ticket, ticket_participant};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

use super::offers_where;
use crate::{access::Scope, db::ScopedEntity};

impl ScopedEntity for ticket::Entity {
    /// SPEC section 1: one's own tickets and those one follows; for contacts, the shared
    /// tickets of their organisation and below; for agents, those of the offers their teams
    /// deliver or assigned to their teams; for coordinators, those of the offers provided in
    /// their subtree.
    fn readable(scope: &Scope) -> Condition {
        if scope.admin {
            return Condition::all();
        }
        let mut condition = Condition::any()
            .add(ticket::Column::RequesterId.eq(scope.account_id))
            .add(
                ticket::Column::Id.in_subquery(
                    Query::select()
                        .column(ticket_participant::Column::TicketId)
                        .from(ticket_participant::Entity)
                        .and_where(ticket_participant::Column::AccountId.eq(scope.account_id))
                        .to_owned(),
                ),
            );
        if scope.contact {
            condition = condition.add(
                Condition::all()
                    .add(ticket::Column::OrganisationId.is_in(scope.subtree.clone()))
                    .add(ticket::Column::Visibility.eq("organisation")),
            );
        }
        if !scope.delivered_offers.is_empty() || !scope.team_ids.is_empty() {
            condition = condition
                .add(ticket::Column::OfferId.is_in(scope.delivered_offers.clone()))
                .add(ticket::Column::TeamId.is_in(scope.team_ids.clone()));
        }
        if !scope.managed.is_empty() {
            condition = condition.add(ticket::Column::OfferId.in_subquery(offers_where(
                Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
            )));
        }
        condition
    }
    /// Changes go through the lifecycle, which decides per side; the row itself is changeable
    /// by whoever reads it.
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// The tickets whose provider's side a scope stands on (the rule of `tickets::provider_side`, as a
/// condition): the only ones whose private log it may search.
pub fn ticket_provider_side(scope: &Scope) -> Condition {
    if scope.admin {
        return Condition::all();
    }
    Condition::any()
        .add(ticket::Column::OfferId.is_in(scope.delivered_offers.clone()))
        .add(ticket::Column::TeamId.is_in(scope.team_ids.clone()))
        .add(ticket::Column::OfferId.in_subquery(offers_where(
            Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
        )))
}
