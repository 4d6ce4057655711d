//! Requests made with an `Idempotency-Key`: a key is claimed before its request runs (an insert
//! that the primary key makes the only one), then completed with the request's answer, or
//! released if the request failed so that it can be retried. The rows are keyed by the caller's
//! own account, hence the explicit unscoped handle: no one reads or claims another's keys.

use chrono::{DateTime, Duration, Utc};
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, sea_query::Expr,
};

use crate::{
    db::{self, Unscoped},
    services::error::ServiceError,
};

const RUNNING: &str = "running";
const DONE: &str = "done";

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: the request runs, then [`complete`] or [`release`].
    Fresh,
    /// The same request was answered before: answer this again.
    Replay {
        /// The first answer's status.
        status: u16,
        /// The first answer's body.
        body: String,
    },
    /// The same key's first request is still running.
    Running,
    /// The key was first used with another request.
    Reused,
}

/// One caller's key.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    /// The caller's account.
    pub account_id: i64,
    /// The key as sent.
    pub key: &'a str,
}

impl Key<'_> {
    fn filter<Q: QueryFilter>(&self, query: Q) -> Q {
        query
            .filter(idempotency_key::Column::AccountId.eq(self.account_id))
            .filter(idempotency_key::Column::Key.eq(self.key))
    }
}

/// Claims `key` for the request with this digest. A claim left running for longer than
/// `abandoned_after` belongs to a request that can no longer answer (it outlived the request
/// timeout: the server stopped it, or stopped): it is taken over.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    key: Key<'_>,
    digest: &str,
    now: DateTime<Utc>,
    abandoned_after: Duration,
) -> Result<Claim, ServiceError> {
    // Twice at most: once more after a claim vanished or was taken over between the insert
    // and the read.
    for _ in 0..2 {
        let inserted = idempotency_key::ActiveModel {
            account_id: Set(key.account_id),
            key: Set(key.key.to_owned()),
            request_digest: Set(digest.to_owned()),
            state: Set(RUNNING.to_owned()),
            response_status: Set(None),
            response_body: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await;
        match inserted {
            Ok(_) => return Ok(Claim::Fresh),
            Err(err) if db::is_unique_violation(&err) => {}
            Err(err) => return Err(err.into()),
        }
        // Unscoped: a key is its account's own, and `Key::filter` names the account.
        let Some(earlier) = key
            .filter(Unscoped::find::<idempotency_key::Entity>())
            .one(db)
            .await?
        else {
            continue;
        };
        if earlier.request_digest != digest {
            return Ok(Claim::Reused);
        }
        if earlier.state == DONE {
            return Ok(Claim::Replay {
                status: earlier
                    .response_status
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(200),
                body: earlier.response_body.unwrap_or_default(),
            });
        }
        if earlier.created_at > now - abandoned_after {
            return Ok(Claim::Running);
        }
        // Only this abandoned claim, not one a concurrent retry has just taken over.
        // Unscoped: `Key::filter` names the account that owns the key.
        // Unscoped: `Key::filter` names the account that owns the key.
        key.filter(Unscoped::delete_many::<idempotency_key::Entity>())
            .filter(idempotency_key::Column::State.eq(RUNNING))
            .filter(idempotency_key::Column::CreatedAt.eq(earlier.created_at))
            .exec(db)
            .await?;
    }
    Ok(Claim::Running)
}

/// Stores the answer of the request that claimed `key`.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    key: Key<'_>,
    status: u16,
    body: String,
) -> Result<(), ServiceError> {
    // Unscoped: `Key::filter` names the account that owns the key.
    key.filter(Unscoped::update_many::<idempotency_key::Entity>())
        .col_expr(idempotency_key::Column::State, Expr::value(DONE))
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(idempotency_key::Column::ResponseBody, Expr::value(body))
        .filter(idempotency_key::Column::State.eq(RUNNING))
        .exec(db)
        .await?;
    Ok(())
}

/// Frees `key` after its request failed, so that the client may retry with it.
pub async fn release<C: ConnectionTrait>(db: &C, key: Key<'_>) -> Result<(), ServiceError> {
    // Unscoped: `Key::filter` names the account that owns the key.
    key.filter(Unscoped::delete_many::<idempotency_key::Entity>())
        .filter(idempotency_key::Column::State.eq(RUNNING))
        .exec(db)
        .await?;
    Ok(())
}
