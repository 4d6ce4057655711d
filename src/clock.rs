//! The time the application reads. The system clock, unless a test fixes it: service levels are
//! checked against hand-computed deadlines, which needs "now" to be a known instant. This is the
//! only module that reads the system clock.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

/// A clock shared by every clone of the state.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed
            .read()
            .ok()
            .and_then(|fixed| *fixed)
            .unwrap_or_else(Utc::now)
    }

    /// Fixes the time (`None`: back to the system clock).
    pub fn set(&self, at: Option<DateTime<Utc>>) {
        if let Ok(mut fixed) = self.fixed.write() {
            *fixed = at;
        }
    }
}

/// The wall clock, for what lasts in real time whatever the application's clock says: sessions,
/// their absolute expiry and the session store's sweeping, and the command line. Everything a
/// request or a job stamps reads [`Clock::now`] through its context instead.
pub fn wall_now() -> DateTime<Utc> {
    Utc::now()
}
