//! Sign-ins under way. Starting one stores the SHA-256 of its `state` with the nonce and PKCE
//! verifier, for ten minutes; the callback takes the row back by a delete whose row count says
//! whether this request won it, so a `state` (and the ticket or code that came with it) is good
//! once, even for two callbacks at the same instant.

use chrono::{DateTime, Duration, Utc};
use entity::sso_flow;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter};

use crate::{auth::secret, db::Unscoped};

/// How long a sign-in at the provider may take.
const LIFETIME_MINUTES: i64 = 10;

/// A started sign-in's secrets, to send to the provider (state, nonce, PKCE challenge).
#[derive(Debug, Clone)]
pub struct Started {
    /// The `state`: also kept in the browser's session, and compared at the callback.
    pub state: String,
    /// The OpenID Connect nonce.
    pub nonce: String,
    /// The PKCE verifier (its S256 challenge goes to the provider).
    pub pkce_verifier: String,
}

/// Stores a new sign-in for `provider_id`, sweeping expired ones on the way.
pub async fn start<C: ConnectionTrait>(
    db: &C,
    provider_id: i64,
    next: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<Started> {
    // Unscoped: nobody is signed in yet; the rows are keyed by an unguessable digest.
    Unscoped::delete_many::<sso_flow::Entity>()
        .filter(sso_flow::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    let started = Started {
        state: secret::generate("")?,
        nonce: secret::generate("")?,
        pkce_verifier: secret::generate("")?,
    };
    sso_flow::ActiveModel {
        state_hash: Set(secret::digest(&started.state)),
        provider_id: Set(provider_id),
        nonce: Set(started.nonce.clone()),
        pkce_verifier: Set(started.pkce_verifier.clone()),
        next: Set(next),
        expires_at: Set(now + Duration::minutes(LIFETIME_MINUTES)),
    }
    .insert(db)
    .await?;
    Ok(started)
}

/// Takes the sign-in that `state` started, once: `None` if it is unknown, expired, or was
/// taken already.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    state: &str,
    now: DateTime<Utc>,
) -> Result<Option<sso_flow::Model>, sea_orm::DbErr> {
    let hash = secret::digest(state);
    // Unscoped: the callback's visitor is not signed in; the digest is the key.
    let Some(row) = Unscoped::find::<sso_flow::Entity>()
        .filter(sso_flow::Column::StateHash.eq(&hash))
        .filter(sso_flow::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let taken = Unscoped::delete_many::<sso_flow::Entity>()
        .filter(sso_flow::Column::StateHash.eq(&hash))
        .filter(sso_flow::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((taken.rows_affected == 1).then_some(row))
}
