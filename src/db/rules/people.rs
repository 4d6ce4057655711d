//! The rows that hang from accounts and teams: roles, committee offers, team members and API
//! tokens. (The organisation, account and team rules themselves are in `catalogue.rs`.)

use entity::{
    account, account_role, api_token, committee_offer, identity_provider, team, team_member,
};
use sea_orm::{ColumnTrait, Condition};

use super::everything_if;

use crate::{
    access::Scope,
    db::{ChildEntity, ScopedEntity, under_parent},
};

/// An account's roles are read with the account and changed by those who manage it.
impl ScopedEntity for account_role::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(account::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(account::Entity::writable(scope))
    }
}

impl ChildEntity for account_role::Entity {
    type Parent = account::Entity;
    fn parent_column() -> account_role::Column {
        account_role::Column::AccountId
    }
    fn parent_key() -> account::Column {
        account::Column::Id
    }
}

/// The offers a committee member is limited to: read with the account, changed by those who
/// manage it.
impl ScopedEntity for committee_offer::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(account::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(account::Entity::writable(scope))
    }
}

impl ChildEntity for committee_offer::Entity {
    type Parent = account::Entity;
    fn parent_column() -> committee_offer::Column {
        committee_offer::Column::AccountId
    }
    fn parent_key() -> account::Column {
        account::Column::Id
    }
}

/// A team's members are read with the team and changed by those who manage it.
impl ScopedEntity for team_member::Entity {
    fn readable(scope: &Scope) -> Condition {
        under_parent::<Self>(team::Entity::readable(scope))
    }
    fn writable(scope: &Scope) -> Condition {
        under_parent::<Self>(team::Entity::writable(scope))
    }
}

impl ChildEntity for team_member::Entity {
    type Parent = team::Entity;
    fn parent_column() -> team_member::Column {
        team_member::Column::TeamId
    }
    fn parent_key() -> team::Column {
        team::Column::Id
    }
}

/// A personal token is its owner's alone, administrators included: it is a secret. (Revoking
/// every token of a deactivated account is the platform's act, and says so.)
impl ScopedEntity for api_token::Entity {
    fn readable(scope: &Scope) -> Condition {
        Condition::all().add(api_token::Column::AccountId.eq(scope.account_id))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// An idempotency key is its account's own, administrators included: it replays one person's
/// requests.
impl ScopedEntity for entity::idempotency_key::Entity {
    fn readable(scope: &Scope) -> Condition {
        Condition::all().add(entity::idempotency_key::Column::AccountId.eq(scope.account_id))
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// Identity providers and their sign-ins under way: administrators only (the platform, which
/// is one, reads them for the sign-in page and the callback).
impl ScopedEntity for identity_provider::Entity {
    fn readable(scope: &Scope) -> Condition {
        admins_only(scope, identity_provider::Column::Id)
    }
    fn writable(scope: &Scope) -> Condition {
        admins_only(scope, identity_provider::Column::Id)
    }
}

fn admins_only(scope: &Scope, id: identity_provider::Column) -> Condition {
    everything_if(
        scope.admin,
        Condition::all().add(id.is_in(Vec::<i64>::new())),
    )
}
