//! Service level agreements.

use entity::sla;
use futures::Stream;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{json_list, offers::OrgRef};
use crate::{
    db::{Ctx, Handle, directory},
    domain::sla::{CoverageWindow, Target, check},
    error::FieldError,
    i18n::Lang,
    services::{
        PageRequest, Paged, Problems,
        error::{ServiceError, ServiceResult},
        listing::{self, Sort, SortColumn},
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

/// An SLA as listed: with its provider's code and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaRow {
    /// The SLA.
    #[serde(flatten)]
    pub sla: SlaView,
    /// Its provider.
    pub provider: OrgRef,
}

/// Filters, sort and paging of the SLA list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SlaFilter {
    /// Only this provider's.
    #[param(example = 4)]
    pub provider: Option<i64>,
    /// Only those that pause (`true`) or not (`false`) during announced maintenance.
    #[param(example = true)]
    pub pause: Option<bool>,
    /// `name` (default), `provider`, `zone`, `pause`, or the same with `-` for the other order.
    #[param(example = "provider")]
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file (the API also answers CSV to `Accept: text/csv`).
    #[param(example = "csv")]
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    #[param(example = ",")]
    pub sep: Option<String>,
    /// Page number, from 1.
    #[param(example = 1)]
    pub page: Option<u64>,
    /// Items per page, up to 200.
    #[param(example = 50)]
    pub per_page: Option<u64>,
}

impl SlaFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("provider", self.provider.map(|p| p.to_string())),
            ("pause", self.pause.map(|p| p.to_string())),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the SLA list sorts by (not the targets: a count of a JSON list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaColumn {
    /// Name.
    Name,
    /// The provider's name.
    Provider,
    /// Time zone.
    Zone,
    /// Whether the clocks pause during maintenance.
    Pause,
}

impl SortColumn for SlaColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("name", Self::Name),
        ("provider", Self::Provider),
        ("zone", Self::Zone),
        ("pause", Self::Pause),
    ];

    fn key(self) -> SimpleExpr {
        match self {
            Self::Name => Expr::col((sla::Entity, sla::Column::Name)),
            Self::Provider => listing::organisation_name(sla::Entity, sla::Column::ProviderId),
            Self::Zone => Expr::col((sla::Entity, sla::Column::TimeZone)),
            Self::Pause => Expr::col((sla::Entity, sla::Column::PauseDuringMaintenance)),
        }
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 6] = [
    "directory-sla-name",
    "convention-provider",
    "sla-time-zone",
    "sla-always-choice",
    "sla-targets",
    "directory-sla-pause",
];

/// The SLAs the caller reads with the list's filters, in the order asked.
fn filtered<C: Handle>(ctx: &Ctx<C>, filter: &SlaFilter) -> ServiceResult<Select<sla::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), SlaColumn::Name)?;
    let mut query = ctx.find::<sla::Entity>();
    if let Some(provider) = filter.provider {
        query = query.filter(sla::Column::ProviderId.eq(provider));
    }
    if let Some(pause) = filter.pause {
        query = query.filter(sla::Column::PauseDuringMaintenance.eq(pause));
    }
    Ok(sort.apply(query, sla::Column::Id))
}

/// A chunk of SLAs with their providers, named in one query (a public label).
async fn rows<C: Handle>(ctx: &Ctx<C>, chunk: Vec<sla::Model>) -> ServiceResult<Vec<SlaRow>> {
    let providers =
        directory::organisations(ctx, chunk.iter().map(|s| s.provider_id).collect::<Vec<_>>())
            .await?;
    Ok(chunk
        .into_iter()
        .map(|s| {
            let provider = providers
                .iter()
                .find(|p| p.id == s.provider_id)
                .map_or_else(
                    || OrgRef {
                        id: s.provider_id,
                        code: String::new(),
                        name: String::new(),
                    },
                    |p| OrgRef {
                        id: p.id,
                        code: p.code.clone(),
                        name: p.name.clone(),
                    },
                );
            SlaRow {
                sla: s.into(),
                provider,
            }
        })
        .collect())
}

/// The SLAs the caller reads, filtered, sorted (by name unless asked otherwise) and paged.
pub async fn listed<C: Handle>(ctx: &Ctx<C>, filter: &SlaFilter) -> ServiceResult<Paged<SlaRow>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let found = listing::page_of(ctx, filtered(ctx, filter)?, page).await?;
    Ok(Paged {
        items: rows(ctx, found.items).await?,
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// One SLA's cells, in the reader's language.
fn cells(row: &SlaRow, lang: Lang) -> Vec<String> {
    let yes_no = |b: bool| lang.t(if b { "directory-yes" } else { "directory-no" });
    vec![
        row.sla.name.clone(),
        row.provider.name.clone(),
        row.sla.coverage_window.time_zone.clone(),
        yes_no(row.sla.coverage_window.round_the_clock),
        row.sla.targets.len().to_string(),
        yes_no(row.sla.pause_during_maintenance),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub fn export(
    ctx: Ctx,
    filter: &SlaFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let query = filtered(&ctx, filter)?;
    listing::export(
        ctx,
        query,
        sheet,
        &HEADERS,
        Box::new(|ctx, chunk| {
            Box::pin(async move {
                let lang = ctx.caller().language;
                Ok(rows(ctx, chunk)
                    .await?
                    .iter()
                    .map(|r| cells(r, lang))
                    .collect())
            })
        }),
    )
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
