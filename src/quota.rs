//! The per-account rate of creations — tickets, log entries, attachments, evolution requests —
//! through the API and the pages alike: generous enough that a person never meets it, tight
//! enough that a script cannot fill the database. Each creation handler takes
//! [`CreationQuota`], which spends one creation of the caller's before the body is read.
//!
//! The count lives in the process's memory (governor's GCRA, keyed by account): with several
//! processes behind a load balancer each allows the rate, which still bounds a script, and a
//! restart forgets it, which only favours people.

use std::{num::NonZeroU32, sync::Arc};

use axum::{extract::FromRequestParts, http::request::Parts};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};

use crate::{auth::Identity, error::AppError, state::AppState};

/// The creations each account may still make, refilled at a steady rate.
#[derive(Clone)]
pub struct CreationLimiter(Arc<DefaultKeyedRateLimiter<i64>>);

impl CreationLimiter {
    /// `burst` creations at once, then `per_minute` a minute.
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32) -> Self {
        Self(Arc::new(RateLimiter::keyed(
            Quota::per_minute(per_minute).allow_burst(burst),
        )))
    }

    /// Spends one creation of `account_id`'s, or says in how many seconds one is back.
    pub fn spend(&self, account_id: i64) -> Result<(), AppError> {
        self.0.check_key(&account_id).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.0.clock().now());
            // Whole seconds, rounded up: a client that waits what it is told then succeeds.
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::TooManyRequests {
                retry_after: retry_after.max(1),
            }
        })
    }
}

/// Extractor of creation handlers: the caller had a creation left, now spent. List it after the
/// caller's extractor (`Signed` or `ApiCaller`), which refuses an anonymous request first; and
/// before the body, so that a refused request is not read.
pub struct CreationQuota;

impl FromRequestParts<AppState> for CreationQuota {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match parts.extensions.get::<Identity>() {
            Some(Identity(Some(caller))) => {
                state.creations.spend(caller.account_id)?;
                Ok(Self)
            }
            // Nobody to count: the caller's extractor answers 401 or the sign-in page.
            _ => Ok(Self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> CreationLimiter {
        CreationLimiter::new(
            NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        )
    }

    #[test]
    fn the_burst_passes_then_the_next_waits_for_the_rate() {
        let limiter = limiter(2, 3);
        for _ in 0..3 {
            assert!(limiter.spend(7).is_ok());
        }
        match limiter.spend(7) {
            // Two a minute: one comes back within 30 seconds.
            Err(AppError::TooManyRequests { retry_after }) => {
                assert!((1..=30).contains(&retry_after), "{retry_after}");
            }
            other => panic!("expected 429, got {other:?}"),
        }
    }

    #[test]
    fn each_account_has_its_own_count() {
        let limiter = limiter(1, 1);
        assert!(limiter.spend(1).is_ok());
        assert!(limiter.spend(1).is_err());
        assert!(limiter.spend(2).is_ok());
    }
}
