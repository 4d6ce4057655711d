//! Evolution requests, releases and the committees' sessions.

use entity::{committee_session, evolution, offer, release};
use sea_orm::{ColumnTrait, Condition, sea_query::Expr};

use super::offers_where;
use crate::{access::Scope, db::ScopedEntity};

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
