//! The SLA clock of tickets: which service level applies, and the two metric clocks (time to
//! own, time to resolve) read from and written to the ticket's columns as lifecycle events move
//! them (see `domain::sla_clock` for the rules).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{maintenance_window, sla, ticket};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, UpdateMany, sea_query::Expr};

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

/// How far back the maintenance windows of an offer pause the clocks: a clock has run at most
/// this long since it was last banked (a pause, a stop, a new target or a replanning banks it)
/// for all but the oldest open tickets, whose older windows then count as open time.
const PAUSES_BACK_DAYS: i64 = 366;

/// Stretches of real time `[from, to)` when a clock pauses.
type Pauses = Vec<(DateTime<Utc>, DateTime<Utc>)>;

/// The most maintenance windows of an offer read for its clocks.
const MAX_PAUSES: u64 = 500;

/// The service level `id`, if it exists and its window compiles (a window that does not is
/// refused when saved; an unreadable one measures nothing rather than failing the ticket). When
/// the SLA pauses during maintenance, the calendar of a ticket on `offer_id` pauses during the
/// offer's announced windows.
pub async fn level<C: Handle>(
    ctx: &Ctx<C>,
    id: Option<i64>,
    offer_id: i64,
) -> ServiceResult<Option<Level>> {
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
    let pauses = if row.pause_during_maintenance {
        maintenance_pauses(ctx, &[offer_id])
            .await?
            .remove(&offer_id)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(compiled(row, pauses))
}

/// A level from its row and the pauses of the ticket's offer (none when the window does not
/// compile).
fn compiled(row: sla::Model, pauses: Pauses) -> Option<Level> {
    let id = row.id;
    let view = SlaView::from(row);
    Calendar::new(&view.coverage_window)
        .ok()
        .map(|calendar| calendar.with_pauses(pauses))
        .map(|calendar| Level { id, view, calendar })
}

/// The stretches during which the clocks of tickets on each of `offers` pause, for SLAs that
/// choose it, in one query: the announced maintenance windows, scheduled, under way or over;
/// a window cancelled after its start paused from its start to its cancellation, one cancelled
/// before, never.
pub async fn maintenance_pauses<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[i64],
) -> ServiceResult<HashMap<i64, Pauses>> {
    use maintenance_window::WindowState;
    // As the platform: the windows of the offer of a ticket the caller reads or changes, as the
    // clock of any reader counts them.
    let platform = ctx.as_platform();
    let windows = platform
        .find::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::OfferId.is_in(offers.iter().copied()))
        .filter(
            maintenance_window::Column::EndsAt
                .gt(ctx.now() - chrono::Duration::days(PAUSES_BACK_DAYS)),
        )
        .order_by_desc(maintenance_window::Column::StartsAt)
        .limit(MAX_PAUSES)
        .all(&platform)
        .await?;
    let mut out: HashMap<i64, Pauses> = HashMap::new();
    for w in windows {
        let end = match (w.state, w.cancelled_at) {
            (WindowState::Cancelled, Some(at)) => at.min(w.ends_at),
            (WindowState::Cancelled, None) => continue,
            _ => w.ends_at,
        };
        if end > w.starts_at {
            out.entry(w.offer_id).or_default().push((w.starts_at, end));
        }
    }
    Ok(out)
}

/// Plans again, at the context's instant, the running clocks of the open tickets of an offer
/// whose SLA pauses during maintenance, after a window of the offer was published, edited or
/// cancelled: the time spent is banked with the new pauses and the deadlines follow. Inside the
/// window's transaction `tx`. Three reads whatever the number of tickets (the tickets, their
/// SLAs, the offer's windows), then one update per ticket whose clocks run (each ticket's
/// deadlines differ), compare-and-set on its revision so that a change of the ticket meanwhile
/// keeps its own planning. Answers how many tickets were planned again.
pub async fn replan_offer<C: Handle>(tx: &Ctx<C>, offer_id: i64) -> ServiceResult<usize> {
    // As the platform, in the same transaction: the window's writer is the offer's provider
    // side, and every open ticket of the offer is measured, whoever reads it.
    let platform = tx.as_platform();
    let pausing: Vec<sla::Model> = platform
        .find::<sla::Entity>()
        .filter(sla::Column::PauseDuringMaintenance.eq(true))
        .filter(
            sla::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(ticket::Column::SlaId)
                    .from(ticket::Entity)
                    .and_where(ticket::Column::OfferId.eq(offer_id))
                    .to_owned(),
            ),
        )
        .all(&platform)
        .await?;
    if pausing.is_empty() {
        return Ok(0);
    }
    let tickets = platform
        .find::<ticket::Entity>()
        .filter(ticket::Column::OfferId.eq(offer_id))
        .filter(ticket::Column::SlaId.is_in(pausing.iter().map(|s| s.id)))
        .filter(
            sea_orm::Condition::any()
                .add(ticket::Column::TtoRunningSince.is_not_null())
                .add(ticket::Column::TtrRunningSince.is_not_null()),
        )
        .order_by_asc(ticket::Column::Id)
        .limit(MAX_REPLANNED)
        .all(&platform)
        .await?;
    if tickets.is_empty() {
        return Ok(0);
    }
    let pauses = maintenance_pauses(tx, &[offer_id])
        .await?
        .remove(&offer_id)
        .unwrap_or_default();
    let levels: HashMap<i64, Level> = pausing
        .into_iter()
        .filter_map(|row| compiled(row, pauses.clone()))
        .map(|level| (level.id, level))
        .collect();
    let now = tx.now();
    let mut planned = 0;
    for row in &tickets {
        let Some(level) = row.sla_id.and_then(|id| levels.get(&id)) else {
            continue;
        };
        let mut clocks = Clocks::of(row);
        for clock in [&mut clocks.tto, &mut clocks.ttr] {
            if clock.running() {
                clock.retarget(&level.calendar, clock.target_minutes, now);
            }
        }
        let update = tx
            .update_many::<ticket::Entity>()
            .filter(ticket::Column::Id.eq(row.id))
            .filter(ticket::Column::Revision.eq(row.revision));
        planned += usize::from(clocks.write(update).exec(tx).await?.rows_affected > 0);
    }
    Ok(planned)
}

/// The most tickets of one offer planned again at once (the open ones of an offer are far
/// fewer).
const MAX_REPLANNED: u64 = 5000;

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
