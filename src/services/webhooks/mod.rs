//! Webhooks: endpoints that administrators and coordinators register for their organisation
//! (and its subtree) and some event kinds — the kinds of notifications; deliveries written with
//! the change (see [`events`]), sent by jobs with the Standard Webhooks signature (see
//! [`send`]), retried with back-off, logged attempt by attempt, and sent again on demand.

pub mod events;
pub mod send;
pub mod signing;
pub mod target;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::Ctx,
    jobs::queue,
    services::{
        error::{ServiceError, ServiceResult},
        notifications::Kind,
    },
};

/// Deliveries listed per endpoint, newest first.
const LOG_SIZE: u64 = 100;

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.univ-tln.fr/guichet", "kinds": ["received", "commented", "evolution"]}))]
pub struct EndpointInput {
    /// HTTPS address the events are posted to.
    pub url: String,
    /// The event kinds to send (the kinds of notifications). A payload's `type` says what
    /// happened: `ticket.<kind>`, `evolution.<state>` (the request's new state),
    /// `service_status.<event>` (a status, `major_incident`, `maintenance_planned`…) or
    /// `convention.expiring`.
    pub kinds: Vec<Kind>,
    /// The organisation whose events are sent (its subtree's too); default the caller's.
    #[serde(default)]
    pub organisation: Option<i64>,
}

/// An endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointView {
    /// Id.
    pub id: i64,
    /// The organisation whose events are sent.
    pub organisation: i64,
    /// Address.
    pub url: String,
    /// Event kinds sent.
    pub kinds: Vec<Kind>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The signing secret (`whsec_…`): given once, when the endpoint is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptView {
    /// When.
    pub at: DateTime<Utc>,
    /// HTTP status; none when no answer came.
    pub status: Option<i32>,
    /// Milliseconds until the answer.
    pub duration_ms: i64,
    /// The start of the answer, or the error.
    pub excerpt: String,
}

/// A delivery and its attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Id (to send it again).
    pub id: i64,
    /// The `webhook-id` header.
    pub event_id: String,
    /// Event kind.
    pub kind: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// The JSON sent.
    pub payload: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Attempts, oldest first.
    pub attempts: Vec<AttemptView>,
}

fn view(row: webhook_endpoint::Model, secret: Option<String>) -> EndpointView {
    EndpointView {
        id: row.id,
        organisation: row.organisation_id,
        url: row.url,
        kinds: serde_json::from_str(&row.kinds).unwrap_or_default(),
        created_at: row.created_at,
        secret,
    }
}

/// Registers an endpoint: administrators anywhere, coordinators for their subtree (403 for
/// other roles, 404 for an organisation beyond reach, 422 for an address that is not HTTPS or
/// no kind).
pub async fn create(
    ctx: &Ctx,
    input: EndpointInput,
    allow_loopback_http: bool,
) -> ServiceResult<EndpointView> {
    let scope = ctx.scope();
    if !scope.admin && scope.managed.is_empty() {
        return Err(ServiceError::forbidden(
            "webhook-admins-coordinators",
            vec![],
        ));
    }
    let organisation = input.organisation.unwrap_or(ctx.caller().organisation_id);
    if !scope.admin && !scope.managed.contains(&organisation) {
        return Err(ServiceError::NotFound);
    }
    // An administrator reaches every organisation, but only those that exist.
    if crate::db::directory::organisation_names(ctx, vec![organisation])
        .await?
        .is_empty()
    {
        return Err(ServiceError::NotFound);
    }
    let mut problems = crate::services::Problems::default();
    if !target::acceptable(&input.url, allow_loopback_http) || input.url.len() > 2000 {
        problems.rule("url", "webhook-url-https", vec![]);
    }
    if input.kinds.is_empty() {
        problems.rule("kinds", "webhook-kinds-required", vec![]);
    }
    problems.into_result()?;
    let mut kinds = input.kinds;
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let secret = signing::new_secret().map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))?;
    let row = webhook_endpoint::ActiveModel {
        organisation_id: Set(organisation),
        url: Set(input.url.trim().to_owned()),
        secret: Set(secret.clone()),
        kinds: Set(serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".to_owned())),
        active: Set(true),
        created_by: Set(ctx.caller().account_id),
        created_at: Set(ctx.now()),
        revision: Set(1),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(view(row, Some(secret)))
}

/// The endpoints the caller manages.
pub async fn list(ctx: &Ctx) -> ServiceResult<Vec<EndpointView>> {
    Ok(ctx
        .find::<webhook_endpoint::Entity>()
        .filter(webhook_endpoint::Column::Active.eq(true))
        .order_by_asc(webhook_endpoint::Column::Id)
        .limit(200)
        .all(ctx)
        .await?
        .into_iter()
        .map(|row| view(row, None))
        .collect())
}

/// Deletes an endpoint and its log (404 beyond reach).
pub async fn remove(ctx: &Ctx, id: i64) -> ServiceResult<()> {
    let deleted = ctx
        .delete_many::<webhook_endpoint::Entity>()
        .filter(webhook_endpoint::Column::Id.eq(id))
        .exec(ctx)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// An endpoint's latest deliveries with their attempts (404 beyond reach).
pub async fn deliveries(ctx: &Ctx, endpoint: i64) -> ServiceResult<Vec<DeliveryView>> {
    ctx.find::<webhook_endpoint::Entity>()
        .filter(webhook_endpoint::Column::Id.eq(endpoint))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = ctx
        .find::<webhook_delivery::Entity>()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LOG_SIZE)
        .all(ctx)
        .await?;
    with_attempts(ctx, rows).await
}

async fn with_attempts(
    ctx: &Ctx,
    rows: Vec<webhook_delivery::Model>,
) -> ServiceResult<Vec<DeliveryView>> {
    let mut attempts: HashMap<i64, Vec<AttemptView>> = HashMap::new();
    let found = ctx
        .find::<webhook_attempt::Entity>()
        .filter(webhook_attempt::Column::DeliveryId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(webhook_attempt::Column::Id)
        .all(ctx)
        .await?;
    for attempt in found {
        attempts
            .entry(attempt.delivery_id)
            .or_default()
            .push(AttemptView {
                at: attempt.attempted_at,
                status: attempt.status_code,
                duration_ms: attempt.duration_ms,
                excerpt: attempt.excerpt,
            });
    }
    Ok(rows
        .into_iter()
        .map(|row| DeliveryView {
            attempts: attempts.remove(&row.id).unwrap_or_default(),
            id: row.id,
            event_id: row.event_id,
            kind: row.kind,
            state: row.state,
            payload: row.payload,
            created_at: row.created_at,
        })
        .collect())
}

/// Sends a delivery again ("send again"): the same event, under the same `webhook-id`, so a
/// receiver that had it already can tell (404 beyond reach).
pub async fn resend(ctx: &Ctx, delivery: i64) -> ServiceResult<DeliveryView> {
    let row = ctx
        .find_writable::<webhook_delivery::Entity>()
        .filter(webhook_delivery::Column::Id.eq(delivery))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tx = ctx.begin().await?;
    tx.update_many::<webhook_delivery::Entity>()
        .col_expr(webhook_delivery::Column::State, Expr::value("pending"))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0))
        .filter(webhook_delivery::Column::Id.eq(row.id))
        .exec(&tx)
        .await?;
    queue::enqueue(&tx, ctx.now(), events::job(&row.event_id, ctx.now())).await?;
    tx.commit().await?;
    let fresh = ctx
        .find::<webhook_delivery::Entity>()
        .filter(webhook_delivery::Column::Id.eq(row.id))
        .all(ctx)
        .await?;
    with_attempts(ctx, fresh)
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}
