//! What the request context ([`crate::db::Ctx`]) scopes with: the rule each tenant table answers
//! (readable and writable rows for a [`Scope`]; the rules themselves are in `db/rules/`), the
//! rule of child tables through their parent, and the explicit cross-tenant handle.
#![expect(
    clippy::disallowed_methods,
    reason = "this module is where the unscoped sea-orm builders are wrapped"
)]

use sea_orm::{
    Condition, DeleteMany, EntityTrait, Select, UpdateMany,
    sea_query::{Expr, ExprTrait, IntoColumnRef, Query},
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
    referencing::<E::Parent>(
        (E::default(), E::parent_column()),
        E::parent_key(),
        condition,
    )
}

/// Rows whose `column` names, by its `key`, a row of `P` that satisfies `condition`. Written as
/// a correlated `EXISTS` rather than `column IN (SELECT key FROM P WHERE condition)`: SQLite
/// builds such an `IN` list whole before reading a single row, which for a contact of 50 000
/// tickets cost 38 ms on every read of one ticket's log; the `EXISTS` checks each row reached
/// by its parent's primary key (0.2 ms), and the other databases plan both as a semi-join.
pub fn referencing<P: EntityTrait>(
    column: impl IntoColumnRef,
    key: P::Column,
    condition: Condition,
) -> Condition {
    Condition::all().add(Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(P::default())
            .cond_where(
                Condition::all()
                    .add(Expr::col((P::default(), key)).equals(column))
                    .add(condition),
            )
            .to_owned(),
    ))
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
