//! What every handler can reach: the database, the configuration and the templates.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;

use crate::{
    clock::Clock, config::Config, mail::Mailer, password::Hasher, quota::CreationLimiter,
    view::Views,
};

/// The application's shared state; cheap to clone: one pointer, as every layer and handler of
/// every request clones it (as a struct of some twenty fields, its copies and their reference
/// counts took a fifth of `/healthz`'s CPU under load).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Clone)]
pub struct Shared {
    /// The connection pool: reached through a request context ([`AppState::platform`], the
    /// `Ctx` extractor), never by handlers themselves. On SQLite, the single writer.
    db: DatabaseConnection,
    /// Where plain reads go ([`crate::db::connect_readers`]): on SQLite, connections that only
    /// read; elsewhere the same pool as `db`.
    reads: DatabaseConnection,
    /// The callers identified lately, kept while their scope holds.
    pub callers: crate::auth::callers::CallerCache,
    /// The database's last answer to `/healthz`'s probe.
    health: Arc<HealthProbe>,
    /// Settings read at start.
    pub config: Arc<Config>,
    /// Page templates.
    pub views: Views,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// The time.
    pub clock: Clock,
    /// Password hashing, a few at a time.
    pub passwords: Hasher,
    /// Whether demo accounts (password `demo`) can sign in: every page then says so.
    demo_accounts: Arc<AtomicBool>,
    /// Each account's rate of creations.
    pub creations: CreationLimiter,
    /// Seals and opens the secrets Guichet reads back (mailbox passwords, client secrets).
    pub sealer: crate::auth::sealing::Sealer,
}

impl AppState {
    /// State over an open database; fails when the mail settings are unusable.
    pub fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        Ok(Self(Arc::new(Shared {
            mailer: Mailer::from_config(&config)?,
            creations: CreationLimiter::new(config.create_rate_per_minute, config.create_burst),
            sealer: crate::auth::sealing::Sealer::from_setting(
                &config.secrets_key,
                &config.data_dir,
            )?,
            reads: db.clone(),
            db,
            callers: Default::default(),
            health: Arc::default(),
            views: Views::new(),
            clock: Clock::default(),
            passwords: Hasher::new(
                config.password_hash_slots,
                Duration::from_millis(config.password_hash_wait_ms),
            ),
            demo_accounts: Arc::default(),
            config: Arc::new(config),
        })))
    }

    /// The same state, sending plain reads to their own pool ([`crate::db::connect_readers`]):
    /// the server and the tests open it; the command line's single tasks need not.
    pub async fn with_readers(self) -> Result<Self, sea_orm::DbErr> {
        let mut shared = Arc::unwrap_or_clone(self.0);
        shared.reads = crate::db::connect_readers(&shared.config, &shared.db).await?;
        Ok(Self(Arc::new(shared)))
    }

    /// The platform acting at the application clock's instant, for what has no caller: the
    /// pages and endpoints used before signing in, and the jobs.
    pub fn platform(&self) -> crate::db::Ctx {
        self.platform_at(self.clock.now())
    }

    /// The platform acting at `now` (a job's instant).
    pub fn platform_at(&self, now: chrono::DateTime<chrono::Utc>) -> crate::db::Ctx {
        crate::db::Ctx::platform(self.db.clone(), now).reading_from(self.reads.clone())
    }

    /// The pool itself, for the layers beneath the request context: identifying the caller,
    /// the session store, the job queue's claims. Nothing in `web/` or `api/` calls it.
    pub(crate) fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The readers' pool, for the same layers when they only read (identifying the caller,
    /// loading the session).
    pub(crate) fn reader(&self) -> &DatabaseConnection {
        &self.reads
    }

    /// `caller` acting at the application clock's instant, for a layer that runs before the
    /// handler's own extractor (the idempotency layer).
    pub fn ctx_for(&self, caller: std::sync::Arc<crate::access::Caller>) -> crate::db::Ctx {
        crate::db::Ctx::new(self.db.clone(), caller, self.clock.now())
            .reading_from(self.reads.clone())
    }

    /// Whether the database answers, for `/healthz`: probed at most once a second, so that a
    /// load balancer (or a flood) polling it costs the database nothing more.
    pub async fn database_answers(&self) -> bool {
        const FRESH: Duration = Duration::from_secs(1);
        let last = *self.health.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, answers)) = last
            && at.elapsed() < FRESH
        {
            return answers;
        }
        // One probe at a time: the others answer what the database last said rather than
        // queue for the writer behind it.
        let Ok(_probing) = self.health.probing.try_lock() else {
            return last.is_none_or(|(_, answers)| answers);
        };
        let answers = crate::db::ping(&self.db).await;
        *self.health.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), answers));
        answers
    }

    /// Whether demo accounts could sign in when last checked.
    pub fn demo_accounts(&self) -> bool {
        self.demo_accounts.load(Ordering::Relaxed)
    }

    /// Looks again whether demo accounts can sign in, and says it in the log when they can.
    pub async fn check_demo_accounts(&self) -> Result<bool, sea_orm::DbErr> {
        let exist = crate::demo::accounts_exist(&self.db).await?;
        if exist {
            tracing::warn!(
                "DEMO ACCOUNTS CAN SIGN IN (password \"demo\", listed in the README): \
                 never expose this server; deactivate them or start on an empty database"
            );
        }
        self.demo_accounts.store(exist, Ordering::Relaxed);
        Ok(exist)
    }
}

/// What `/healthz` last heard from the database.
#[derive(Default)]
struct HealthProbe {
    /// When it last answered, and whether it did.
    last: std::sync::Mutex<Option<(std::time::Instant, bool)>>,
    /// Held while a probe runs.
    probing: tokio::sync::Mutex<()>,
}
