//! Organisations, accounts, teams, offers, conventions and SLAs.

use entity::{
    account, convention, convention_offer, offer, offer_criteria, organisation, saved_view,
    service_subcategory, sla, team,
};
use sea_orm::{ColumnTrait, Condition};

use super::{everything_if, offers_where};
use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, under_parent},
};

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
    /// Those who manage its organisation; and oneself, for what `accounts::own` lets one
    /// change of one's own (name, language, password: never roles nor the active flag).
    fn writable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::any()
                .add(account::Column::OrganisationId.is_in(scope.managed.clone()))
                .add(account::Column::Id.eq(scope.account_id)),
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
                        .add(convention::Column::Kind.eq(convention::ConventionKind::Usage)),
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

/// An offer's links to conventions follow the convention: read with it, changed with it.
impl ScopedEntity for convention_offer::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(convention::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(convention::Entity::writable(scope))
    }
}

impl ChildEntity for convention_offer::Entity {
    type Parent = convention::Entity;
    fn parent_column() -> Self::Column {
        convention_offer::Column::ConventionId
    }
    fn parent_key() -> convention::Column {
        convention::Column::Id
    }
}

/// An offer's weights of the qualification criteria follow the offer: read by whoever reads
/// it, changed by whoever manages it.
impl ScopedEntity for offer_criteria::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(offer::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(offer::Entity::writable(scope))
    }
}

impl ChildEntity for offer_criteria::Entity {
    type Parent = offer::Entity;
    fn parent_column() -> Self::Column {
        offer_criteria::Column::OfferId
    }
    fn parent_key() -> offer::Column {
        offer::Column::Id
    }
}
