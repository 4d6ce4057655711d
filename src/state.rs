//! What every handler can reach: the database, the configuration and the templates.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::{clock::Clock, config::Config, mail::Mailer, quota::CreationLimiter, view::Views};

/// The application's shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Settings read at start.
    pub config: Arc<Config>,
    /// Page templates.
    pub views: Views,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// The time.
    pub clock: Clock,
    /// Each account's rate of creations.
    pub creations: CreationLimiter,
}

impl AppState {
    /// State over an open database; fails when the mail settings are unusable.
    pub fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        Ok(Self {
            mailer: Mailer::from_config(&config)?,
            creations: CreationLimiter::new(config.create_rate_per_minute, config.create_burst),
            db,
            config: Arc::new(config),
            views: Views::new(),
            clock: Clock::default(),
        })
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
