//! Background jobs: rows of the `job` table that every server process polls and leases (see
//! [`queue`]), so that with several processes on one database each job runs once, and a crashed
//! process's jobs are taken over when their lease expires.
//!
//! Periodic work (auto-close, …) is put on the queue as one job per time slot, keyed by the slot,
//! so whichever process schedules a slot first creates it and the others find it there.

pub mod queue;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use entity::job::{self, Kind};
use futures::TryStreamExt;
use sea_orm::ActiveEnum;

use crate::{
    domain::jobs::slot,
    error::AppError,
    services::{catalogue::conventions, notifications},
    state::AppState,
};

/// A job with its input: what the worker runs. Its kind is stored in `job.kind`, its input as
/// JSON in `job.payload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Closes resolved tickets left without answer.
    AutoClose,
    /// Sends one notification, found by its Message-ID.
    Mail {
        /// The notification's Message-ID.
        message_id: String,
    },
    /// Raises the SLA escalations that have come due.
    SlaCheck,
    /// Looks for conventions ending within [`CONVENTION_NOTICE_DAYS`].
    ConventionWatch,
    /// Tells the coordinators that one convention ends soon: one job per convention and end
    /// date, so the warning is given once, whatever the number of processes and days it is seen.
    ConventionEnding {
        /// The convention's id.
        convention: i64,
    },
    /// Deletes the jobs ended more than [`KEEP_DAYS`] ago.
    Purge,
    /// Reminds, starts and ends the maintenance windows that have come due.
    Maintenance,
    /// Sends one webhook delivery, found by its event id (`webhook-id`).
    Webhook {
        /// The delivery's event id.
        event_id: String,
    },
    /// Reads the IMAP mailboxes and takes their new messages in.
    CollectMail,
    /// Sends the daily and weekly digests that have come due.
    Digest,
}

/// The input of the jobs that have one, as stored.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MailInput {
    message_id: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookInput {
    event_id: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConventionInput {
    convention: i64,
}

impl Job {
    /// Its kind, as stored.
    pub fn kind(&self) -> Kind {
        match self {
            Self::AutoClose => Kind::AutoClose,
            Self::Mail { .. } => Kind::Mail,
            Self::SlaCheck => Kind::SlaCheck,
            Self::ConventionWatch => Kind::ConventionWatch,
            Self::ConventionEnding { .. } => Kind::ConventionEnding,
            Self::Purge => Kind::Purge,
            Self::Maintenance => Kind::Maintenance,
            Self::Webhook { .. } => Kind::Webhook,
            Self::CollectMail => Kind::CollectMail,
            Self::Digest => Kind::Digest,
        }
    }

    /// Its input, as stored.
    pub fn payload(&self) -> serde_json::Value {
        match self {
            Self::Mail { message_id } => serde_json::json!(MailInput {
                message_id: message_id.clone()
            }),
            Self::ConventionEnding { convention } => serde_json::json!(ConventionInput {
                convention: *convention
            }),
            Self::Webhook { event_id } => serde_json::json!(WebhookInput {
                event_id: event_id.clone()
            }),
            _ => serde_json::json!({}),
        }
    }

    /// The job a row holds; an input that does not read is an error naming the row.
    pub fn of(row: &job::Model) -> Result<Self, AppError> {
        let unreadable = |err: serde_json::Error| {
            AppError::Internal(anyhow::anyhow!(
                "job {} ({:?}): unreadable payload: {err}",
                row.id,
                row.kind
            ))
        };
        Ok(match row.kind {
            Kind::AutoClose => Self::AutoClose,
            Kind::Mail => {
                let input: MailInput = serde_json::from_str(&row.payload).map_err(unreadable)?;
                Self::Mail {
                    message_id: input.message_id,
                }
            }
            Kind::SlaCheck => Self::SlaCheck,
            Kind::ConventionWatch => Self::ConventionWatch,
            Kind::ConventionEnding => {
                let input: ConventionInput =
                    serde_json::from_str(&row.payload).map_err(unreadable)?;
                Self::ConventionEnding {
                    convention: input.convention,
                }
            }
            Kind::Purge => Self::Purge,
            Kind::Maintenance => Self::Maintenance,
            Kind::CollectMail => Self::CollectMail,
            Kind::Digest => Self::Digest,
            Kind::Webhook => {
                let input: WebhookInput = serde_json::from_str(&row.payload).map_err(unreadable)?;
                Self::Webhook {
                    event_id: input.event_id,
                }
            }
        })
    }
}

/// Periodic jobs and their period in seconds.
const PERIODIC: &[(Job, i64)] = &[
    (Job::AutoClose, 600),
    (Job::SlaCheck, 60),
    (Job::ConventionWatch, 86_400),
    (Job::Purge, 86_400),
    (Job::Maintenance, 60),
    // Digests are due at a set hour; a quarter-hour slot sends them within minutes of it.
    (Job::Digest, 900),
    (Job::CollectMail, 60),
];

/// How long ended jobs are kept, for looking into what happened.
pub const KEEP_DAYS: i64 = 30;

/// How long before its end a convention is signalled.
pub const CONVENTION_NOTICE_DAYS: i64 = 30;

/// How many jobs a process takes at once (one claim, one lease).
const BATCH: u64 = 100;

/// How many of a batch run at the same time: a mail job spends most of its time waiting for the
/// SMTP server, and the pooled transport keeps several connections open for them; one after the
/// other, sending topped out near twenty messages a second.
const IN_FLIGHT: usize = 16;

/// Polls the queue until the task is dropped: schedules the periodic slots that have come, then
/// runs what is due.
pub async fn run(state: AppState) {
    let poll = StdDuration::from_millis(u64::try_from(state.config.jobs_poll_ms).unwrap_or(1000));
    // The first look comes one period after start, like the next ones.
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + poll, poll);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scheduler = Scheduler::default();
    let mut full = false;
    loop {
        // After a full batch, more is probably due: take it at once rather than a period later
        // (a burst of tickets must not leave its notifications hours behind).
        if !full {
            every.tick().await;
        }
        let now = state.clock.now();
        if let Err(err) = scheduler.schedule(&state, now).await {
            tracing::error!(error = ?err, "scheduling periodic jobs failed");
        }
        full = match tick_at(&state, now).await {
            Ok(ran) => ran as u64 == BATCH,
            Err(err) => {
                tracing::error!(error = ?err, "running jobs failed");
                false
            }
        };
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
        for ((job, every), last) in PERIODIC.iter().zip(self.scheduled.iter_mut()) {
            let current = slot(now, *every);
            if *last == Some(current) {
                continue;
            }
            let kind = job.kind().to_value();
            queue::enqueue(
                state.connection(),
                now,
                queue::NewJob {
                    job: job.clone(),
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
    let held = queue::claim(state.connection(), now, lease, BATCH).await?;
    let count = held.len();
    futures::stream::iter(held.into_iter().map(Ok))
        .try_for_each_concurrent(IN_FLIGHT, |job| async move {
            let outcome = match Job::of(&job) {
                Ok(work) => perform(state, work, now).await,
                Err(err) => Err(err),
            };
            match outcome {
                Ok(()) => queue::finish(state.connection(), now, &job).await?,
                Err(err) => {
                    tracing::warn!(job = job.id, kind = ?job.kind, error = ?err, "job failed");
                    queue::fail(state.connection(), now, &job, &format!("{err:?}")).await?;
                }
            }
            Ok::<(), AppError>(())
        })
        .await?;
    Ok(count)
}

/// The platform acting at `now`, for the jobs whose services take a context.
fn platform(state: &AppState, now: DateTime<Utc>) -> crate::db::Ctx {
    state.platform_at(now)
}

async fn perform(state: &AppState, job: Job, now: DateTime<Utc>) -> Result<(), AppError> {
    match job {
        Job::AutoClose => {
            let closed = crate::services::tickets::changes::auto_close(
                &platform(state, now),
                state.config.auto_close_days,
            )
            .await?;
            if closed > 0 {
                tracing::info!(closed, "auto-close");
            }
            Ok(())
        }
        Job::Mail { message_id } => Ok(notifications::send(
            &platform(state, now),
            &state.mailer,
            &state.views,
            &state.config.base_url(),
            &message_id,
        )
        .await?),
        Job::SlaCheck => {
            let raised = crate::services::tickets::sla::escalate(&platform(state, now)).await?;
            if raised > 0 {
                tracing::info!(raised, "SLA escalations");
            }
            Ok(())
        }
        Job::ConventionWatch => warn_of_endings(state, now).await,
        Job::Purge => {
            let purged = queue::purge(state.connection(), now - Duration::days(KEEP_DAYS)).await?;
            tracing::info!(purged, "old jobs deleted");
            Ok(())
        }
        Job::Maintenance => {
            let steps =
                crate::services::status::maintenance::advance(&platform(state, now)).await?;
            if steps > 0 {
                tracing::info!(steps, "maintenance windows moved on");
            }
            Ok(())
        }
        Job::ConventionEnding { convention } => {
            Ok(conventions::warn_ending(&platform(state, now), convention).await?)
        }
        Job::CollectMail => collect_mail(state, now).await,
        Job::Digest => {
            let at = crate::services::digests::hour_of(&state.config.digest_at)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("digest_at is not HH:MM")))?;
            let sent = crate::services::digests::send_due(
                &platform(state, now),
                &state.mailer,
                &state.config.base_url(),
                at,
            )
            .await?;
            if sent.digests > 0 {
                tracing::info!(digests = sent.digests, events = sent.events, "digests sent");
            }
            Ok(())
        }
        Job::Webhook { event_id } => Ok(crate::services::webhooks::send::deliver(
            &platform(state, now),
            state.config.webhook_allow_loopback_http,
            &event_id,
        )
        .await?),
    }
}

/// Puts one warning job per convention ending soon on the queue, created once (see
/// [`Job::ConventionEnding`]).
async fn warn_of_endings(state: &AppState, now: DateTime<Utc>) -> Result<(), AppError> {
    let ending = conventions::ending_soon(
        &platform(state, now),
        now.date_naive(),
        CONVENTION_NOTICE_DAYS,
    )
    .await?;
    let jobs = ending
        .into_iter()
        .map(|convention| queue::NewJob {
            job: Job::ConventionEnding {
                convention: convention.id,
            },
            run_at: now,
            dedupe_key: Some(format!(
                "convention_ending:{}:{}",
                convention.id, convention.end_date
            )),
            max_attempts: 5,
        })
        .collect();
    Ok(queue::enqueue_many(state.connection(), now, jobs).await?)
}

/// Reads every enabled mailbox once and notes each visit's result on it. Run by the periodic
/// job (one process per slot); two processes running it at once take each message in once
/// (the Message-ID claim of mail in).
pub async fn collect_mail(state: &AppState, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::services::{mail_in, mailboxes};
    let platform = platform(state, now);
    let tls = mail_in::collect::Tls::new(&state.config.mail_in_ca_file)?;
    for mailbox in mailboxes::enabled(&platform).await? {
        let settings = mail_in::Settings {
            data_dir: &state.config.data_dir,
            max_bytes: state.config.attachment_max_bytes,
            per_hour: state.config.mail_in_per_hour,
            served_offer: mailbox.offer_id,
        };
        let visit = mail_in::collect::collect(
            state.connection(),
            &platform,
            &state.mailer,
            &state.sealer,
            &tls,
            &settings,
            state.config.body_limit_bytes,
            &mailbox,
        )
        .await;
        let failure = match visit {
            Ok(done) => {
                tracing::info!(
                    mailbox = mailbox.id,
                    taken = done.outcomes.len(),
                    refused = done.refused,
                    deferred = done.deferred,
                    "mailbox read"
                );
                None
            }
            Err(err) => {
                tracing::warn!(mailbox = mailbox.id, error = %err, "mailbox not read");
                Some(err.code())
            }
        };
        mailboxes::visited(&platform, mailbox.id, failure).await?;
    }
    Ok(())
}
