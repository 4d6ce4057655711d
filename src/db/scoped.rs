//! The scoped database handle: the only way services reach tables that belong to tenants. Every
//! select, update and delete it builds carries the caller's [`Scope`] condition, so an
//! out-of-scope row is simply not found (404 at the edge).
#![expect(
    clippy::disallowed_methods,
    reason = "this module is where the unscoped sea-orm builders are wrapped"
)]

use entity::{
    account, committee_session, convention, evolution, faq, faq_category, faq_feedback,
    faq_suggestion, faq_version, offer, organisation, release, saved_view, service_subcategory,
    sla, team, ticket, ticket_participant,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DeleteMany, EntityTrait, QueryFilter, Select,
    UpdateMany,
    sea_query::{Expr, Query, SelectStatement},
};

use chrono::{DateTime, Utc};

use crate::access::Scope;

/// A table whose rows belong to organisations, with the condition that keeps a scope's rows.
pub trait ScopedEntity: EntityTrait {
    /// Rows the scope may read.
    fn readable(scope: &Scope) -> Condition;
    /// Rows the scope may change (a subset of the readable ones).
    fn writable(scope: &Scope) -> Condition;
}

fn everything_if(admin: bool, otherwise: Condition) -> Condition {
    if admin { Condition::all() } else { otherwise }
}

impl ScopedEntity for organisation::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(organisation::Column::Id.is_in(scope.subtree.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(organisation::Column::Id.is_in(scope.managed.clone())),
        )
    }
}

impl ScopedEntity for account::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(account::Column::OrganisationId.is_in(scope.subtree.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(account::Column::OrganisationId.is_in(scope.managed.clone())),
        )
    }
}

impl ScopedEntity for team::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(team::Column::OrganisationId.is_in(scope.subtree.clone()))
                .add(team::Column::Id.is_in(scope.team_ids.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(team::Column::OrganisationId.is_in(scope.managed.clone())),
        )
    }
}

impl ScopedEntity for offer::Entity {
    /// Offers one files on or works on, those provided inside one's subtree, and every offer
    /// for administrators and the committees.
    fn readable(scope: &Scope) -> Condition {
        if scope.all_offers {
            return Condition::all();
        }
        Condition::any()
            .add(offer::Column::Id.is_in(scope.offers.clone()))
            .add(offer::Column::ProviderId.is_in(scope.subtree.clone()))
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
        )
    }
}

/// The ids of the offers a scope reads or changes, as a subquery.
fn offers_where(condition: Condition) -> SelectStatement {
    Query::select()
        .column(offer::Column::Id)
        .from(offer::Entity)
        .cond_where(condition)
        .to_owned()
}

impl ScopedEntity for service_subcategory::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.all_offers,
            Condition::all().add(
                service_subcategory::Column::OfferId
                    .in_subquery(offers_where(offer::Entity::readable(scope))),
            ),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(
                service_subcategory::Column::OfferId
                    .in_subquery(offers_where(offer::Entity::writable(scope))),
            ),
        )
    }
}

impl ScopedEntity for convention::Entity {
    /// Conventions of one's organisation and its subtree, terms of use held by its ancestors
    /// (they cover it), and those one's subtree provides.
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(convention::Column::ClientId.is_in(scope.subtree.clone()))
                .add(
                    // Terms of use held higher up cover one; a provider's own agreement with
                    // the consortium concerns only the two parties.
                    Condition::all()
                        .add(convention::Column::ClientId.is_in(scope.ancestors.clone()))
                        .add(convention::Column::Kind.eq("usage")),
                )
                .add(convention::Column::ProviderId.is_in(scope.subtree.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(convention::Column::ProviderId.is_in(scope.managed.clone())),
        )
    }
}

impl ScopedEntity for sla::Entity {
    /// SLAs one's subtree provides, and those of the conventions that cover one.
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(sla::Column::ProviderId.is_in(scope.subtree.clone()))
                .add(sla::Column::Id.is_in(scope.slas.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(sla::Column::ProviderId.is_in(scope.managed.clone())),
        )
    }
}

/// A saved view is its owner's alone, administrators included: it is a personal shortcut.
impl ScopedEntity for saved_view::Entity {
    fn readable(scope: &Scope) -> Condition {
        Condition::all().add(saved_view::Column::AccountId.eq(scope.account_id))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

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

/// Offers whose FAQs a scope works on: those its teams deliver and those provided in the subtree
/// it coordinates.
fn offers_worked_on(scope: &Scope) -> Condition {
    Condition::any()
        .add(faq::Column::OfferId.is_in(scope.delivered_offers.clone()))
        .add(faq::Column::OfferId.in_subquery(offers_where(
            Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
        )))
}

impl ScopedEntity for faq::Entity {
    /// SPEC section 6: a published FAQ for `everyone` signed in; for the `subscribers` of its
    /// offer (a convention in force) and the offer's provider; for the provider's `agents`. Those
    /// who write an FAQ read it in every status. A general FAQ (no offer) for subscribers is for
    /// anyone whose organisation subscribes to something, for agents for any provider's staff.
    fn readable(scope: &Scope) -> Condition {
        if scope.admin {
            return Condition::all();
        }
        let provider_staff = !scope.delivered_offers.is_empty() || !scope.managed.is_empty();
        let general = || faq::Column::OfferId.is_null();
        let agents = Condition::any().add(offers_worked_on(scope)).add(
            Condition::all()
                .add(general())
                .add(Expr::value(provider_staff)),
        );
        let subscribers = Condition::any()
            .add(faq::Column::OfferId.is_in(scope.subscribed_offers.clone()))
            .add(
                Condition::all()
                    .add(general())
                    .add(Expr::value(!scope.subscribed_offers.is_empty())),
            )
            .add(agents.clone());
        Condition::any().add(Self::writable(scope)).add(
            Condition::all()
                .add(faq::Column::Status.eq("published"))
                .add(
                    Condition::any()
                        .add(faq::Column::Visibility.eq("everyone"))
                        .add(
                            Condition::all()
                                .add(faq::Column::Visibility.eq("subscribers"))
                                .add(subscribers),
                        )
                        .add(
                            Condition::all()
                                .add(faq::Column::Visibility.eq("agents"))
                                .add(agents),
                        ),
                ),
        )
    }
    /// Agents write the FAQs of the offers their teams deliver, coordinators those of the offers
    /// provided in their subtree and the general ones.
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any().add(offers_worked_on(scope)).add(
                Condition::all()
                    .add(faq::Column::OfferId.is_null())
                    .add(Expr::value(!scope.managed.is_empty())),
            ),
        )
    }
}

/// A category is read with its offer (general ones by everyone) and changed by those who
/// manage the offer.
impl ScopedEntity for faq_category::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.all_offers,
            Condition::any()
                .add(faq_category::Column::OfferId.is_null())
                .add(
                    faq_category::Column::OfferId
                        .in_subquery(offers_where(offer::Entity::readable(scope))),
                ),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(
                    Condition::all()
                        .add(faq_category::Column::OfferId.is_null())
                        .add(Expr::value(!scope.managed.is_empty())),
                )
                .add(
                    faq_category::Column::OfferId
                        .in_subquery(offers_where(offer::Entity::writable(scope))),
                ),
        )
    }
}

/// Earlier versions are for those who write the FAQ.
impl ScopedEntity for faq_version::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(
                faq_version::Column::FaqId.in_subquery(
                    Query::select()
                        .column(faq::Column::Id)
                        .from(faq::Entity)
                        .cond_where(faq::Entity::writable(scope))
                        .to_owned(),
                ),
            ),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// One's own opinions only: counts are on the FAQ.
impl ScopedEntity for faq_feedback::Entity {
    fn readable(scope: &Scope) -> Condition {
        Condition::all().add(faq_feedback::Column::AccountId.eq(scope.account_id))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// The suggestion record is the offer provider's to read (the deflection report); it is written
/// by the filing contact's actions.
impl ScopedEntity for faq_suggestion::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(faq_suggestion::Column::OfferId.is_in(scope.delivered_offers.clone()))
                .add(faq_suggestion::Column::OfferId.in_subquery(offers_where(
                    Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
                ))),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// SPEC section 7: an evolution request is read by the contacts of every establishment with a
/// convention in force on its offer, by the offer's provider, by the committees (those limited
/// to some offers, on those) and by its requester. Actions are decided by roles in the service.
impl ScopedEntity for evolution::Entity {
    fn readable(scope: &Scope) -> Condition {
        if scope.all_offers {
            return Condition::all();
        }
        Condition::any()
            .add(evolution::Column::RequesterId.eq(scope.account_id))
            .add(evolution::Column::OfferId.is_in(scope.offers.clone()))
            .add(evolution::Column::OfferId.in_subquery(offers_where(
                Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
            )))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// A release is read by whoever reads its offer's requests (the roadmap is for every
/// subscribing establishment).
impl ScopedEntity for release::Entity {
    fn readable(scope: &Scope) -> Condition {
        if scope.all_offers {
            return Condition::all();
        }
        Condition::any()
            .add(release::Column::OfferId.is_in(scope.offers.clone()))
            .add(release::Column::OfferId.in_subquery(offers_where(
                Condition::all().add(offer::Column::ProviderId.is_in(scope.managed.clone())),
            )))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// Committee sessions are the committees' (and administrators') own.
impl ScopedEntity for committee_session::Entity {
    fn readable(scope: &Scope) -> Condition {
        if scope.admin || scope.committees {
            Condition::all()
        } else {
            Condition::all().add(Expr::value(false))
        }
    }
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

/// A connection (or transaction) seen through a caller's scope, at the request's instant.
pub struct Scoped<'a, C> {
    conn: &'a C,
    scope: &'a Scope,
    now: Option<DateTime<Utc>>,
}

impl<'a, C: ConnectionTrait> Scoped<'a, C> {
    /// Sees `conn` through `scope`.
    pub fn new(conn: &'a C, scope: &'a Scope) -> Self {
        Self {
            conn,
            scope,
            now: None,
        }
    }

    /// The same, with the instant read from the application's clock (see [`crate::clock`]).
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// The request's instant: the one given to [`Scoped::at`], else the system's.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// The connection, for inserts (whose ownership the service checks) and for executing the
    /// builders below.
    pub fn conn(&self) -> &'a C {
        self.conn
    }

    /// The scope applied.
    pub fn scope(&self) -> &'a Scope {
        self.scope
    }

    /// `SELECT` limited to the rows the scope reads.
    pub fn find<E: ScopedEntity>(&self) -> Select<E> {
        E::find().filter(E::readable(self.scope))
    }

    /// `UPDATE` limited to the rows the scope changes.
    pub fn update_many<E: ScopedEntity>(&self) -> UpdateMany<E> {
        E::update_many().filter(E::writable(self.scope))
    }

    /// `DELETE` limited to the rows the scope changes.
    pub fn delete_many<E: ScopedEntity>(&self) -> DeleteMany<E> {
        E::delete_many().filter(E::writable(self.scope))
    }
}

/// Cross-tenant access, for what has no caller yet or acts for the platform: signing in, session
/// and token lookup, the demo loader, background jobs. Every use is greppable as `Unscoped`.
pub struct Unscoped;

impl Unscoped {
    /// `SELECT` over a whole table.
    pub fn find<E: EntityTrait>() -> Select<E> {
        E::find()
    }

    /// `UPDATE` over a whole table.
    pub fn update_many<E: EntityTrait>() -> UpdateMany<E> {
        E::update_many()
    }

    /// `DELETE` over a whole table.
    pub fn delete_many<E: EntityTrait>() -> DeleteMany<E> {
        E::delete_many()
    }
}
