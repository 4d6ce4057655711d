//! Requests made with an `Idempotency-Key`: a key is claimed before its request runs (an insert
//! that the primary key makes the only one), then completed with the request's answer, or
//! released if the request failed so that it can be retried. A key is its account's own: the
//! context's rule keeps every statement to the caller's keys.

use chrono::Duration;
use entity::idempotency_key::{self, State};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, sea_query::Expr};

use crate::{
    db::{self, Ctx, Handle},
    services::error::ServiceError,
};

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

/// The caller's key, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a>(pub &'a str);

impl Key<'_> {
    fn filter<Q: QueryFilter>(&self, query: Q) -> Q {
        query.filter(idempotency_key::Column::Key.eq(self.0))
    }
}

/// Claims `key` for the request with this digest. A claim left running for longer than
/// `abandoned_after` belongs to a request that can no longer answer (it outlived the request
/// timeout: the server stopped it, or stopped): it is taken over.
pub async fn claim<C: Handle>(
    ctx: &Ctx<C>,
    key: Key<'_>,
    digest: &str,
    abandoned_after: Duration,
) -> Result<Claim, ServiceError> {
    let now = ctx.now();
    // Twice at most: once more after a claim vanished or was taken over between the insert
    // and the read.
    for _ in 0..2 {
        let inserted = idempotency_key::ActiveModel {
            account_id: Set(ctx.caller().account_id),
            key: Set(key.0.to_owned()),
            request_digest: Set(digest.to_owned()),
            state: Set(State::Running),
            response_status: Set(None),
            response_body: Set(None),
            created_at: Set(now),
        }
        .insert(ctx)
        .await;
        match inserted {
            Ok(_) => return Ok(Claim::Fresh),
            Err(err) if db::is_unique_violation(&err) => {}
            Err(err) => return Err(err.into()),
        }
        let Some(earlier) = key
            .filter(ctx.find::<idempotency_key::Entity>())
            .one(ctx)
            .await?
        else {
            continue;
        };
        if earlier.request_digest != digest {
            return Ok(Claim::Reused);
        }
        if earlier.state == State::Done {
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
        key.filter(ctx.delete_many::<idempotency_key::Entity>())
            .filter(idempotency_key::Column::State.eq(State::Running))
            .filter(idempotency_key::Column::CreatedAt.eq(earlier.created_at))
            .exec(ctx)
            .await?;
    }
    Ok(Claim::Running)
}

/// Stores the answer of the request that claimed `key`.
pub async fn complete<C: Handle>(
    ctx: &Ctx<C>,
    key: Key<'_>,
    status: u16,
    body: String,
) -> Result<(), ServiceError> {
    key.filter(ctx.update_many::<idempotency_key::Entity>())
        .col_expr(idempotency_key::Column::State, Expr::value(State::Done))
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(idempotency_key::Column::ResponseBody, Expr::value(body))
        .filter(idempotency_key::Column::State.eq(State::Running))
        .exec(ctx)
        .await?;
    Ok(())
}

/// Frees `key` after its request failed, so that the client may retry with it.
pub async fn release<C: Handle>(ctx: &Ctx<C>, key: Key<'_>) -> Result<(), ServiceError> {
    key.filter(ctx.delete_many::<idempotency_key::Entity>())
        .filter(idempotency_key::Column::State.eq(State::Running))
        .exec(ctx)
        .await?;
    Ok(())
}
