//! Evolution requests, releases and the committees' sessions.

use entity::{
    committee_session, evolution, evolution_assessment, evolution_history, evolution_support,
    offer, release, steering_ballot, steering_decision,
};
use sea_orm::{ColumnTrait, Condition, sea_query::Expr};

use super::offers_where;
use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, under_parent},
};

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

/// A request's children (supports, assessments, history) are read and changed with it.
macro_rules! under_evolution {
    ($($table:ident),*) => {$(
        impl ChildEntity for $table::Entity {
            type Parent = evolution::Entity;
            fn parent_column() -> Self::Column {
                $table::Column::EvolutionId
            }
            fn parent_key() -> evolution::Column {
                evolution::Column::Id
            }
        }

        impl ScopedEntity for $table::Entity {
            fn readable(scope: &Scope) -> Condition {
                under_parent::<Self>(evolution::Entity::readable(scope))
            }
            fn writable(scope: &Scope) -> Condition {
                under_parent::<Self>(evolution::Entity::writable(scope))
            }
        }
    )*};
}

under_evolution!(evolution_support, evolution_assessment, evolution_history);

/// A release's ballots and decision records are read and changed with it (who may vote or
/// decide is the service's: roles, not rows).
macro_rules! under_release {
    ($($table:ident),*) => {$(
        impl ChildEntity for $table::Entity {
            type Parent = release::Entity;
            fn parent_column() -> Self::Column {
                $table::Column::ReleaseId
            }
            fn parent_key() -> release::Column {
                release::Column::Id
            }
        }

        impl ScopedEntity for $table::Entity {
            fn readable(scope: &Scope) -> Condition {
                under_parent::<Self>(release::Entity::readable(scope))
            }
            fn writable(scope: &Scope) -> Condition {
                under_parent::<Self>(release::Entity::writable(scope))
            }
        }
    )*};
}

under_release!(steering_ballot, steering_decision);
