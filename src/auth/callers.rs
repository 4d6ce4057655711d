//! The callers identified lately, kept between requests: building a scope takes about ten
//! queries (roles, teams, the organisation tree, conventions in force, delivered offers,
//! committee offers), and a busy client would pay them on every request. An entry is used only
//! while the scope revision (one row, bumped by triggers whenever a table the scope reads
//! changes; migration 000055) and the day (conventions start and end on a day) are those it was
//! built at, so a change of role, team, convention or organisation takes effect at the next
//! request, as it did when every request rebuilt the scope.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait, Statement,
    sea_query::{Expr, SimpleExpr},
};

use crate::{access::Caller, services::error::ServiceResult};

/// Entries kept at most; past it the cache starts again empty (a bound, not a policy: the
/// callers of a day are far fewer).
const MAX_ENTRIES: usize = 10_000;

/// A cache key: the account, and the token its request came with (the caller carries it).
type Key = (i64, Option<i64>);

/// One caller and what it was built at.
struct Entry {
    revision: i64,
    day: NaiveDate,
    caller: Arc<Caller>,
}

/// The callers kept between requests, shared by every request of the process.
#[derive(Clone, Default)]
pub struct CallerCache {
    entries: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl CallerCache {
    /// The caller of `account_id` (through token `token_id`), from the cache when nothing its
    /// scope reads changed since it was built, else built again; none for an inactive or
    /// unknown account (never kept, so a reactivation is seen at once).
    pub async fn caller<C: ConnectionTrait>(
        &self,
        db: &C,
        account_id: i64,
        token_id: Option<i64>,
    ) -> ServiceResult<Option<Arc<Caller>>> {
        // Read before building: a change committed meanwhile makes the entry stale at once.
        let revision = scope_revision(db).await?;
        self.caller_at(db, account_id, token_id, revision).await
    }

    /// [`Self::caller`], with the scope revision already read (by the caller's own query, e.g.
    /// with its token), before anything the scope is built from.
    pub async fn caller_at<C: ConnectionTrait>(
        &self,
        db: &C,
        account_id: i64,
        token_id: Option<i64>,
        revision: i64,
    ) -> ServiceResult<Option<Arc<Caller>>> {
        let day = crate::services::catalogue::today(crate::clock::wall_now());
        let key = (account_id, token_id);
        if let Some(caller) = self.fresh(key, revision, day) {
            return Ok(Some(caller));
        }
        let Some(caller) = super::load_caller(db, account_id, token_id).await? else {
            return Ok(None);
        };
        let caller = Arc::new(caller);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                revision,
                day,
                caller: caller.clone(),
            },
        );
        Ok(Some(caller))
    }

    /// The kept caller for `key` if it was built at `revision` on `day`.
    fn fresh(&self, key: Key, revision: i64, day: NaiveDate) -> Option<Arc<Caller>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&key)
            .filter(|e| e.revision == revision && e.day == day)
            .map(|e| e.caller.clone())
    }
}

/// The scope revision as an expression, to read with another row: one row read by its
/// primary key (0 when it is missing).
pub fn scope_revision_expr() -> SimpleExpr {
    Expr::cust("COALESCE((SELECT revision FROM scope_revision WHERE id = 1), 0)")
}

/// The scope revision: one row read by its primary key.
async fn scope_revision<C: ConnectionTrait>(db: &C) -> ServiceResult<i64> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT revision FROM scope_revision WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}
