//! The scoped database handle: the only way services reach tables that belong to tenants. Every
//! select, update and delete it builds carries the caller's [`Scope`] condition (the rules are in
//! `db/rules/`), so an out-of-scope row is simply not found (404 at the edge).
#![expect(
    clippy::disallowed_methods,
    reason = "this module is where the unscoped sea-orm builders are wrapped"
)]

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DeleteMany, EntityTrait, QueryFilter, Select,
    UpdateMany, sea_query::Query,
};

use chrono::{DateTime, Utc};

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

/// A connection (or transaction) seen through a caller's scope, at the request's instant.
pub struct Scoped<'a, C> {
    conn: &'a C,
    scope: &'a Scope,
    now: Option<DateTime<Utc>>,
}

impl<'a, C: ConnectionTrait> Scoped<'a, C> {
    /// Sees `conn` through `scope`.
    pub fn new(conn: &'a C, scope: &'a Scope) -> Self {
        Self {
            conn,
            scope,
            now: None,
        }
    }

    /// The same, with the instant read from the application's clock (see [`crate::clock`]).
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// The request's instant: the one given to [`Scoped::at`], else the system's.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// The connection, for inserts (whose ownership the service checks) and for executing the
    /// builders below.
    pub fn conn(&self) -> &'a C {
        self.conn
    }

    /// The scope applied.
    pub fn scope(&self) -> &'a Scope {
        self.scope
    }

    /// `SELECT` limited to the rows the scope reads.
    pub fn find<E: ScopedEntity>(&self) -> Select<E> {
        E::find().filter(E::readable(self.scope))
    }

    /// `UPDATE` limited to the rows the scope changes.
    pub fn update_many<E: ScopedEntity>(&self) -> UpdateMany<E> {
        E::update_many().filter(E::writable(self.scope))
    }

    /// `DELETE` limited to the rows the scope changes.
    pub fn delete_many<E: ScopedEntity>(&self) -> DeleteMany<E> {
        E::delete_many().filter(E::writable(self.scope))
    }
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
