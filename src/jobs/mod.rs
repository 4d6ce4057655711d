//! Background jobs: rows of the `job` table that every server process polls and leases (see
//! [`queue`]), so that with several processes on one database each job runs once, and a crashed
//! process's jobs are taken over when their lease expires.
//!
//! Periodic work (auto-close, …) is put on the queue as one job per time slot, keyed by the slot,
//! so whichever process schedules a slot first creates it and the others find it there.

pub mod queue;

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use entity::job;

use crate::{
    domain::jobs::slot,
    error::AppError,
    services::{catalogue::conventions, notifications},
    state::AppState,
};

/// Reading a job's input.
trait Payload {
    /// The value under `key` in the payload.
    fn payload_value(&self, key: &str) -> Result<serde_json::Value, AppError>;

    /// The number under `key`.
    fn payload_id(&self, key: &str) -> Result<i64, AppError> {
        self.payload_value(key)?
            .as_i64()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("job input {key} is no number")))
    }

    /// The text under `key`.
    fn payload_text(&self, key: &str) -> Result<String, AppError> {
        self.payload_value(key)?
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("job input {key} is no text")))
    }
}

impl Payload for job::Model {
    fn payload_value(&self, key: &str) -> Result<serde_json::Value, AppError> {
        serde_json::from_str::<serde_json::Value>(&self.payload)
            .ok()
            .and_then(|mut v| v.get_mut(key).map(serde_json::Value::take))
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("job {} has no {key}", self.id)))
    }
}

/// Periodic jobs: kind and period in seconds.
const PERIODIC: &[(&str, i64)] = &[
    (AUTO_CLOSE, 600),
    (SLA_CHECK, 60),
    (CONVENTION_WATCH, 86_400),
    (PURGE, 86_400),
];

/// Closes resolved tickets left without answer.
pub const AUTO_CLOSE: &str = "auto_close";

/// Raises the SLA escalations that have come due.
pub const SLA_CHECK: &str = "sla_check";

/// Looks for conventions ending within [`CONVENTION_NOTICE_DAYS`].
pub const CONVENTION_WATCH: &str = "convention_watch";

/// Tells the coordinators that one convention ends soon: one job per convention and end date,
/// so the warning is given once, whatever the number of processes and days it is seen.
pub const CONVENTION_ENDING: &str = "convention_ending";

/// Deletes the jobs ended more than [`KEEP_DAYS`] ago.
pub const PURGE: &str = "purge";

/// How long ended jobs are kept, for looking into what happened.
pub const KEEP_DAYS: i64 = 30;

/// How long before its end a convention is signalled.
pub const CONVENTION_NOTICE_DAYS: i64 = 30;

/// How many jobs a process takes at once.
const BATCH: u64 = 20;

/// Polls the queue until the task is dropped: schedules the periodic slots that have come, then
/// runs what is due.
pub async fn run(state: AppState) {
    let poll = StdDuration::from_millis(u64::try_from(state.config.jobs_poll_ms).unwrap_or(1000));
    // The first look comes one period after start, like the next ones.
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + poll, poll);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scheduler = Scheduler::default();
    loop {
        every.tick().await;
        let now = state.clock.now();
        if let Err(err) = scheduler.schedule(&state, now).await {
            tracing::error!(error = ?err, "scheduling periodic jobs failed");
        }
        if let Err(err) = tick_at(&state, now).await {
            tracing::error!(error = ?err, "running jobs failed");
        }
    }
}

/// The periodic slots a process has put on the queue already.
#[derive(Default)]
pub struct Scheduler {
    scheduled: [Option<chrono::DateTime<Utc>>; PERIODIC.len()],
}

impl Scheduler {
    /// Puts each periodic job's slot holding `now` on the queue, once per slot per process (and
    /// once per slot in all, thanks to the slot's key).
    pub async fn schedule(
        &mut self,
        state: &AppState,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), AppError> {
        for ((kind, every), last) in PERIODIC.iter().zip(self.scheduled.iter_mut()) {
            let current = slot(now, *every);
            if *last == Some(current) {
                continue;
            }
            queue::enqueue(
                &state.db,
                queue::NewJob {
                    kind,
                    payload: serde_json::json!({}),
                    run_at: current,
                    dedupe_key: Some(format!("{kind}@{}", current.to_rfc3339())),
                    max_attempts: 1,
                },
            )
            .await?;
            *last = Some(current);
        }
        Ok(())
    }
}

/// Takes the due jobs and runs them one after the other; answers how many ran.
pub async fn tick(state: &AppState) -> Result<usize, AppError> {
    tick_at(state, state.clock.now()).await
}

/// [`tick`] as if it were `now` (tests look ahead, past a back-off).
pub async fn tick_at(state: &AppState, now: chrono::DateTime<Utc>) -> Result<usize, AppError> {
    let lease = Duration::seconds(state.config.job_lease_secs);
    let held = queue::claim(&state.db, now, lease, BATCH).await?;
    let count = held.len();
    for job in held {
        match perform(state, &job).await {
            Ok(()) => queue::finish(&state.db, &job).await?,
            Err(err) => {
                tracing::warn!(job = job.id, kind = %job.kind, error = ?err, "job failed");
                queue::fail(&state.db, &job, &format!("{err:?}")).await?;
            }
        }
    }
    Ok(count)
}

async fn perform(state: &AppState, job: &job::Model) -> Result<(), AppError> {
    match job.kind.as_str() {
        AUTO_CLOSE => {
            let closed = crate::services::tickets::changes::auto_close(
                &state.db,
                state.config.auto_close_days,
            )
            .await?;
            if closed > 0 {
                tracing::info!(closed, "auto-close");
            }
            Ok(())
        }
        notifications::MAIL_JOB => {
            let message_id = job.payload_text("message_id")?;
            notifications::send(
                &state.db,
                &state.mailer,
                &state.views,
                &state.config.base_url(),
                &message_id,
            )
            .await
        }
        SLA_CHECK => {
            let raised =
                crate::services::tickets::sla::escalate(&state.db, state.clock.now()).await?;
            if raised > 0 {
                tracing::info!(raised, "SLA escalations");
            }
            Ok(())
        }
        CONVENTION_WATCH => {
            let now = state.clock.now();
            let today = now.date_naive();
            let platform = crate::db::Ctx::platform(state.db.clone(), now);
            let ending = conventions::ending_soon(&platform, today, CONVENTION_NOTICE_DAYS).await?;
            // One warning job per convention, created once (see CONVENTION_ENDING).
            for convention in ending {
                queue::enqueue(
                    &state.db,
                    queue::NewJob {
                        kind: CONVENTION_ENDING,
                        payload: serde_json::json!({ "convention": convention.id }),
                        run_at: now,
                        dedupe_key: Some(format!(
                            "{CONVENTION_ENDING}:{}:{}",
                            convention.id, convention.end_date
                        )),
                        max_attempts: 5,
                    },
                )
                .await?;
            }
            Ok(())
        }
        PURGE => {
            let before = state.clock.now() - Duration::days(KEEP_DAYS);
            let purged = queue::purge(&state.db, before).await?;
            tracing::info!(purged, "old jobs deleted");
            Ok(())
        }
        CONVENTION_ENDING => {
            let platform = crate::db::Ctx::platform(state.db.clone(), state.clock.now());
            Ok(conventions::warn_ending(&platform, job.payload_id("convention")?).await?)
        }
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no worker knows jobs of kind {other}"
        ))),
    }
}
