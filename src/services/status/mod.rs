//! Service status of offers: set from the offer's provider side, kept as a history, shown to
//! every subscriber, and told to each contact of each subscribing organisation once per event
//! (through the outbox, in the transaction of the change). Major incidents ([`major`]) and
//! planned maintenance ([`maintenance`]) are told the same way, and all three can be followed
//! from one's own tools through a personal Atom feed ([`feed`]); the history gives the availability
//! per month ([`availability`](mod@availability)).

pub mod availability;
pub mod feed;
pub mod maintenance;
pub mod major;

pub use availability::{MonthAvailability, availability};

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{account, account_role, convention, convention_offer, offer, service_status};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access::Scope,
    db::{Ctx, Handle},
    domain::service_status::ServiceState,
    services::{
        MAX_PER_PAGE, Problems,
        catalogue::today,
        error::{ServiceError, ServiceResult},
        notifications::{self, Kind, MailData},
    },
};

/// Longest status message, in characters.
const MESSAGE_MAX: usize = 2000;

/// A new status for an offer, with its public message in French (and optionally English).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "degraded", "message": "Envois retardés d'environ 15 minutes chez l'opérateur.", "message_en": "Sending delayed by about 15 minutes at the operator."}))]
pub struct StatusInput {
    /// The new status.
    pub status: ServiceState,
    /// What subscribers are told, in French.
    pub message: String,
    /// The same in English, if given.
    #[serde(default)]
    pub message_en: Option<String>,
}

/// An offer's service status as its readers see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OfferServiceStatus)]
pub struct OfferStatus {
    /// The offer's code.
    pub code: String,
    /// The offer's name.
    pub name: String,
    /// The current status (operational when never set).
    pub status: ServiceState,
    /// The public message, in French.
    pub message: Option<String>,
    /// The public message, in English, if given.
    pub message_en: Option<String>,
    /// Since when (none: never set).
    pub since: Option<DateTime<Utc>>,
    /// Whether the reader stands on the offer's provider side (may change its status).
    pub provider_side: bool,
    /// Ongoing major incidents.
    pub major_incidents: Vec<major::MajorView>,
    /// Maintenance windows published and not ended.
    pub maintenance: Vec<maintenance::WindowView>,
}

/// One period of the status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusPeriod {
    /// The status.
    pub status: ServiceState,
    /// Its message, in French.
    pub message: String,
    /// Its message, in English, if given.
    pub message_en: Option<String>,
    /// Since when.
    pub started_at: DateTime<Utc>,
    /// Until when (none: still).
    pub ended_at: Option<DateTime<Utc>>,
}

/// Whether the scope stands on the provider side of `row`: agents of the teams that deliver it,
/// coordinators of its provider, administrators.
pub fn provides(scope: &Scope, row: &offer::Model) -> bool {
    scope.admin
        || scope.delivered_offers.contains(&row.id)
        || scope.managed.contains(&row.provider_id)
}

/// An offer the caller reads, by code (404 otherwise).
pub async fn offer_by_code<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<offer::Model> {
    ctx.find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// An offer the caller reads, by id (404 otherwise).
pub async fn offer_by_id<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<offer::Model> {
    ctx.find::<offer::Entity>()
        .filter(offer::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The codes of the offers the caller reads among `ids`.
pub async fn codes<C: Handle>(ctx: &Ctx<C>, ids: &[i64]) -> ServiceResult<HashMap<i64, String>> {
    Ok(ctx
        .find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(ctx)
        .await?
        .into_iter()
        .collect())
}

/// An offer whose provider side the caller stands on: 404 when it does not read it, 403 when it
/// reads it from the subscriber's side only.
pub async fn provided<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<offer::Model> {
    let row = offer_by_code(ctx, code).await?;
    if !provides(ctx.scope(), &row) {
        return Err(ServiceError::forbidden("status-provider-only", vec![]));
    }
    Ok(row)
}

/// A checked message and its optional English version.
fn messages(
    problems: &mut Problems,
    message: &str,
    message_en: Option<&str>,
) -> (String, Option<String>) {
    let message = crate::services::required_text(problems, "message", message, MESSAGE_MAX);
    let message_en = message_en.map(str::trim).filter(|m| !m.is_empty());
    if message_en.is_some_and(|m| m.chars().count() > MESSAGE_MAX) {
        problems.rule(
            "message_en",
            "field-too-long",
            vec![("max", MESSAGE_MAX.to_string())],
        );
    }
    (message, message_en.map(str::to_owned))
}

/// Sets an offer's status (provider side only), keeps the history, and tells the subscribers.
pub async fn set(ctx: &Ctx, code: &str, input: StatusInput) -> ServiceResult<OfferStatus> {
    let row = provided(ctx, code).await?;
    let mut problems = Problems::default();
    let (message, message_en) =
        messages(&mut problems, &input.message, input.message_en.as_deref());
    problems.into_result()?;
    let tx = ctx.begin().await?;
    let change = Change {
        state: input.status,
        message: message.clone(),
        message_en: message_en.clone(),
        maintenance_id: None,
    };
    record(&tx, &row, change).await?;
    let told = Told {
        event: input.status.as_str(),
        detail: message,
        detail_en: message_en,
    };
    tell(&tx, &row, told).await?;
    tx.commit().await?;
    of_offer(ctx, code).await
}

/// A new status period.
pub struct Change {
    /// The status.
    pub state: ServiceState,
    /// Its message, in French.
    pub message: String,
    /// Its message, in English.
    pub message_en: Option<String>,
    /// The maintenance window that set it, if one did.
    pub maintenance_id: Option<i64>,
}

/// Ends the current period of `row` and opens the new one, at the context's instant. The end is
/// a compare-and-set on the period read, and the new period takes the offer's one unique
/// "current" slot: a concurrent change in between, or a concurrent first status, is a 409.
pub async fn record<C: Handle>(
    tx: &Ctx<C>,
    row: &offer::Model,
    change: Change,
) -> ServiceResult<()> {
    let now = tx.now();
    if let Some(current) = current(tx, &[row.id]).await?.remove(&row.id) {
        let ended = tx
            .update_many::<service_status::Entity>()
            .col_expr(service_status::Column::EndedAt, Expr::value(now))
            .col_expr(
                service_status::Column::CurrentOfferId,
                Expr::value(Option::<i64>::None),
            )
            .filter(service_status::Column::Id.eq(current.id))
            .filter(service_status::Column::EndedAt.is_null())
            .exec(tx)
            .await?;
        if ended.rows_affected == 0 {
            return Err(ServiceError::stale());
        }
    }
    let set_by = Some(tx.caller().account_id).filter(|id| *id != 0);
    // The offer was checked writable for this caller just above (or the platform acts).
    service_status::Entity::insert(service_status::ActiveModel {
        offer_id: Set(row.id),
        status: Set(change.state.into()),
        message: Set(change.message),
        message_en: Set(change.message_en),
        set_by: Set(set_by),
        maintenance_id: Set(change.maintenance_id),
        started_at: Set(now),
        ended_at: Set(None),
        current_offer_id: Set(Some(row.id)),
        ..Default::default()
    })
    .exec_without_returning(tx)
    .await
    .map_err(|err| {
        if crate::db::is_unique_violation(&err) {
            ServiceError::stale()
        } else {
            err.into()
        }
    })?;
    Ok(())
}

/// The current period of each of `offers` that has one (and that the caller reads).
pub async fn current<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[i64],
) -> ServiceResult<HashMap<i64, service_status::Model>> {
    Ok(ctx
        .find::<service_status::Entity>()
        .filter(service_status::Column::OfferId.is_in(offers.iter().copied()))
        .filter(service_status::Column::EndedAt.is_null())
        .order_by_asc(service_status::Column::Id)
        .all(ctx)
        .await?
        .into_iter()
        .map(|row| (row.offer_id, row))
        .collect())
}

/// The status of every offer the caller reads (subscribes to, provides, or oversees).
pub async fn board<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<OfferStatus>> {
    let rows = ctx
        .find::<offer::Entity>()
        .order_by_asc(offer::Column::Code)
        .limit(MAX_PER_PAGE)
        .all(ctx)
        .await?;
    statuses(ctx, rows).await
}

/// The status of one offer the caller reads.
pub async fn of_offer<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<OfferStatus> {
    let row = offer_by_code(ctx, code).await?;
    statuses(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

async fn statuses<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<offer::Model>,
) -> ServiceResult<Vec<OfferStatus>> {
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let mut periods = current(ctx, &ids).await?;
    let mut majors = major::ongoing(ctx, &ids).await?;
    let mut windows = maintenance::upcoming(ctx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let period = periods.remove(&row.id);
            OfferStatus {
                provider_side: provides(ctx.scope(), &row),
                status: period
                    .as_ref()
                    .map_or(ServiceState::Operational, |p| p.status.into()),
                message: period
                    .as_ref()
                    .map(|p| p.message.clone())
                    .filter(|m| !m.is_empty()),
                message_en: period.as_ref().and_then(|p| p.message_en.clone()),
                since: period.as_ref().map(|p| p.started_at),
                major_incidents: majors.remove(&row.id).unwrap_or_default(),
                maintenance: windows.remove(&row.id).unwrap_or_default(),
                code: row.code,
                name: row.name,
            }
        })
        .collect())
}

/// The status history of an offer the caller reads, newest first (the last 100 periods).
pub async fn history<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<Vec<StatusPeriod>> {
    let row = offer_by_code(ctx, code).await?;
    Ok(ctx
        .find::<service_status::Entity>()
        .filter(service_status::Column::OfferId.eq(row.id))
        .order_by_desc(service_status::Column::Id)
        .limit(100)
        .all(ctx)
        .await?
        .into_iter()
        .map(|p| StatusPeriod {
            status: p.status.into(),
            message: p.message,
            message_en: p.message_en,
            started_at: p.started_at,
            ended_at: p.ended_at,
        })
        .collect())
}

/// What subscribers are told of an event on an offer.
pub struct Told {
    /// The event's word: a status, `major_incident`, `maintenance_planned`…
    pub event: &'static str,
    /// The message, in French.
    pub detail: String,
    /// The message, in English.
    pub detail_en: Option<String>,
}

/// Tells every contact of every subscriber of `row` of an event, once each, through the outbox
/// (minus those who muted service status mail), and the webhooks that asked for it, in the
/// change's transaction.
pub async fn tell<C: Handle>(tx: &Ctx<C>, row: &offer::Model, told: Told) -> ServiceResult<()> {
    let organisations = subscribing(tx, row.id).await?;
    crate::services::webhooks::events::status_event(tx, row, &organisations, &told).await?;
    let people = contacts_of(tx, organisations).await?;
    let data = MailData {
        kind: Kind::ServiceStatus,
        reference: row.code.clone(),
        title: row.name.clone(),
        path: "/status".to_owned(),
        actor: None,
        detail: Some(told.detail).filter(|d| !d.is_empty()),
        detail_en: told.detail_en,
        status: Some(told.event.to_owned()),
        // Service status is told at once, whatever the digests.
        offer: None,
    };
    notifications::notify(tx, people, &data).await
}

/// The organisations that subscribe to an offer today: a usage convention in force, held by
/// the organisation or one above it.
async fn subscribing<C: Handle>(ctx: &Ctx<C>, offer_id: i64) -> ServiceResult<Vec<i64>> {
    let today = today(ctx.now());
    // The platform tells the subscribers of an offer of its status whoever changes it: their
    // conventions and organisations are not the actor's to read.
    let platform = ctx.as_platform();
    let holders: Vec<i64> = platform
        .find::<convention::Entity>()
        .select_only()
        .column(convention::Column::ClientId)
        .filter(convention::Column::Kind.eq(convention::ConventionKind::Usage))
        .filter(convention::Column::Status.eq(convention::ConventionStatus::Production))
        .filter(convention::Column::StartDate.lte(today))
        .filter(convention::Column::EndDate.gte(today))
        .filter(
            convention::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(convention_offer::Column::ConventionId)
                    .from(convention_offer::Entity)
                    .and_where(convention_offer::Column::OfferId.eq(offer_id))
                    .to_owned(),
            ),
        )
        .distinct()
        .into_tuple::<i64>()
        .all(&platform)
        .await?;
    // A convention held higher up covers the organisations below: their subtrees, in one query.
    crate::auth::organisation_subtrees(&platform, &holders).await
}

/// The active contacts of some organisations (those subscribing to an offer).
async fn contacts_of<C: Handle>(
    ctx: &Ctx<C>,
    organisations: Vec<i64>,
) -> ServiceResult<BTreeSet<i64>> {
    // The platform tells them: their accounts are not the actor's to read.
    let platform = ctx.as_platform();
    Ok(platform
        .find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::OrganisationId.is_in(organisations))
        .filter(account::Column::Active.eq(true))
        .filter(
            account::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(account_role::Column::AccountId)
                    .from(account_role::Entity)
                    .and_where(account_role::Column::Role.eq(account_role::AccountRole::Contact))
                    .to_owned(),
            ),
        )
        .into_tuple::<i64>()
        .all(ctx)
        .await?
        .into_iter()
        .collect())
}
