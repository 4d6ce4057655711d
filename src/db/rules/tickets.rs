//! Tickets, the provider side of them, and the rows that hang from them (log, history,
//! participants, attachments), plus a person's own notifications.

use entity::{
    attachment, convention, notification, notification_mute, offer, ticket, ticket_history,
    ticket_log, ticket_participant,
};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};

use super::{everything_if, offers_where};
use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, referencing, under_parent},
};

impl ScopedEntity for ticket::Entity {
    /// SPEC section 1: one's own tickets and those one follows; for contacts, the shared
    /// tickets of their organisation and below; for agents, those of the offers their teams
    /// deliver or assigned to their teams; for coordinators, those of the offers provided in
    /// their subtree.
    fn readable(scope: &Scope) -> Condition {
        if scope.admin {
            return Condition::all();
        }
        // The broad terms first: a database evaluates the alternatives in this order and stops
        // at the first that holds, and the provider's side (or, for a contact, the
        // organisation's shared tickets) is what admits most rows, from columns an index can
        // carry; the participants' list, a subquery to probe, comes last. On SQLite, seven
        // months of 100 000 tickets summed for a coordinator took 47 ms with the requester
        // first and 14 ms in this order.
        let mut condition = Condition::any();
        if ProviderSide(scope).anywhere() {
            condition = condition.add(ProviderSide(scope).condition());
        }
        if scope.contact {
            condition = condition.add(
                Condition::all()
                    .add(ticket::Column::OrganisationId.is_in(scope.subtree.clone()))
                    .add(ticket::Column::Visibility.eq(ticket::Visibility::Organisation)),
            );
        }
        condition = condition
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
        condition
    }
    /// Changes go through the lifecycle, which decides per side; the row itself is changeable
    /// by whoever reads it.
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// The provider's side of tickets for a scope: administrators, agents whose teams deliver the
/// ticket's offer or hold the ticket, coordinators of the offer's provider. The one rule, read
/// as a condition (queries) and as a predicate (a ticket already read).
pub struct ProviderSide<'a>(pub &'a Scope);

impl ProviderSide<'_> {
    /// Whether the scope stands on any provider's side at all.
    pub fn anywhere(&self) -> bool {
        let scope = self.0;
        scope.admin
            || !scope.delivered_offers.is_empty()
            || !scope.team_ids.is_empty()
            || !scope.managed.is_empty()
    }

    /// The tickets whose provider's side the scope stands on.
    pub fn condition(&self) -> Condition {
        let scope = self.0;
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

    /// Whether the scope stands on the provider's side of `row`, whose offer is provided by
    /// `provider_id`.
    pub fn holds(&self, row: &ticket::Model, provider_id: i64) -> bool {
        let scope = self.0;
        scope.admin
            || scope.delivered_offers.contains(&row.offer_id)
            || row.team_id.is_some_and(|t| scope.team_ids.contains(&t))
            || scope.managed.contains(&provider_id)
    }
}

impl ChildEntity for ticket_log::Entity {
    type Parent = ticket::Entity;
    fn parent_column() -> ticket_log::Column {
        ticket_log::Column::TicketId
    }
    fn parent_key() -> ticket::Column {
        ticket::Column::Id
    }
}

impl ScopedEntity for ticket_log::Entity {
    /// The entries of the tickets one reads; private ones only from the provider's side.
    fn readable(scope: &Scope) -> Condition {
        let private_too = referencing::<ticket::Entity>(
            (ticket_log::Entity, ticket_log::Column::TicketId),
            ticket::Column::Id,
            Condition::all()
                .add(ticket::Entity::readable(scope))
                .add(ProviderSide(scope).condition()),
        );
        Condition::all()
            .add(under_parent::<Self>(ticket::Entity::readable(scope)))
            .add(
                Condition::any()
                    .add(ticket_log::Column::Private.eq(false))
                    .add(private_too),
            )
    }
    /// The log is append-only; what one reads of it is what one could have written.
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

impl ChildEntity for ticket_history::Entity {
    type Parent = ticket::Entity;
    fn parent_column() -> ticket_history::Column {
        ticket_history::Column::TicketId
    }
    fn parent_key() -> ticket::Column {
        ticket::Column::Id
    }
}

impl ScopedEntity for ticket_history::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(ticket::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(ticket::Entity::writable(scope))
    }
}

impl ChildEntity for ticket_participant::Entity {
    type Parent = ticket::Entity;
    fn parent_column() -> ticket_participant::Column {
        ticket_participant::Column::TicketId
    }
    fn parent_key() -> ticket::Column {
        ticket::Column::Id
    }
}

impl ScopedEntity for ticket_participant::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(ticket::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(ticket::Entity::writable(scope))
    }
}

impl ScopedEntity for attachment::Entity {
    /// The files of the owners one reads: conventions, tickets, the log entries one reads.
    fn readable(scope: &Scope) -> Condition {
        attachments_of(
            convention::Entity::readable(scope),
            ticket::Entity::readable(scope),
            ticket_log::Entity::readable(scope),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        attachments_of(
            convention::Entity::writable(scope),
            ticket::Entity::writable(scope),
            ticket_log::Entity::writable(scope),
        )
    }
}

/// The attachments whose owner satisfies its table's condition.
fn attachments_of(conventions: Condition, tickets: Condition, entries: Condition) -> Condition {
    let owned = |kind: attachment::OwnerKind, owner: Condition| {
        Condition::all()
            .add(attachment::Column::OwnerKind.eq(kind))
            .add(owner)
    };
    let owner = (attachment::Entity, attachment::Column::OwnerId);
    Condition::any()
        .add(owned(
            attachment::OwnerKind::Convention,
            referencing::<convention::Entity>(owner, convention::Column::Id, conventions),
        ))
        .add(owned(
            attachment::OwnerKind::Ticket,
            referencing::<ticket::Entity>(owner, ticket::Column::Id, tickets),
        ))
        .add(owned(
            attachment::OwnerKind::TicketLog,
            referencing::<ticket_log::Entity>(owner, ticket_log::Column::Id, entries),
        ))
}

impl ScopedEntity for notification::Entity {
    /// One's own notifications (the platform's jobs read them all).
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(notification::Column::AccountId.eq(scope.account_id)),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

impl ScopedEntity for notification_mute::Entity {
    /// One's own preferences; they are personal, even for administrators.
    fn readable(scope: &Scope) -> Condition {
        Condition::all().add(notification_mute::Column::AccountId.eq(scope.account_id))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}
