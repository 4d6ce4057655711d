//! Service level agreements.

use entity::sla;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_list;
use crate::{
    db::{Ctx, Handle},
    domain::sla::{CoverageWindow, Target, check},
    error::FieldError,
    services::{
        PageRequest, Paged, Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// An SLA as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The providing organisation.
    pub provider_id: i64,
    /// Targets.
    pub targets: Vec<Target>,
    /// When the clock runs.
    pub coverage_window: CoverageWindow,
    /// Whether the clocks pause during the announced maintenance windows of the ticket's offer.
    pub pause_during_maintenance: bool,
    /// For optimistic locking.
    pub revision: i32,
}

impl From<sla::Model> for SlaView {
    fn from(s: sla::Model) -> Self {
        Self {
            id: s.id,
            name: s.name,
            provider_id: s.provider_id,
            targets: json_list(Some(&s.targets)),
            coverage_window: CoverageWindow {
                time_zone: s.time_zone,
                round_the_clock: s.round_the_clock,
                intervals: json_list(Some(&s.intervals)),
                public_holidays: s.public_holidays.into(),
                holidays: json_list(Some(&s.holidays)),
            },
            pause_during_maintenance: s.pause_during_maintenance,
            revision: s.revision,
        }
    }
}

/// An SLA to create, or the whole new content of one (with its revision).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "SLA EVA renforcé", "provider_id": 4, "targets": [{"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 30}, {"kind": "incident", "priority": "critical", "metric": "ttr", "minutes": 240}, {"kind": "request", "priority": "medium", "metric": "ttr", "minutes": 1200}], "coverage_window": {"time_zone": "Europe/Paris", "intervals": [{"weekday": 0, "start": "08:30", "end": "18:00"}, {"weekday": 1, "start": "08:30", "end": "18:00"}, {"weekday": 2, "start": "08:30", "end": "18:00"}, {"weekday": 3, "start": "08:30", "end": "18:00"}, {"weekday": 4, "start": "08:30", "end": "18:00"}], "public_holidays": "alsace_moselle", "holidays": ["2029-12-24"]}, "pause_during_maintenance": true}))]
pub struct SlaInput {
    /// The revision read, when replacing.
    pub revision: Option<i32>,
    /// Name.
    pub name: String,
    /// Providing organisation.
    pub provider_id: i64,
    /// Targets.
    pub targets: Vec<Target>,
    /// When the clock runs.
    pub coverage_window: CoverageWindow,
    /// Pause the clocks during the announced maintenance windows of the ticket's offer
    /// (default: no).
    #[serde(default)]
    pub pause_during_maintenance: bool,
}

/// The SLAs the caller reads.
pub async fn list<C: Handle>(ctx: &Ctx<C>, page: PageRequest) -> ServiceResult<Paged<SlaView>> {
    let page = page.checked()?;
    let query = ctx.find::<sla::Entity>();
    let total = query.clone().count(ctx).await?;
    let items = query
        .order_by_asc(sla::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?
        .into_iter()
        .map(SlaView::from)
        .collect();
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One SLA (404 outside the caller's reach).
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<SlaView> {
    ctx.find::<sla::Entity>()
        .filter(sla::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(SlaView::from)
        .ok_or(ServiceError::NotFound)
}

fn validate(input: &SlaInput) -> ServiceResult<String> {
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &input.name, 200);
    let mut fields: Vec<FieldError> = check(&input.coverage_window, &input.targets)
        .into_iter()
        .map(|(field, key, args)| FieldError::message(&field, key, args))
        .collect();
    if let Err(ServiceError::Invalid(mut more)) = problems.into_result() {
        more.append(&mut fields);
        fields = more;
    }
    if fields.is_empty() {
        Ok(name)
    } else {
        Err(ServiceError::Invalid(fields))
    }
}

fn lists(input: &SlaInput) -> (String, String, String) {
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".to_owned());
    (
        json(serde_json::to_string(&input.coverage_window.intervals)),
        json(serde_json::to_string(&input.coverage_window.holidays)),
        json(serde_json::to_string(&input.targets)),
    )
}

/// Creates an SLA for a provider the caller manages.
pub async fn create<C: Handle>(ctx: &Ctx<C>, input: SlaInput) -> ServiceResult<SlaView> {
    crate::services::organisations::get(ctx, input.provider_id)
        .await
        .map_err(|_| ServiceError::field("provider_id", "catalogue-no-organisation", vec![]))?;
    if !ctx.scope().manages_organisation(input.provider_id) {
        return Err(ServiceError::forbidden(
            "catalogue-refused-provider-slas",
            vec![],
        ));
    }
    let name = validate(&input)?;
    let (intervals, holidays, targets) = lists(&input);
    let now = ctx.now();
    let row = sla::ActiveModel {
        name: Set(name),
        provider_id: Set(input.provider_id),
        time_zone: Set(input.coverage_window.time_zone.clone()),
        intervals: Set(intervals),
        holidays: Set(holidays),
        targets: Set(targets),
        round_the_clock: Set(input.coverage_window.round_the_clock),
        public_holidays: Set(input.coverage_window.public_holidays.into()),
        pause_during_maintenance: Set(input.pause_during_maintenance),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// Replaces an SLA's content (its provider stays); 409 on a stale revision.
pub async fn replace<C: Handle>(ctx: &Ctx<C>, id: i64, input: SlaInput) -> ServiceResult<SlaView> {
    let current = get(ctx, id).await?;
    if !ctx.scope().manages_organisation(current.provider_id) {
        return Err(ServiceError::forbidden("catalogue-refused-sla", vec![]));
    }
    let revision = input
        .revision
        .ok_or_else(|| ServiceError::field("revision", "field-required", vec![]))?;
    let name = validate(&input)?;
    let (intervals, holidays, targets) = lists(&input);
    let result = ctx
        .update_many::<sla::Entity>()
        .col_expr(sla::Column::Name, Expr::value(name))
        .col_expr(
            sla::Column::TimeZone,
            Expr::value(input.coverage_window.time_zone.clone()),
        )
        .col_expr(sla::Column::Intervals, Expr::value(intervals))
        .col_expr(sla::Column::Holidays, Expr::value(holidays))
        .col_expr(sla::Column::Targets, Expr::value(targets))
        .col_expr(
            sla::Column::RoundTheClock,
            Expr::value(input.coverage_window.round_the_clock),
        )
        .col_expr(
            sla::Column::PublicHolidays,
            Expr::value(sla::PublicHolidays::from(
                input.coverage_window.public_holidays,
            )),
        )
        .col_expr(
            sla::Column::PauseDuringMaintenance,
            Expr::value(input.pause_during_maintenance),
        )
        .col_expr(sla::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(sla::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(sla::Column::Id.eq(id))
        .filter(sla::Column::Revision.eq(revision))
        .exec(ctx)
        .await?;
    if result.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}
