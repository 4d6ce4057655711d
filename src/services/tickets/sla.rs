//! The SLA clock of tickets: which service level applies, and the two metric clocks (time to
//! own, time to resolve) read from and written to the ticket's columns as lifecycle events move
//! them (see `domain::sla_clock` for the rules).

use chrono::{DateTime, Utc};
use entity::{sla, ticket};
use sea_orm::{ColumnTrait, QueryFilter, UpdateMany, sea_query::Expr};

use crate::{
    db::{Ctx, Handle, Unscoped},
    domain::{
        business_time::Calendar,
        catalogue::RequestKind,
        sla::{Metric, Priority, target_minutes},
        sla_clock::MetricClock,
    },
    services::{catalogue::slas::SlaView, error::ServiceResult},
};

/// A service level as the clock needs it.
pub struct Level {
    /// Its id.
    pub id: i64,
    /// Targets and window.
    pub view: SlaView,
    /// The window, compiled.
    pub calendar: Calendar,
}

impl Level {
    /// The target for a ticket of `kind` and `priority` on `metric`, in business minutes.
    pub fn target(&self, kind: RequestKind, priority: Priority, metric: Metric) -> Option<i32> {
        target_minutes(&self.view.targets, kind, priority, metric)
    }
}

/// The service level `id`, if it exists and its window compiles (a window that does not is
/// refused when saved; an unreadable one measures nothing rather than failing the ticket).
pub async fn level<C: Handle>(ctx: &Ctx<C>, id: Option<i64>) -> ServiceResult<Option<Level>> {
    let Some(id) = id else {
        return Ok(None);
    };
    // Unscoped: the service level a readable ticket is measured against, which its requester
    // does not read as such (it is the provider's).
    let Some(row) = Unscoped::find::<sla::Entity>()
        .filter(sla::Column::Id.eq(id))
        .one(ctx)
        .await?
    else {
        return Ok(None);
    };
    let view = SlaView::from(row);
    Ok(Calendar::new(&view.coverage_window)
        .ok()
        .map(|calendar| Level { id, view, calendar }))
}

/// The two clocks of a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clocks {
    /// Time to own.
    pub tto: MetricClock,
    /// Time to resolve.
    pub ttr: MetricClock,
}

impl Clocks {
    /// Both clocks started at `now` for a new ticket (idle without a matching target).
    pub fn started(
        level: Option<&Level>,
        kind: RequestKind,
        priority: Priority,
        now: DateTime<Utc>,
    ) -> Clocks {
        match level {
            None => Clocks::default(),
            Some(level) => Clocks {
                tto: MetricClock::started(
                    &level.calendar,
                    level.target(kind, priority, Metric::Tto),
                    now,
                ),
                ttr: MetricClock::started(
                    &level.calendar,
                    level.target(kind, priority, Metric::Ttr),
                    now,
                ),
            },
        }
    }

    /// The clocks stored on a ticket.
    pub fn of(row: &ticket::Model) -> Clocks {
        Clocks {
            tto: MetricClock {
                target_minutes: row.tto_target_minutes,
                spent_seconds: row.tto_spent_seconds,
                running_since: row.tto_running_since,
                deadline: row.tto_deadline,
                warn_at: row.tto_warn_at,
                outcome: row.tto_outcome.map(Into::into),
                overrun_minutes: row.tto_overrun_minutes,
            },
            ttr: MetricClock {
                target_minutes: row.ttr_target_minutes,
                spent_seconds: row.ttr_spent_seconds,
                running_since: row.ttr_running_since,
                deadline: row.ttr_deadline,
                warn_at: row.ttr_warn_at,
                outcome: row.ttr_outcome.map(Into::into),
                overrun_minutes: row.ttr_overrun_minutes,
            },
        }
    }

    /// Sets the columns of both clocks on an update.
    pub fn write(&self, update: UpdateMany<ticket::Entity>) -> UpdateMany<ticket::Entity> {
        let mut update = update;
        for (clock, columns) in [
            (
                &self.tto,
                [
                    ticket::Column::TtoTargetMinutes,
                    ticket::Column::TtoSpentSeconds,
                    ticket::Column::TtoRunningSince,
                    ticket::Column::TtoDeadline,
                    ticket::Column::TtoWarnAt,
                    ticket::Column::TtoOutcome,
                    ticket::Column::TtoOverrunMinutes,
                ],
            ),
            (
                &self.ttr,
                [
                    ticket::Column::TtrTargetMinutes,
                    ticket::Column::TtrSpentSeconds,
                    ticket::Column::TtrRunningSince,
                    ticket::Column::TtrDeadline,
                    ticket::Column::TtrWarnAt,
                    ticket::Column::TtrOutcome,
                    ticket::Column::TtrOverrunMinutes,
                ],
            ),
        ] {
            let [target, spent, since, deadline, warn, outcome, overrun] = columns;
            update = update
                .col_expr(target, Expr::value(clock.target_minutes))
                .col_expr(spent, Expr::value(clock.spent_seconds))
                .col_expr(since, Expr::value(clock.running_since))
                .col_expr(deadline, Expr::value(clock.deadline))
                .col_expr(warn, Expr::value(clock.warn_at))
                .col_expr(
                    outcome,
                    Expr::value(clock.outcome.map(ticket::Outcome::from)),
                )
                .col_expr(overrun, Expr::value(clock.overrun_minutes));
        }
        update
    }
}

/// Raises the escalations due at `now`: for each running clock past its 75 % instant or its
/// deadline, once each (a clock found past its deadline first raises 100 % only), with a
/// notification to the ticket's team and the provider's coordinators. Answers how many were
/// raised. At most `BATCH` tickets per metric and level per run; the next run takes the rest.
pub async fn escalate(ctx: &Ctx) -> ServiceResult<usize> {
    let mut raised = 0;
    for (running, at, flag) in [
        (
            ticket::Column::TtoRunningSince,
            ticket::Column::TtoDeadline,
            ticket::Column::TtoEscalated,
        ),
        (
            ticket::Column::TtrRunningSince,
            ticket::Column::TtrDeadline,
            ticket::Column::TtrEscalated,
        ),
        (
            ticket::Column::TtoRunningSince,
            ticket::Column::TtoWarnAt,
            ticket::Column::TtoEscalated,
        ),
        (
            ticket::Column::TtrRunningSince,
            ticket::Column::TtrWarnAt,
            ticket::Column::TtrEscalated,
        ),
    ] {
        raised += escalate_batch(ctx, running, at, flag).await?;
    }
    Ok(raised)
}

/// One batch of one metric's threshold (`at`, the 75 % instant or the deadline): the running
/// clocks past it whose `flag` is below it; answers how many were raised.
async fn escalate_batch(
    ctx: &Ctx,
    running: ticket::Column,
    at: ticket::Column,
    flag: ticket::Column,
) -> ServiceResult<usize> {
    use sea_orm::{QueryOrder, QuerySelect};

    use crate::services::notifications::{self, Audience, Kind, TicketEvent};
    const BATCH: u64 = 100;
    let level: i16 = if matches!(
        at,
        ticket::Column::TtoDeadline | ticket::Column::TtrDeadline
    ) {
        100
    } else {
        75
    };
    let due = ctx
        .find::<ticket::Entity>()
        .filter(running.is_not_null())
        .filter(at.lte(ctx.now()))
        .filter(flag.lt(level))
        .order_by_asc(at)
        .limit(BATCH)
        .all(ctx)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let tx = ctx.begin().await?;
    // One statement raises the flag on the whole batch; the condition keeps a ticket
    // another process has just escalated out of it.
    let updated = tx
        .update_many::<ticket::Entity>()
        .col_expr(flag, Expr::value(level))
        .filter(ticket::Column::Id.is_in(due.iter().map(|t| t.id)))
        .filter(flag.lt(level))
        .exec(&tx)
        .await?;
    if updated.rows_affected != due.len() as u64 {
        // Raced with another process: leave this batch to it (dropping the transaction
        // rolls it back).
        drop(tx);
        return Ok(0);
    }
    // A notification per ticket: recipients differ from one ticket to the next.
    for ticket in &due {
        notifications::ticket_event(
            &tx,
            TicketEvent {
                kind: if level == 100 {
                    Kind::Sla100
                } else {
                    Kind::Sla75
                },
                ticket,
                audience: Audience::Escalation,
                actor: None,
                detail: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(due.len())
}
