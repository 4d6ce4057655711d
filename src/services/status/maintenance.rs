//! Planned maintenance windows: published ahead from the offer's provider side, then moved on
//! by the `maintenance` job: a reminder the day before, the offer in `maintenance` from the start
//! to the end, its former status back after. Subscribers are told at each step, once: every step
//! is a compare-and-set on the window's row.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{maintenance_window, offer, service_status};
use maintenance_window::WindowState;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Change, Told, messages, provided, record, tell};
use crate::{
    db::{Ctx, Handle},
    domain::service_status::ServiceState,
    services::{Problems, error::ServiceResult},
};

/// How long before its start subscribers are reminded of a window.
const REMINDER: Duration = Duration::days(1);

/// A window to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"starts_at": "2030-02-06T06:00:00Z", "ends_at": "2030-02-06T08:00:00Z", "message": "Mise à jour de SMS-U en version 5.2.", "message_en": "SMS-U upgrade to 5.2."}))]
pub struct NewWindow {
    /// When it starts (in the future).
    pub starts_at: DateTime<Utc>,
    /// When it ends (after the start).
    pub ends_at: DateTime<Utc>,
    /// What subscribers are told, in French.
    pub message: String,
    /// The same in English, if given.
    #[serde(default)]
    pub message_en: Option<String>,
}

/// A window as its readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WindowView {
    /// Its id.
    pub id: i64,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The message, in French.
    pub message: String,
    /// The message, in English, if given.
    pub message_en: Option<String>,
    /// `scheduled`, `started` or `ended`.
    pub state: &'static str,
}

fn view(row: maintenance_window::Model) -> WindowView {
    WindowView {
        id: row.id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        message: row.message,
        message_en: row.message_en,
        state: match row.state {
            WindowState::Scheduled => "scheduled",
            WindowState::Started => "started",
            WindowState::Ended => "ended",
        },
    }
}

/// Publishes a window on an offer (provider side only) and tells the subscribers.
pub async fn publish(ctx: &Ctx, code: &str, new: NewWindow) -> ServiceResult<WindowView> {
    let row = provided(ctx, code).await?;
    let mut problems = Problems::default();
    let (message, message_en) = messages(&mut problems, &new.message, new.message_en.as_deref());
    if new.starts_at <= ctx.now() {
        problems.rule("starts_at", "maintenance-in-future", vec![]);
    }
    if new.ends_at <= new.starts_at {
        problems.rule("ends_at", "maintenance-ends-after-start", vec![]);
    }
    problems.into_result()?;
    let tx = ctx.begin().await?;
    // The offer was checked to be on the caller's provider side just above.
    let created = maintenance_window::Entity::insert(maintenance_window::ActiveModel {
        offer_id: Set(row.id),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        message: Set(message.clone()),
        message_en: Set(message_en.clone()),
        state: Set(WindowState::Scheduled),
        // Published less than a day ahead: the publication is the reminder.
        reminded: Set(new.starts_at - REMINDER <= ctx.now()),
        created_by: Set(Some(ctx.caller().account_id)),
        created_at: Set(ctx.now()),
        ..Default::default()
    })
    .exec_with_returning(&tx)
    .await?;
    let told = Told {
        event: "maintenance_planned",
        detail: message,
        detail_en: message_en,
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    Ok(view(created))
}

/// The windows of some offers not ended yet, by offer, soonest first.
pub async fn upcoming<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[i64],
) -> ServiceResult<HashMap<i64, Vec<WindowView>>> {
    let mut by_offer: HashMap<i64, Vec<WindowView>> = HashMap::new();
    for row in ctx
        .find::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::OfferId.is_in(offers.iter().copied()))
        .filter(maintenance_window::Column::State.ne(WindowState::Ended))
        .order_by_asc(maintenance_window::Column::StartsAt)
        .all(ctx)
        .await?
    {
        by_offer.entry(row.offer_id).or_default().push(view(row));
    }
    Ok(by_offer)
}

/// The job: reminds, starts and ends the windows that have come due at the context's instant
/// (the platform's); answers how many steps were taken.
pub async fn advance(ctx: &Ctx) -> ServiceResult<usize> {
    let now = ctx.now();
    let due = ctx
        .find::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::State.ne(WindowState::Ended))
        .filter(maintenance_window::Column::StartsAt.lte(now + REMINDER))
        .order_by_asc(maintenance_window::Column::StartsAt)
        .all(ctx)
        .await?;
    let mut steps = 0;
    for window in due {
        if window.state == WindowState::Scheduled && !window.reminded && window.starts_at > now {
            steps += step(ctx, &window, Step::Remind).await?;
        }
        if window.state == WindowState::Scheduled && window.starts_at <= now {
            steps += step(ctx, &window, Step::Start).await?;
        }
        if window.ends_at <= now {
            steps += step(ctx, &window, Step::End).await?;
        }
    }
    Ok(steps)
}

/// A move of a window.
#[derive(Clone, Copy)]
enum Step {
    Remind,
    Start,
    End,
}

/// Takes one step in its own transaction, if no one took it first; answers 1 if this call did.
async fn step(ctx: &Ctx, window: &maintenance_window::Model, step: Step) -> ServiceResult<usize> {
    let tx = ctx.begin().await?;
    let update = tx
        .update_many::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::Id.eq(window.id));
    let (update, event) = match step {
        Step::Remind => (
            update
                .col_expr(maintenance_window::Column::Reminded, Expr::value(true))
                .filter(maintenance_window::Column::Reminded.eq(false))
                .filter(maintenance_window::Column::State.eq(WindowState::Scheduled)),
            "maintenance_reminder",
        ),
        Step::Start => (
            update
                .col_expr(
                    maintenance_window::Column::State,
                    Expr::value(WindowState::Started),
                )
                .filter(maintenance_window::Column::State.eq(WindowState::Scheduled)),
            "maintenance_started",
        ),
        Step::End => (
            update
                .col_expr(
                    maintenance_window::Column::State,
                    Expr::value(WindowState::Ended),
                )
                .filter(maintenance_window::Column::State.eq(WindowState::Started)),
            "maintenance_ended",
        ),
    };
    if update.exec(&tx).await?.rows_affected == 0 {
        return Ok(0);
    }
    let row = super::offer_by_id(&tx, window.offer_id).await?;
    match step {
        Step::Remind => {}
        Step::Start => {
            let change = Change {
                state: ServiceState::Maintenance,
                message: window.message.clone(),
                message_en: window.message_en.clone(),
                maintenance_id: Some(window.id),
            };
            record(&tx, &row, change).await?;
        }
        Step::End => restore(&tx, &row, window.id).await?,
    }
    let told = Told {
        event,
        detail: window.message.clone(),
        detail_en: window.message_en.clone(),
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    Ok(1)
}

/// Puts back the status an offer had before a window, if the window's status is still the
/// current one (someone may have set another meanwhile, which then stands).
async fn restore<C: Handle>(tx: &Ctx<C>, row: &offer::Model, window_id: i64) -> ServiceResult<()> {
    let history = tx
        .find::<service_status::Entity>()
        .filter(service_status::Column::OfferId.eq(row.id))
        .order_by_desc(service_status::Column::Id)
        .limit(2)
        .all(tx)
        .await?;
    let Some(current) = history.first() else {
        return Ok(());
    };
    if current.maintenance_id != Some(window_id) || current.ended_at.is_some() {
        return Ok(());
    }
    let before = history.get(1);
    let change = Change {
        state: before.map_or(ServiceState::Operational, |b| b.status.into()),
        message: before.map(|b| b.message.clone()).unwrap_or_default(),
        message_en: before.and_then(|b| b.message_en.clone()),
        maintenance_id: None,
    };
    record(tx, row, change).await
}
