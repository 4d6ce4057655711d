//! Planned maintenance windows: published ahead from the offer's provider side, then moved on
//! by the `maintenance` job: a reminder the day before, the offer in `maintenance` from the start
//! to the end, its former status back after. Subscribers are told at each step, once: every step
//! is a compare-and-set on the window's row. The provider side may edit a window before it
//! starts (optimistic lock on its revision) and cancel it before or during it (a compare-and-set
//! on its state, which the job then never moves on).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{maintenance_window, offer, service_status};
use maintenance_window::WindowState;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Change, Told, messages, provided, provides, record, tell};
use crate::{
    db::{Ctx, Handle},
    domain::service_status::ServiceState,
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
    },
};

/// The states a window is still live in: the job moves them on, the provider may cancel them.
const LIVE: [WindowState; 2] = [WindowState::Scheduled, WindowState::Started];

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

/// New times and message for a window not started yet, at the revision the editor read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "starts_at": "2030-02-06T07:00:00Z", "ends_at": "2030-02-06T09:00:00Z", "message": "Mise à jour de SMS-U en version 5.2, décalée d'une heure.", "message_en": "SMS-U upgrade to 5.2, one hour later."}))]
pub struct WindowEdit {
    /// The revision read (a newer one makes the edit a 409).
    pub revision: i32,
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
    /// `scheduled`, `started`, `ended` or `cancelled`.
    pub state: &'static str,
    /// Its revision (what an edit sends back).
    pub revision: i32,
}

/// A window row as its readers see it.
pub fn view(row: maintenance_window::Model) -> WindowView {
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
            WindowState::Cancelled => "cancelled",
        },
        revision: row.revision,
    }
}

/// The checked times and messages of a window published or edited at `now`.
fn checked(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    message: &str,
    message_en: Option<&str>,
) -> ServiceResult<(String, Option<String>)> {
    let mut problems = Problems::default();
    let (message, message_en) = messages(&mut problems, message, message_en);
    if starts_at <= now {
        problems.rule("starts_at", "maintenance-in-future", vec![]);
    }
    if ends_at <= starts_at {
        problems.rule("ends_at", "maintenance-ends-after-start", vec![]);
    }
    problems.into_result()?;
    Ok((message, message_en))
}

/// Publishes a window on an offer (provider side only) and tells the subscribers.
pub async fn publish(ctx: &Ctx, code: &str, new: NewWindow) -> ServiceResult<WindowView> {
    let row = provided(ctx, code).await?;
    let (message, message_en) = checked(
        ctx.now(),
        new.starts_at,
        new.ends_at,
        &new.message,
        new.message_en.as_deref(),
    )?;
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
        revision: Set(1),
        cancelled_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&tx)
    .await?;
    crate::services::tickets::sla::replan_offer(&tx, row.id).await?;
    let told = Told {
        event: "maintenance_planned",
        detail: message,
        detail_en: message_en,
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    Ok(view(created))
}

/// A window the caller reads, with its offer (404 otherwise).
pub async fn window<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
) -> ServiceResult<(maintenance_window::Model, offer::Model)> {
    let window = ctx
        .find::<maintenance_window::Entity>()
        .filter(maintenance_window::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = super::offer_by_id(ctx, window.offer_id).await?;
    Ok((window, row))
}

/// A window whose offer's provider side the caller stands on: 404 when it does not read it,
/// 403 when it reads it as a subscriber.
pub async fn provided_window(
    ctx: &Ctx,
    id: i64,
) -> ServiceResult<(maintenance_window::Model, offer::Model)> {
    let (window, row) = window(ctx, id).await?;
    if !provides(ctx.scope(), &row) {
        return Err(ServiceError::forbidden("status-provider-only", vec![]));
    }
    Ok((window, row))
}

/// Edits a window that has not started (provider side), at the revision the editor read, and
/// tells the subscribers once of the new times. A window moved more than a day ahead is
/// reminded again the day before; one moved closer, less than a day ahead, is not (this notice
/// is the reminder).
pub async fn edit(ctx: &Ctx, id: i64, edit: WindowEdit) -> ServiceResult<WindowView> {
    let (window, row) = provided_window(ctx, id).await?;
    if window.state != WindowState::Scheduled {
        return Err(not_editable());
    }
    let (message, message_en) = checked(
        ctx.now(),
        edit.starts_at,
        edit.ends_at,
        &edit.message,
        edit.message_en.as_deref(),
    )?;
    let tx = ctx.begin().await?;
    let edited = tx
        .update_many::<maintenance_window::Entity>()
        .col_expr(
            maintenance_window::Column::StartsAt,
            Expr::value(edit.starts_at),
        )
        .col_expr(
            maintenance_window::Column::EndsAt,
            Expr::value(edit.ends_at),
        )
        .col_expr(
            maintenance_window::Column::Message,
            Expr::value(message.clone()),
        )
        .col_expr(
            maintenance_window::Column::MessageEn,
            Expr::value(message_en.clone()),
        )
        .col_expr(
            maintenance_window::Column::Reminded,
            Expr::value(edit.starts_at - REMINDER <= ctx.now()),
        )
        .col_expr(
            maintenance_window::Column::Revision,
            Expr::col(maintenance_window::Column::Revision).add(1),
        )
        .filter(maintenance_window::Column::Id.eq(id))
        .filter(maintenance_window::Column::Revision.eq(edit.revision))
        .filter(maintenance_window::Column::State.eq(WindowState::Scheduled))
        .exec(&tx)
        .await?;
    if edited.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    crate::services::tickets::sla::replan_offer(&tx, row.id).await?;
    let told = Told {
        event: "maintenance_changed",
        detail: message,
        detail_en: message_en,
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    Ok(view(window_row(ctx, id).await?))
}

/// Cancels a window (provider side) before or during it, and tells the subscribers once. The
/// cancellation is a compare-and-set on the state read: of two at once, or of a cancellation
/// and the job's start, one wins and the other is a 409. A window under way ends now: the
/// offer's former status comes back.
pub async fn cancel(ctx: &Ctx, id: i64) -> ServiceResult<WindowView> {
    let (window, row) = provided_window(ctx, id).await?;
    if !LIVE.contains(&window.state) {
        return Err(ServiceError::conflict(
            "maintenance-over",
            vec![],
            serde_json::json!({ "state": view(window).state }),
        ));
    }
    let tx = ctx.begin().await?;
    let cancelled = tx
        .update_many::<maintenance_window::Entity>()
        .col_expr(
            maintenance_window::Column::State,
            Expr::value(WindowState::Cancelled),
        )
        .col_expr(
            maintenance_window::Column::CancelledAt,
            Expr::value(Some(ctx.now())),
        )
        .col_expr(
            maintenance_window::Column::Revision,
            Expr::col(maintenance_window::Column::Revision).add(1),
        )
        .filter(maintenance_window::Column::Id.eq(id))
        .filter(maintenance_window::Column::State.eq(window.state))
        .exec(&tx)
        .await?;
    if cancelled.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    if window.state == WindowState::Started {
        restore(&tx, &row, window.id).await?;
    }
    crate::services::tickets::sla::replan_offer(&tx, row.id).await?;
    let told = Told {
        event: "maintenance_cancelled",
        detail: window.message.clone(),
        detail_en: window.message_en.clone(),
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    Ok(view(window_row(ctx, id).await?))
}

/// A window that has started or is over cannot be edited (it can be cancelled while under way).
fn not_editable() -> ServiceError {
    ServiceError::conflict(
        "maintenance-not-editable",
        vec![],
        serde_json::json!({ "reason": "not_scheduled" }),
    )
}

async fn window_row<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<maintenance_window::Model> {
    Ok(window(ctx, id).await?.0)
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
        .filter(maintenance_window::Column::State.is_in(LIVE))
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
        .filter(maintenance_window::Column::State.is_in(LIVE))
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
