//! Signing in with an e-mail and a password, behind the brute-force lock-out. The answer never
//! says whether the e-mail exists: the same error, after the same amount of work.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use entity::{account, login_throttle};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use crate::{
    config::Config,
    db::Unscoped,
    domain::{
        email::Email,
        throttle::{self, Failures, Policy},
    },
    error::AppError,
    password,
};

/// A hash of a password nobody has, verified when the e-mail is unknown so that an unknown
/// address costs as much time as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb1o1Yz7BSSgIHnaKyR7Mx2K7pS7kdL4oyE9+eR3/1M";

/// The two keys a sign-in is counted under, each with its policy.
fn keys(config: &Config, email: &str, ip: IpAddr) -> [(String, Policy); 2] {
    let window = Duration::minutes(config.login_lock_minutes);
    [
        (
            format!("email:{email}"),
            Policy {
                max_failures: config.login_max_failures,
                window,
            },
        ),
        (
            format!("ip:{ip}"),
            Policy {
                max_failures: config.login_max_failures.saturating_mul(4),
                window,
            },
        ),
    ]
}

/// Checks the credentials; answers the account id, 401 `invalid_credentials`, or 429 while
/// locked out.
pub async fn sign_in<C: ConnectionTrait>(
    db: &C,
    config: &Config,
    email: &str,
    secret: &str,
    ip: IpAddr,
) -> Result<i64, AppError> {
    let now = Utc::now();
    let email = Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let keys = keys(config, &email, ip);
    let records = Unscoped::find::<login_throttle::Entity>()
        .filter(login_throttle::Column::Key.is_in(keys.iter().map(|(k, _)| k.clone())))
        .all(db)
        .await?;
    let failures_of = |key: &str| {
        records.iter().find(|r| r.key == key).map(|r| Failures {
            count: r.failures,
            window_started_at: r.window_started_at,
            locked_until: r.locked_until,
        })
    };
    if let Some(retry_after) = keys
        .iter()
        .filter_map(|(key, _)| failures_of(key).and_then(|f| throttle::locked_for(&f, now)))
        .max()
    {
        return Err(AppError::TooManyRequests { retry_after });
    }

    let account = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(&email))
        .one(db)
        .await?;
    let stored = account
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let secret = secret.to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&secret, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match account {
        Some(account) if matches && account.active => {
            Unscoped::delete_many::<login_throttle::Entity>()
                .filter(login_throttle::Column::Key.eq(&keys[0].0))
                .exec(db)
                .await?;
            Ok(account.id)
        }
        _ => {
            for (key, policy) in &keys {
                let next = throttle::after_failure(failures_of(key).as_ref(), now, *policy);
                record(db, key, &next).await?;
            }
            Err(AppError::InvalidCredentials)
        }
    }
}

async fn record<C: ConnectionTrait>(
    db: &C,
    key: &str,
    failures: &Failures,
) -> Result<(), AppError> {
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(failures.count),
        window_started_at: Set(failures.window_started_at),
        locked_until: Set(failures.locked_until),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Key)
            .update_columns([
                login_throttle::Column::Failures,
                login_throttle::Column::WindowStartedAt,
                login_throttle::Column::LockedUntil,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_decoy_hash_is_a_valid_argon2id_hash_that_matches_nothing_typed() {
        assert!(argon2::PasswordHash::new(super::DECOY_HASH).is_ok());
        assert!(!crate::password::verify("", super::DECOY_HASH));
        assert!(!crate::password::verify("demo", super::DECOY_HASH));
    }
}
