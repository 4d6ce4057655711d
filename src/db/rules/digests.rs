//! Digests: one's own choices and one's own digests; the platform's jobs read them all.

use entity::{digest_choice, digest_sent};
use sea_orm::{ColumnTrait, Condition};

use super::everything_if;
use crate::{access::Scope, db::ScopedEntity};

impl ScopedEntity for digest_choice::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(digest_choice::Column::AccountId.eq(scope.account_id)),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

impl ScopedEntity for digest_sent::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all().add(digest_sent::Column::AccountId.eq(scope.account_id)),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}
