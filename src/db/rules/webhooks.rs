//! Webhooks: an endpoint is its organisation's, read and changed by administrators and by the
//! coordinators of that organisation's subtree; its deliveries and their attempts go with it.

use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::{ColumnTrait, Condition};

use super::everything_if;
use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, under_parent},
};

impl ScopedEntity for webhook_endpoint::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all()
                .add(webhook_endpoint::Column::OrganisationId.is_in(scope.managed.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

impl ChildEntity for webhook_delivery::Entity {
    type Parent = webhook_endpoint::Entity;
    fn parent_column() -> Self::Column {
        webhook_delivery::Column::EndpointId
    }
    fn parent_key() -> webhook_endpoint::Column {
        webhook_endpoint::Column::Id
    }
}

impl ScopedEntity for webhook_delivery::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(webhook_endpoint::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(webhook_endpoint::Entity::writable(scope))
    }
}

impl ChildEntity for webhook_attempt::Entity {
    type Parent = webhook_delivery::Entity;
    fn parent_column() -> Self::Column {
        webhook_attempt::Column::DeliveryId
    }
    fn parent_key() -> webhook_delivery::Column {
        webhook_delivery::Column::Id
    }
}

impl ScopedEntity for webhook_attempt::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(webhook_delivery::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(webhook_delivery::Entity::writable(scope))
    }
}
