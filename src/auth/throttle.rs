//! Attempt counters kept in the database (`login_throttle`), shared by every server process:
//! the sign-in lock-out and the password-reset mail limits. Each attempt is counted with a
//! compare-and-set on the row it read, before the work it guards, so N parallel attempts count
//! N on every database and none slips past the threshold.

use chrono::{DateTime, Utc};
use entity::login_throttle;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    db::{self, Unscoped},
    domain::throttle::{self, Attempts, Policy, Verdict},
    services::error::ServiceError,
};

/// Compare-and-set rounds before giving up: each lost round means another attempt on the same
/// key was counted meanwhile, so this many losses in a row only happen under a flood.
const MAX_ROUNDS: usize = 64;

/// Counts one attempt under `key`, or refuses it while the key is locked.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    key: &str,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<Verdict, ServiceError> {
    for _ in 0..MAX_ROUNDS {
        // Unscoped: attempts are counted before anyone is known (by address and e-mail).
        let current = Unscoped::find::<login_throttle::Entity>()
            .filter(login_throttle::Column::Key.eq(key))
            .one(db)
            .await?;
        let previous = current.as_ref().map(|row| Attempts {
            count: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        });
        let verdict = throttle::attempt(previous.as_ref(), now, policy);
        let Verdict::Counted(next) = &verdict else {
            return Ok(verdict);
        };
        let won = match current {
            None => insert(db, key, next).await?,
            Some(row) => {
                // Unscoped: the same counter row, compare-and-set on what was read.
                // Unscoped: the counters belong to no organisation.
                Unscoped::update_many::<login_throttle::Entity>()
                    .col_expr(login_throttle::Column::Failures, Expr::value(next.count))
                    .col_expr(
                        login_throttle::Column::WindowStartedAt,
                        Expr::value(next.window_started_at),
                    )
                    .col_expr(
                        login_throttle::Column::LockedUntil,
                        Expr::value(next.locked_until),
                    )
                    .filter(login_throttle::Column::Key.eq(key))
                    // Every counted attempt changes the count or restarts the window, so these
                    // two say whether the row is still the one that was read.
                    .filter(login_throttle::Column::Failures.eq(row.failures))
                    .filter(login_throttle::Column::WindowStartedAt.eq(row.window_started_at))
                    .exec(db)
                    .await?
                    .rows_affected
                    == 1
            }
        };
        if won {
            return Ok(verdict);
        }
    }
    Err(ServiceError::Overloaded { retry_after: 1 })
}

/// Inserts the first record of a key; false when another attempt inserted it first.
async fn insert<C: ConnectionTrait>(
    db: &C,
    key: &str,
    next: &Attempts,
) -> Result<bool, ServiceError> {
    let inserted = login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(next.count),
        window_started_at: Set(next.window_started_at),
        locked_until: Set(next.locked_until),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if db::is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Forgets every attempt of `key` (a sign-in that turned out right).
pub async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), ServiceError> {
    // Unscoped: the counters belong to no organisation.
    Unscoped::delete_many::<login_throttle::Entity>()
        .filter(login_throttle::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes back one attempt of `key` (it succeeded, so it was no failure), lifting a lock that
/// attempt set. One statement: the lock is decided on the count as it was, which every database
/// reads before this statement's own assignment to it.
pub async fn take_back<C: ConnectionTrait>(
    db: &C,
    key: &str,
    max_attempts: i32,
) -> Result<(), ServiceError> {
    // Unscoped: the counters belong to no organisation.
    Unscoped::update_many::<login_throttle::Entity>()
        // First in the SET list: MySQL and MariaDB read columns assigned earlier in the same
        // statement with their new values, the others with their old ones.
        .col_expr(
            login_throttle::Column::LockedUntil,
            Expr::case(
                Expr::col(login_throttle::Column::Failures).lte(max_attempts),
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .finally(Expr::col(login_throttle::Column::LockedUntil))
            .into(),
        )
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).sub(1),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}
