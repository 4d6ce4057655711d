//! The knowledge base: FAQs, their categories, versions, opinions and suggestions.

use entity::{faq, faq_category, faq_feedback, faq_suggestion, faq_version, offer};
use sea_orm::{ColumnTrait, Condition, sea_query::Expr};

use super::{everything_if, offers_where};
use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, under_parent},
};

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
                .add(faq::Column::Status.eq(faq::FaqStatus::Published))
                .add(
                    Condition::any()
                        .add(faq::Column::Visibility.eq(faq::FaqVisibility::Everyone))
                        .add(
                            Condition::all()
                                .add(faq::Column::Visibility.eq(faq::FaqVisibility::Subscribers))
                                .add(subscribers),
                        )
                        .add(
                            Condition::all()
                                .add(faq::Column::Visibility.eq(faq::FaqVisibility::Agents))
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
        under_parent::<Self>(faq::Entity::writable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

impl ChildEntity for faq_version::Entity {
    type Parent = faq::Entity;
    fn parent_column() -> faq_version::Column {
        faq_version::Column::FaqId
    }
    fn parent_key() -> faq::Column {
        faq::Column::Id
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
