//! Password hashing with argon2id. The parameters are written into each hash (PHC string), so
//! they can be raised later without breaking existing accounts.
//!
//! Each hash takes tens of milliseconds of CPU and about 19 MiB of memory on purpose, so the
//! requests that hash go through [`Hasher`]: a few at a time on threads of their own, and past a
//! short wait the request is turned away (503) instead of piling up memory and CPU.

use std::{sync::Arc, time::Duration};

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use tokio::sync::Semaphore;

/// Hashes `password` with argon2id and a fresh random salt.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing on the blocking pool, for the command line and the demo loader, which run alone.
pub async fn hash_blocking(password: String) -> anyhow::Result<String> {
    Ok(tokio::task::spawn_blocking(move || hash(&password)).await??)
}

/// Why a hashing request was not served.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every slot stayed taken for the whole wait: the server is saturated with hashing.
    #[error("password hashing is saturated")]
    Busy,
    /// The hash itself failed (a bug, or the blocking pool is gone).
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// A hash to compute on a hashing thread.
type Job = Box<dyn FnOnce() + Send>;

/// Bounded password hashing, shared by every request of a process.
///
/// Hashes run on `slots` threads of their own rather than on tokio's blocking pool: each argon2
/// hash allocates a 19 MiB block, and the allocator keeps a freed block in the arena of the
/// thread that used it, so hashes spread over the blocking pool's many threads left hundreds of
/// MiB resident after a burst. A few dedicated threads keep that to a few blocks.
#[derive(Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    wait: Duration,
    jobs: std::sync::mpsc::SyncSender<Job>,
}

impl Hasher {
    /// At most `slots` hashes at once (0: one per core); a request waits at most `wait` for a
    /// slot.
    pub fn new(slots: usize, wait: Duration) -> Self {
        let slots = if slots == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            slots
        };
        // Never more jobs queued than slots: the semaphore is taken before a job is sent.
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(slots);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..slots {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            // Every sender is gone: the process is ending.
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(%err, "cannot start a password hashing thread");
            }
        }
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            wait,
            jobs,
        }
    }

    /// Runs `work` on a hashing thread once a slot is free, or answers [`HashError::Busy`].
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|e| HashError::Failed(e.into()))?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The slot is held until the hash is done, even if the request is dropped meanwhile.
            let _permit = permit;
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| HashError::Failed(anyhow::anyhow!("no password hashing thread")))?;
        result
            .await
            .map_err(|_| HashError::Failed(anyhow::anyhow!("a password hashing thread stopped")))
    }

    /// Whether `password` matches `stored`.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, HashError> {
        self.run(move || verify(&password, &stored)).await
    }

    /// A new argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash(&password))
            .await?
            .map_err(|e| HashError::Failed(anyhow::anyhow!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password()
    -> Result<(), argon2::password_hash::Error> {
        let stored = hash("correct horse")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse", &stored));
        assert!(!verify("wrong horse", &stored));
        assert!(!verify("correct horse", "not a hash"));
        Ok(())
    }

    #[tokio::test]
    async fn a_saturated_hasher_turns_requests_away_after_its_wait() {
        let hasher = Hasher::new(1, Duration::from_millis(20));
        let held = hasher.slots.clone().acquire_owned().await;
        assert!(held.is_ok());
        let refused = hasher.verify("x".into(), "not a hash".into()).await;
        assert!(matches!(refused, Err(HashError::Busy)), "{refused:?}");
        drop(held);
        let served = hasher.verify("x".into(), "not a hash".into()).await;
        assert!(matches!(served, Ok(false)), "{served:?}");
    }
}
