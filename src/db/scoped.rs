//! What the request context ([`crate::db::Ctx`]) scopes with: the rule each tenant table answers
//! (readable and writable rows for a [`Scope`]; the rules themselves are in `db/rules/`), the
//! rule of child tables through their parent, and the explicit cross-tenant handle.
#![expect(
    clippy::disallowed_methods,
    reason = "this module is where the unscoped sea-orm builders are wrapped"
)]

use sea_orm::{
    ColumnTrait, Condition, DeleteMany, EntityTrait, Select, UpdateMany, sea_query::Query,
};

use crate::access::Scope;

/// A table whose rows belong to organisations, with the condition that keeps a scope's rows.
pub trait ScopedEntity: EntityTrait {
    /// Rows the scope may read.
    fn readable(scope: &Scope) -> Condition;
    /// Rows the scope may change (a subset of the readable ones).
    fn writable(scope: &Scope) -> Condition;
}

/// A table whose rows hang from a parent row (a ticket's log, an evolution's supports, a
/// release's ballots): its rows are read and changed through the parent's rule, and a row is
/// inserted only under a parent the caller may change ([`crate::db::Ctx::insert_child`]).
pub trait ChildEntity: EntityTrait {
    /// The table of the parent rows.
    type Parent: ScopedEntity;
    /// This table's column holding the parent's id.
    fn parent_column() -> Self::Column;
    /// The parent table's id column.
    fn parent_key() -> <Self::Parent as EntityTrait>::Column;
}

/// Rows of `E` whose parent satisfies `condition` (the parent's readable or writable rule).
pub fn under_parent<E: ChildEntity>(condition: Condition) -> Condition {
    Condition::all().add(
        E::parent_column().in_subquery(
            Query::select()
                .column(E::parent_key())
                .from(E::Parent::default())
                .cond_where(condition)
                .to_owned(),
        ),
    )
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
