//! Service status, major incidents and maintenance windows: read by whoever reads the offer
//! (its subscribers, its provider, the committees), changed by the offer's provider side only
//! (agents of the teams that deliver it, coordinators of its provider).

use entity::{maintenance_window, major_incident, offer, offer_mail_address, service_status};
use sea_orm::{ColumnTrait, Condition, EntityTrait, sea_query::SelectStatement};

use super::{everything_if, offers_where};
use crate::{access::Scope, db::ScopedEntity};

/// The offers whose provider's side the scope stands on.
fn provided_offers(scope: &Scope) -> SelectStatement {
    offers_where(everything_if(
        scope.admin,
        Condition::any()
            .add(offer::Column::Id.is_in(scope.delivered_offers.clone()))
            .add(offer::Column::ProviderId.is_in(scope.managed.clone())),
    ))
}

/// Rows of a table hanging from an offer: readable with the offer, writable from its provider's
/// side.
trait OfferRow: EntityTrait {
    fn offer_column() -> Self::Column;
}

fn readable<E: OfferRow>(scope: &Scope) -> Condition {
    everything_if(
        scope.all_offers,
        Condition::all()
            .add(E::offer_column().in_subquery(offers_where(offer::Entity::readable(scope)))),
    )
}

fn writable<E: OfferRow>(scope: &Scope) -> Condition {
    everything_if(
        scope.admin,
        Condition::all().add(E::offer_column().in_subquery(provided_offers(scope))),
    )
}

macro_rules! offer_rows {
    ($($table:ident),+) => {
        $(
            impl OfferRow for $table::Entity {
                fn offer_column() -> Self::Column {
                    $table::Column::OfferId
                }
            }

            impl ScopedEntity for $table::Entity {
                fn readable(scope: &Scope) -> Condition {
                    readable::<Self>(scope)
                }
                fn writable(scope: &Scope) -> Condition {
                    writable::<Self>(scope)
                }
            }
        )+
    };
}

offer_rows!(
    service_status,
    major_incident,
    maintenance_window,
    offer_mail_address
);
