//! Signing in with an e-mail and a password, behind the brute-force lock-out. The answer never
//! says whether the e-mail exists: the same error, after the same amount of work.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::account;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};

use crate::{
    auth::throttle,
    config::Config,
    db::Unscoped,
    domain::{
        email::Email,
        password_length,
        throttle::{Policy, Verdict},
    },
    password::Hasher,
    services::error::ServiceError,
};

/// A hash of a password nobody has, verified when the e-mail is unknown so that an unknown
/// address costs as much time as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb1o1Yz7BSSgIHnaKyR7Mx2K7pS7kdL4oyE9+eR3/1M";

/// The counters of one sign-in attempt: its network address's and its e-mail's.
struct Keys {
    ip: (String, Policy),
    email: (String, Policy),
}

impl Keys {
    fn new(config: &Config, email: &str, ip: IpAddr) -> Self {
        let window = Duration::minutes(config.login_lock_minutes);
        Self {
            ip: (
                format!("ip:{ip}"),
                Policy {
                    max_attempts: config.login_max_failures.saturating_mul(4),
                    window,
                },
            ),
            email: (
                format!("email:{email}"),
                Policy {
                    max_attempts: config.login_max_failures,
                    window,
                },
            ),
        }
    }
}

/// What a sign-in needs besides the credentials.
pub struct SignIn<'a> {
    /// Lock-out thresholds and the password cap.
    pub config: &'a Config,
    /// Where the hashing happens.
    pub hasher: &'a Hasher,
    /// The client's address.
    pub ip: IpAddr,
    /// The time of the attempt.
    pub now: DateTime<Utc>,
}

/// Checks the credentials; answers the account id, 401 `invalid_credentials`, 422 for a
/// password over the cap (never hashed), 429 while locked out, or 503 while hashing is
/// saturated.
///
/// The attempt is counted under its address and its e-mail before the password is checked, so
/// parallel guesses cannot all be evaluated under the threshold; a right password then clears
/// the e-mail's count and takes the attempt back from the address's.
pub async fn sign_in<C: ConnectionTrait>(
    db: &C,
    attempt: SignIn<'_>,
    email: &str,
    secret: &str,
) -> Result<i64, ServiceError> {
    password_length::check_typed(secret, attempt.config.password_max_chars)?;
    let email = Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let keys = Keys::new(attempt.config, &email, attempt.ip);
    for (key, policy) in [&keys.ip, &keys.email] {
        if let Verdict::Locked { retry_after } =
            throttle::count(db, key, *policy, attempt.now).await?
        {
            return Err(ServiceError::TooManyRequests { retry_after });
        }
    }

    // Unscoped: nobody is signed in yet; the address is looked up across every organisation.
    let account = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(&email))
        .one(db)
        .await?;
    let stored = account
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let matches = match attempt.hasher.verify(secret.to_owned(), stored).await {
        Ok(matches) => matches,
        Err(err) => {
            // Not evaluated, so not a failure: neither counter keeps it.
            throttle::take_back(db, &keys.ip.0, keys.ip.1.max_attempts).await?;
            throttle::take_back(db, &keys.email.0, keys.email.1.max_attempts).await?;
            return Err(err.into());
        }
    };
    match account {
        Some(account) if matches && account.active => {
            throttle::clear(db, &keys.email.0).await?;
            throttle::take_back(db, &keys.ip.0, keys.ip.1.max_attempts).await?;
            Ok(account.id)
        }
        _ => Err(ServiceError::InvalidCredentials),
    }
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
