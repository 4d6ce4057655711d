//! The job table as a queue that several processes share. A job is taken by a compare-and-set
//! on its lease (state pending, lease free or expired), so two processes never hold it at once;
//! on PostgreSQL and MariaDB the candidates are read `FOR UPDATE SKIP LOCKED`, so busy workers
//! do not queue behind each other's locks. SQLite serves one process, so it needs neither.

use chrono::{DateTime, Duration, Utc};
use entity::job::{self, State};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict},
};

// Unscoped throughout: the queue is the platform's own table; no caller owns a job.
use super::Job;
use crate::{db::Unscoped, domain::jobs::backoff, services::error::ServiceError};

/// A job to put on the queue.
pub struct NewJob {
    /// What to do, with its input.
    pub job: Job,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// For periodic jobs: the slot's key; a second job with the same key is not created.
    pub dedupe_key: Option<String>,
    /// How many times it may be tried.
    pub max_attempts: i32,
}

/// Puts a job on the queue, in the caller's transaction when given one (the outbox's
/// guarantee: the job exists if and only if the change does). A duplicate slot is no error.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    new: NewJob,
) -> Result<(), ServiceError> {
    enqueue_many(db, now, vec![new]).await
}

/// Puts several jobs on the queue in one statement.
pub async fn enqueue_many<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    jobs: Vec<NewJob>,
) -> Result<(), ServiceError> {
    if jobs.is_empty() {
        return Ok(());
    }
    let rows = jobs.into_iter().map(|new| job::ActiveModel {
        kind: Set(new.job.kind()),
        payload: Set(new.job.payload().to_string()),
        dedupe_key: Set(new.dedupe_key),
        state: Set(State::Pending),
        run_at: Set(new.run_at),
        attempts: Set(0),
        max_attempts: Set(Ord::max(new.max_attempts, 1)),
        lease_token: Set(None),
        leased_until: Set(None),
        last_error: Set(None),
        finished_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    });
    job::Entity::insert_many(rows)
        .on_conflict(
            // Rewriting the key with itself is the portable "do nothing" (MariaDB has no
            // `ON CONFLICT DO NOTHING`).
            OnConflict::column(job::Column::DedupeKey)
                .update_column(job::Column::DedupeKey)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes up to `limit` due jobs for `lease` and answers them, each with its attempt counted.
pub async fn claim<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<job::Model>, ServiceError> {
    let free = || {
        sea_orm::Condition::all()
            .add(job::Column::State.eq(State::Pending))
            .add(job::Column::RunAt.lte(now))
            .add(
                sea_orm::Condition::any()
                    .add(job::Column::LeasedUntil.is_null())
                    .add(job::Column::LeasedUntil.lt(now)),
            )
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    let locking = db.get_database_backend() != DbBackend::Sqlite;
    // Read committed: MariaDB's default (repeatable read) adds gap locks to `FOR UPDATE`, and
    // two workers claiming at once then deadlock instead of skipping each other's rows.
    let txn = if locking {
        db.begin_with_config(Some(sea_orm::IsolationLevel::ReadCommitted), None)
            .await?
    } else {
        db.begin().await?
    };
    let mut candidates = Unscoped::find::<job::Entity>()
        .select_only()
        .column(job::Column::Id)
        .filter(free())
        .order_by_asc(job::Column::RunAt)
        .limit(limit);
    if locking {
        candidates = candidates.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = candidates.into_tuple().all(&txn).await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    Unscoped::update_many::<job::Entity>()
        .col_expr(job::Column::LeaseToken, Expr::value(token.clone()))
        .col_expr(job::Column::LeasedUntil, Expr::value(now + lease))
        .col_expr(
            job::Column::Attempts,
            Expr::col(job::Column::Attempts).add(1),
        )
        .filter(job::Column::Id.is_in(ids))
        // Where the rows are locked, the primary key alone (another condition lets MariaDB walk
        // an index and deadlock with a concurrent claim); on SQLite, the lease is re-checked.
        .filter(if locking {
            sea_orm::Condition::all()
        } else {
            free()
        })
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Unscoped::find::<job::Entity>()
        .filter(job::Column::LeaseToken.eq(token))
        .filter(job::Column::State.eq(State::Pending))
        .all(db)
        .await?)
}

/// Marks a job done, if this process still holds it.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    held: &job::Model,
) -> Result<(), ServiceError> {
    Unscoped::update_many::<job::Entity>()
        .col_expr(job::Column::State, Expr::value(State::Done))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(
            job::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
        .filter(job::Column::Id.eq(held.id))
        .filter(job::Column::LeaseToken.eq(held.lease_token.clone()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failure: the job is tried again after a back-off, or given up after its last
/// attempt.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    held: &job::Model,
    error: &str,
) -> Result<(), ServiceError> {
    let error: String = error.chars().take(2000).collect();
    let mut update = Unscoped::update_many::<job::Entity>()
        .col_expr(
            job::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(error));
    update = if held.attempts >= held.max_attempts {
        update
            .col_expr(job::Column::State, Expr::value(State::Failed))
            .col_expr(job::Column::FinishedAt, Expr::value(now))
    } else {
        update.col_expr(
            job::Column::RunAt,
            Expr::value(now + backoff(held.attempts)),
        )
    };
    update
        .filter(job::Column::Id.eq(held.id))
        .filter(job::Column::LeaseToken.eq(held.lease_token.clone()))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the jobs that ended before `before` (done or given up), so the queue stays the size
/// of its recent work; answers how many.
pub async fn purge<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, ServiceError> {
    Ok(Unscoped::delete_many::<job::Entity>()
        .filter(job::Column::State.is_in([State::Done, State::Failed]))
        .filter(job::Column::FinishedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
