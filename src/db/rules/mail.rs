//! Mail in: an offer's address is read and changed from its provider's side (as its service
//! status is, see `status.rs`); the messages taken in are the platform's own record.
//! Mailboxes (IMAP) are their organisation's managers'.

use entity::inbound_mail;
use sea_orm::{ColumnTrait, Condition};

use super::everything_if;
use crate::{access::Scope, db::ScopedEntity};

impl ScopedEntity for inbound_mail::Entity {
    fn readable(scope: &Scope) -> Condition {
        // An empty `any` is false: nobody but the administrators.
        everything_if(scope.admin, Condition::any())
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}

/// A mailbox is its organisation's: read and changed by those who manage it.
impl ScopedEntity for entity::mailbox::Entity {
    fn readable(scope: &Scope) -> Condition {
        everything_if(
            scope.admin,
            Condition::all()
                .add(entity::mailbox::Column::OrganisationId.is_in(scope.managed.clone())),
        )
    }
    fn writable(scope: &Scope) -> Condition {
        Self::readable(scope)
    }
}
