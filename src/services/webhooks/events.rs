//! Webhook deliveries of ticket events, written in the transaction of the change (like the
//! notifications' outbox), one per endpoint that asked for the kind and whose organisation is
//! the ticket's or its offer's provider's (or one of their ancestors). An endpoint's owner must
//! read the ticket, or nothing is sent: the payload never tells more than its owner may read.

use std::sync::Arc;

use entity::{ticket, webhook_delivery, webhook_endpoint};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::{
    auth::{load_caller, organisation_ancestors},
    db::{Ctx, Handle, directory},
    jobs::{
        Job,
        queue::{self, NewJob},
    },
    services::{error::ServiceResult, notifications::Kind},
};

/// Attempts before a delivery is given up (about a day with the queue's back-off).
pub const MAX_ATTEMPTS: i32 = 8;

/// A ticket event as a receiver gets it (Standard Webhooks' `type`, `timestamp`, `data`).
#[derive(Debug, Serialize)]
struct Payload<'a> {
    r#type: String,
    timestamp: String,
    data: TicketData<'a>,
}

#[derive(Debug, Serialize)]
struct TicketData<'a> {
    reference: &'a str,
    title: &'a str,
    status: String,
    detail: Option<&'a str>,
}

/// Writes the deliveries of one ticket event, with their jobs, on the change's transaction.
pub async fn ticket_event<C: Handle>(
    ctx: &Ctx<C>,
    kind: Kind,
    ticket: &ticket::Model,
    detail: Option<&str>,
) -> ServiceResult<()> {
    let provider = directory::provider_of(ctx, ticket.offer_id).await?;
    let mut organisations = organisation_ancestors(ctx, ticket.organisation_id).await?;
    organisations.extend(organisation_ancestors(ctx, provider).await?);
    // The platform finds the endpoints concerned: they are seldom the actor's to read.
    let platform = ctx.as_platform();
    let endpoints = platform
        .find::<webhook_endpoint::Entity>()
        .filter(webhook_endpoint::Column::Active.eq(true))
        .filter(webhook_endpoint::Column::OrganisationId.is_in(organisations))
        .all(&platform)
        .await?;
    // The kind is read from the rows; the owner's reach is asked once per owner, however many
    // endpoints they registered.
    let wanted: Vec<webhook_endpoint::Model> = endpoints
        .into_iter()
        .filter(|endpoint| {
            serde_json::from_str::<Vec<Kind>>(&endpoint.kinds)
                .unwrap_or_default()
                .contains(&kind)
        })
        .collect();
    let mut reads: std::collections::BTreeMap<i64, bool> = std::collections::BTreeMap::new();
    for owner in wanted.iter().map(|e| e.created_by) {
        if let std::collections::btree_map::Entry::Vacant(slot) = reads.entry(owner) {
            slot.insert(owner_reads(ctx, owner, ticket.id).await?);
        }
    }
    let mut rows = Vec::new();
    for endpoint in wanted {
        if !reads.get(&endpoint.created_by).copied().unwrap_or(false) {
            continue;
        }
        let payload = Payload {
            r#type: format!("ticket.{}", kind.as_str()),
            timestamp: ctx.now().to_rfc3339(),
            data: TicketData {
                reference: &ticket.reference,
                title: &ticket.title,
                status: sea_orm::ActiveEnum::to_value(&ticket.status),
                detail,
            },
        };
        let body = serde_json::to_string(&payload)
            .map_err(|e| crate::services::error::ServiceError::Internal(e.into()))?;
        let event_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        rows.push((
            event_id.clone(),
            webhook_delivery::ActiveModel {
                endpoint_id: Set(endpoint.id),
                event_id: Set(event_id),
                kind: Set(kind.as_str().to_owned()),
                payload: Set(body),
                state: Set("pending".to_owned()),
                attempts: Set(0),
                created_at: Set(ctx.now()),
                ..Default::default()
            },
        ));
    }
    if rows.is_empty() {
        return Ok(());
    }
    let jobs = rows
        .iter()
        .map(|(event_id, _)| job(event_id, ctx.now()))
        .collect();
    webhook_delivery::Entity::insert_many(rows.into_iter().map(|(_, row)| row))
        .exec_without_returning(ctx)
        .await?;
    queue::enqueue_many(ctx, ctx.now(), jobs).await
}

/// The job that sends a delivery.
pub fn job(event_id: &str, now: chrono::DateTime<chrono::Utc>) -> NewJob {
    NewJob {
        job: Job::Webhook {
            event_id: event_id.to_owned(),
        },
        run_at: now,
        dedupe_key: None,
        max_attempts: MAX_ATTEMPTS,
    }
}

/// Whether the endpoint's owner (still active) reads the ticket, through its own scope.
async fn owner_reads<C: Handle>(ctx: &Ctx<C>, owner: i64, ticket_id: i64) -> ServiceResult<bool> {
    let Some(caller) = load_caller(ctx, owner, None).await? else {
        return Ok(false);
    };
    let as_owner = ctx.acting_as(Arc::new(caller));
    Ok(as_owner
        .find::<ticket::Entity>()
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(&as_owner)
        .await?
        .is_some())
}
