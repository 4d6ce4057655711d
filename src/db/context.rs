//! The request context: who is acting, the database seen through their scope, and the instant
//! they act at. Built once per request (see [`crate::auth`]'s extractor) or once per job run
//! ([`Ctx::platform`]); services take `&Ctx` and nothing else from the HTTP side, so neither the
//! scope nor the clock can come from two places.
#![expect(
    clippy::disallowed_methods,
    reason = "the context wraps the unscoped sea-orm builders with the caller's conditions"
)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, DeleteMany, EntityTrait,
    ExecResult, IntoActiveModel, QueryFilter, QueryResult, Select, Statement, TransactionSession,
    TransactionTrait, UpdateMany,
};

use super::scoped::{ChildEntity, ScopedEntity};
use crate::access::{Caller, Scope};

/// What a context runs its statements on: the pool, a transaction it owns, or (while older code
/// that holds a borrowed connection calls newer services) a borrowed one.
pub trait Handle: Sync + Send {
    /// The connection or transaction underneath.
    type Conn: ConnectionTrait + Sync;
    /// It.
    fn conn(&self) -> &Self::Conn;
}

impl Handle for sea_orm::DatabaseConnection {
    type Conn = Self;
    fn conn(&self) -> &Self {
        self
    }
}

impl Handle for sea_orm::DatabaseTransaction {
    type Conn = Self;
    fn conn(&self) -> &Self {
        self
    }
}

impl<T: ConnectionTrait + Sync> Handle for &T {
    type Conn = T;
    fn conn(&self) -> &T {
        self
    }
}

/// A caller acting on a connection (`DatabaseConnection`) or inside a transaction
/// (`DatabaseTransaction`) at one instant.
///
/// It runs statements itself (it is a [`ConnectionTrait`]), and its builders ([`Ctx::find`],
/// [`Ctx::update_many`], [`Ctx::delete_many`]) carry the caller's scope: an out-of-scope row is
/// simply not found, which the edge answers with 404.
pub struct Ctx<C = sea_orm::DatabaseConnection> {
    conn: C,
    /// Where single `SELECT`s go when `conn` is the pool rather than a transaction: on SQLite,
    /// the connections that only read, so that reads never queue behind the one writer (see
    /// [`super::connect_readers`]). A transaction reads on its own connection, to see its writes.
    reads: Option<sea_orm::DatabaseConnection>,
    caller: Arc<Caller>,
    now: DateTime<Utc>,
}

impl<C> Ctx<C> {
    /// `caller` acting on `conn` at `now`.
    pub fn new(conn: C, caller: Arc<Caller>, now: DateTime<Utc>) -> Self {
        Self {
            conn,
            reads: None,
            caller,
            now,
        }
    }

    /// Who is acting.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The same caller, shared (for a page that keeps it).
    pub fn caller_arc(&self) -> Arc<Caller> {
        self.caller.clone()
    }

    /// What the caller reaches.
    pub fn scope(&self) -> &Scope {
        &self.caller.scope
    }

    /// The instant of the request or job: every row it stamps carries this one.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

impl Ctx<sea_orm::DatabaseConnection> {
    /// The platform acting for itself (jobs, the command line, the demo loader): it reaches every
    /// organisation, and says so by being built here.
    pub fn platform(conn: sea_orm::DatabaseConnection, now: DateTime<Utc>) -> Self {
        Self::new(conn, Arc::new(Caller::platform()), now)
    }

    /// The same context, sending its single `SELECT`s to `reads` (the pool's readers).
    pub fn reading_from(mut self, reads: sea_orm::DatabaseConnection) -> Self {
        self.reads = Some(reads);
        self
    }
}

impl<C: Handle> Ctx<C> {
    /// `SELECT` limited to the rows the caller reads.
    pub fn find<E: ScopedEntity>(&self) -> Select<E> {
        E::find().filter(E::readable(self.scope()))
    }

    /// `SELECT` limited to the rows the caller may change (to offer the edit form only to those
    /// who may use it).
    pub fn find_writable<E: ScopedEntity>(&self) -> Select<E> {
        E::find().filter(E::writable(self.scope()))
    }

    /// The same connection and instant, acting for the platform: what the platform does because
    /// of the caller's change, in the caller's transaction (telling the people concerned, who
    /// are seldom people the caller reads).
    pub fn as_platform(&self) -> Ctx<&C::Conn> {
        self.acting_as(Arc::new(Caller::platform()))
    }

    /// `UPDATE` limited to the rows the caller changes.
    pub fn update_many<E: ScopedEntity>(&self) -> UpdateMany<E> {
        E::update_many().filter(E::writable(self.scope()))
    }

    /// `DELETE` limited to the rows the caller changes.
    pub fn delete_many<E: ScopedEntity>(&self) -> DeleteMany<E> {
        E::delete_many().filter(E::writable(self.scope()))
    }

    /// Inserts a child row (a log entry, a support, a ballot) after checking that the caller may
    /// change its parent; `RecordNotFound` (404 at the edge) when it may not or there is none.
    pub async fn insert_child<E, A>(&self, model: A) -> Result<E::Model, DbErr>
    where
        E: ChildEntity,
        A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
        E::Model: IntoActiveModel<A>,
    {
        let parent = model
            .get(E::parent_column())
            .into_value()
            .ok_or_else(|| DbErr::RecordNotFound("a child row without its parent".to_owned()))?;
        let writable = <E::Parent as EntityTrait>::find()
            .filter(E::Parent::writable(self.scope()))
            .filter(E::parent_key().eq(parent))
            .one(self)
            .await?;
        if writable.is_none() {
            return Err(DbErr::RecordNotFound(
                "no parent the caller may change".to_owned(),
            ));
        }
        model.insert(self).await
    }

    /// The same connection and instant, acting as `caller` (filing on behalf of a requester
    /// checks the requester's own reach).
    pub fn acting_as(&self, caller: Arc<Caller>) -> Ctx<&C::Conn> {
        Ctx {
            conn: self.conn.conn(),
            reads: self.reads.clone(),
            caller,
            now: self.now,
        }
    }

    /// The readers, when `stmt` is a single `SELECT` and this context is not a transaction.
    fn reader_for(&self, stmt: &Statement) -> Option<&sea_orm::DatabaseConnection> {
        self.reads.as_ref().filter(|_| is_select(&stmt.sql))
    }
}

impl<C: Handle> Ctx<C>
where
    C::Conn: TransactionTrait,
{
    /// Opens a transaction (a savepoint inside one) for the same caller at the same instant.
    pub async fn begin(&self) -> Result<Ctx<<C::Conn as TransactionTrait>::Transaction>, DbErr> {
        Ok(Ctx {
            conn: self.conn.conn().begin().await?,
            reads: None,
            caller: self.caller.clone(),
            now: self.now,
        })
    }
}

impl<T: TransactionSession> Ctx<T> {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.conn.commit().await
    }
}

#[async_trait::async_trait]
impl<C: Handle> ConnectionTrait for Ctx<C> {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.conn().get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.conn().execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.conn().execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let stmt = for_backend(stmt);
        match self.reader_for(&stmt) {
            Some(reads) => reads.query_one_raw(stmt).await,
            None => self.conn.conn().query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let stmt = for_backend(stmt);
        match self.reader_for(&stmt) {
            Some(reads) => reads.query_all_raw(stmt).await,
            None => self.conn.conn().query_all_raw(stmt).await,
        }
    }
}

/// Whether `sql` only reads: a plain `SELECT` (an `INSERT … RETURNING` also comes through
/// `query_one_raw`, and must reach the writer).
fn is_select(sql: &str) -> bool {
    sql.trim_start().get(..7).is_some_and(|head| {
        head.eq_ignore_ascii_case("select ") || head.eq_ignore_ascii_case("select\n")
    })
}

/// A read as its database runs it best: on SQLite, with its `LIMIT` and `OFFSET` as integers
/// (see [`super::literal_limits`]).
pub(crate) fn for_backend(stmt: Statement) -> Statement {
    match stmt.db_backend {
        DbBackend::Sqlite => super::literal_limits::inline(stmt),
        _ => stmt,
    }
}

#[cfg(test)]
mod tests {
    use super::is_select;

    #[test]
    fn only_plain_selects_go_to_the_readers() {
        assert!(is_select("SELECT \"ticket\".\"id\" FROM \"ticket\""));
        assert!(is_select("  select count(*) from t"));
        assert!(!is_select("INSERT INTO t (a) VALUES (1) RETURNING id"));
        assert!(!is_select("UPDATE t SET a = 1 RETURNING id"));
        assert!(!is_select(
            "WITH RECURSIVE sub(id) AS (SELECT 1) SELECT id FROM sub"
        ));
        assert!(!is_select("SELECTED"));
    }
}
