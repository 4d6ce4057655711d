//! The "what if" calculator of service levels, for the coordinators who write them: the
//! deadlines a saved SLA, or one being edited, gives a ticket (see `domain::what_if`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::slas;
use crate::{
    db::{Ctx, Handle},
    domain::{
        business_time::{Calendar, CalendarError},
        catalogue::RequestKind,
        holidays::closed_days,
        sla::{CoverageWindow, Metric, Priority, Target, check, target_minutes},
        what_if::{Pause, check_pauses, forecast},
    },
    error::FieldError,
    services::error::{ServiceError, ServiceResult},
};

/// How many days of closed dates an explanation lists at most (ten years).
const MAX_EXPLAINED_DAYS: i64 = 3660;

/// A time the ticket waits (RFC 3339 instants).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseInput {
    /// When it starts waiting.
    pub from: DateTime<Utc>,
    /// When it resumes.
    pub to: DateTime<Utc>,
}

/// An SLA being edited, not saved yet.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaDraft {
    /// Its name, if typed.
    #[serde(default)]
    pub name: String,
    /// Targets.
    pub targets: Vec<Target>,
    /// When the clock runs.
    pub coverage_window: CoverageWindow,
}

/// The question.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "2030-01-14T16:30:00Z", "kind": "incident", "priority": "high", "pauses": [{"from": "2030-01-15T09:00:00Z", "to": "2030-01-15T11:00:00Z"}], "sla": {"name": "SLA SMS-U en projet", "targets": [{"kind": "incident", "priority": "high", "metric": "tto", "minutes": 60}, {"kind": "incident", "priority": "high", "metric": "ttr", "minutes": 480}], "coverage_window": {"time_zone": "Europe/Paris", "intervals": [{"weekday": 0, "start": "09:00", "end": "17:30"}, {"weekday": 1, "start": "09:00", "end": "17:30"}, {"weekday": 2, "start": "09:00", "end": "17:30"}, {"weekday": 3, "start": "09:00", "end": "17:30"}, {"weekday": 4, "start": "09:00", "end": "17:30"}], "public_holidays": "france", "holidays": []}}}))]
pub struct WhatIfInput {
    /// When the ticket is filed (RFC 3339).
    pub start: DateTime<Utc>,
    /// Its kind.
    pub kind: RequestKind,
    /// Its priority.
    pub priority: Priority,
    /// When it waits, in order; they move time to resolve only (a ticket waits once owned).
    #[serde(default)]
    pub pauses: Vec<PauseInput>,
    /// The SLA being edited: only on `POST /api/v1/slas/simulate`.
    #[serde(default)]
    pub sla: Option<SlaDraft>,
}

/// Business minutes counted on one local date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayView {
    /// The date, in the window's time zone.
    pub date: NaiveDate,
    /// Towards time to own.
    pub tto_minutes: i64,
    /// Towards time to resolve.
    pub ttr_minutes: i64,
}

/// A day the window is closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosedDay {
    /// The date.
    pub date: NaiveDate,
    /// Why: `closure` (one-off) or the public holiday's code (`christmas`, `easter-monday`…).
    pub reason: String,
}

/// A pause and the business time it kept out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PauseView {
    /// When it started.
    pub from: DateTime<Utc>,
    /// When it ended.
    pub to: DateTime<Utc>,
    /// Business minutes within it.
    pub business_minutes: i64,
}

/// What produced the deadlines: what a ticket's page explains.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Explanation {
    /// The SLA's name.
    pub sla_name: String,
    /// Time to own allowed, business minutes (none: no target matches).
    pub tto_target_minutes: Option<i32>,
    /// Time to resolve allowed, business minutes.
    pub ttr_target_minutes: Option<i32>,
    /// The window.
    pub coverage_window: CoverageWindow,
    /// The closed days from the start to the last deadline.
    pub closed_days: Vec<ClosedDay>,
    /// The pauses.
    pub pauses: Vec<PauseView>,
}

/// The answer: deadlines and 75 % instants (RFC 3339, UTC; none when no target applies or no
/// open time comes), the business minutes per local day, and the explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhatIfView {
    /// Time to own's deadline.
    pub tto_deadline: Option<DateTime<Utc>>,
    /// When 75 % of time to own is spent.
    pub tto_warning_at: Option<DateTime<Utc>>,
    /// Time to resolve's deadline, after the pauses.
    pub ttr_deadline: Option<DateTime<Utc>>,
    /// When 75 % of time to resolve is spent.
    pub ttr_warning_at: Option<DateTime<Utc>>,
    /// Business minutes per local day.
    pub days: Vec<DayView>,
    /// What produced them.
    pub explanation: Explanation,
}

/// Asks a saved SLA; only its provider's coordinators and the administrators may (404 for
/// anyone else, even those who read it).
pub async fn saved<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    input: &WhatIfInput,
) -> ServiceResult<WhatIfView> {
    let sla = slas::get(ctx, id).await?;
    if !ctx.scope().manages_organisation(sla.provider_id) {
        return Err(ServiceError::NotFound);
    }
    if input.sla.is_some() {
        return Err(ServiceError::field(
            "sla",
            "catalogue-what-if-draft-only",
            vec![],
        ));
    }
    answer(&sla.name, &sla.targets, &sla.coverage_window, input)
}

/// Asks an SLA being edited (`input.sla`); for those who manage SLAs (404 for anyone else).
pub fn draft(scope: &crate::access::Scope, input: &WhatIfInput) -> ServiceResult<WhatIfView> {
    if !scope.manages_anything() {
        return Err(ServiceError::NotFound);
    }
    let draft = input
        .sla
        .as_ref()
        .ok_or_else(|| ServiceError::field("sla", "field-required", vec![]))?;
    let problems: Vec<FieldError> = check(&draft.coverage_window, &draft.targets)
        .into_iter()
        .map(|(field, key, args)| FieldError::message(&format!("sla.{field}"), key, args))
        .collect();
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    answer(&draft.name, &draft.targets, &draft.coverage_window, input)
}

fn answer(
    name: &str,
    targets: &[Target],
    window: &CoverageWindow,
    input: &WhatIfInput,
) -> ServiceResult<WhatIfView> {
    let cal = Calendar::new(window).map_err(window_problem)?;
    let pauses: Vec<Pause> = input
        .pauses
        .iter()
        .map(|p| Pause {
            from: p.from,
            to: p.to,
        })
        .collect();
    check_pauses(input.start, &pauses)
        .map_err(|(i, key)| ServiceError::field(&format!("pauses[{i}]"), key, vec![]))?;
    let target = |metric| target_minutes(targets, input.kind, input.priority, metric);
    let (tto_target, ttr_target) = (target(Metric::Tto), target(Metric::Ttr));
    let answer = forecast(&cal, tto_target, ttr_target, input.start, &pauses);
    let zone: chrono_tz::Tz = window.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).date_naive();
    let last = [answer.tto.deadline, answer.ttr.deadline]
        .into_iter()
        .flatten()
        .chain(pauses.last().map(|p| p.to))
        .max()
        .unwrap_or(input.start);
    let first_day = local(input.start);
    let span = (local(last) - first_day).num_days() + 1;
    Ok(WhatIfView {
        tto_deadline: answer.tto.deadline,
        tto_warning_at: answer.tto.warn_at,
        ttr_deadline: answer.ttr.deadline,
        ttr_warning_at: answer.ttr.warn_at,
        days: answer
            .days
            .into_iter()
            .map(|d| DayView {
                date: d.date,
                tto_minutes: d.tto_minutes,
                ttr_minutes: d.ttr_minutes,
            })
            .collect(),
        explanation: Explanation {
            sla_name: name.to_owned(),
            tto_target_minutes: tto_target,
            ttr_target_minutes: ttr_target,
            coverage_window: window.clone(),
            closed_days: closed_days(
                window.public_holidays,
                &window.holidays,
                first_day,
                span.clamp(0, MAX_EXPLAINED_DAYS),
            )
            .into_iter()
            .map(|(date, reason)| ClosedDay {
                date,
                reason: reason.to_owned(),
            })
            .collect(),
            pauses: answer
                .pauses
                .into_iter()
                .map(|(p, minutes)| PauseView {
                    from: p.from,
                    to: p.to,
                    business_minutes: minutes,
                })
                .collect(),
        },
    })
}

/// Why a window gives no calendar, as the 422 of its field.
fn window_problem(error: CalendarError) -> ServiceError {
    let (key, args) = match error {
        CalendarError::UnknownTimeZone(zone) => {
            ("catalogue-sla-unknown-zone", vec![("zone", zone)])
        }
        CalendarError::BadInterval(i) => {
            ("catalogue-sla-bad-interval", vec![("index", i.to_string())])
        }
    };
    ServiceError::field("sla.coverage_window", key, args)
}

/// The closed days of a window over the next twelve months from `today`: the editor's preview.
pub fn next_closed_days(window: &CoverageWindow, today: NaiveDate) -> Vec<ClosedDay> {
    closed_days(window.public_holidays, &window.holidays, today, 365)
        .into_iter()
        .map(|(date, reason)| ClosedDay {
            date,
            reason: reason.to_owned(),
        })
        .collect()
}
