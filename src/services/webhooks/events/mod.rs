//! Webhook deliveries of the events people are notified of — tickets, evolution requests, an
//! offer's service status, conventions ending — written in the transaction of the change (like
//! the notifications' outbox). An event goes to the endpoints that asked for its kind and whose
//! organisation is one it is about (or one of their ancestors), and only when the endpoint's
//! owner reads what it is about: the payload never tells more than its owner may read.

mod deliver;

use entity::{convention, evolution, offer, ticket};
use serde::Serialize;

use self::deliver::{Event, Subject, deliver};
use crate::{
    db::{Ctx, Handle},
    domain::evolution::State,
    jobs::{Job, queue::NewJob},
    services::{
        error::{ServiceError, ServiceResult},
        notifications::Kind,
        status::Told,
    },
};

/// Attempts before a delivery is given up (about a day with the queue's back-off).
pub const MAX_ATTEMPTS: i32 = 8;

/// An event as a receiver gets it (Standard Webhooks' `type`, `timestamp`, `data`).
#[derive(Debug, Serialize)]
struct Payload<D> {
    r#type: String,
    timestamp: String,
    data: D,
}

/// What a ticket event tells.
#[derive(Debug, Serialize)]
struct TicketData<'a> {
    reference: &'a str,
    title: &'a str,
    status: String,
    detail: Option<&'a str>,
}

/// What an evolution request's step tells: the history's note and reason, which every reader
/// of the request reads, never who took the step.
#[derive(Debug, Serialize)]
struct EvolutionData<'a> {
    reference: &'a str,
    title: &'a str,
    state: &'static str,
    detail: Option<&'a str>,
}

/// What an offer's service status event tells, as the status page does.
#[derive(Debug, Serialize)]
struct StatusData<'a> {
    reference: &'a str,
    title: &'a str,
    status: &'static str,
    detail: Option<&'a str>,
    detail_en: Option<&'a str>,
}

/// What a convention's approaching end tells.
#[derive(Debug, Serialize)]
struct ConventionData<'a> {
    id: i64,
    title: &'a str,
    end_date: chrono::NaiveDate,
}

/// The JSON of an event of type `kind` at the change's instant.
fn body<C: Handle>(ctx: &Ctx<C>, kind: String, data: impl Serialize) -> ServiceResult<String> {
    serde_json::to_string(&Payload {
        r#type: kind,
        timestamp: ctx.now().to_rfc3339(),
        data,
    })
    .map_err(|e| ServiceError::Internal(e.into()))
}

/// Writes the deliveries of one ticket event (type `ticket.<kind>`), with their jobs, on the
/// change's transaction: for the ticket's organisation and its offer's provider.
pub async fn ticket_event<C: Handle>(
    ctx: &Ctx<C>,
    kind: Kind,
    ticket: &ticket::Model,
    detail: Option<&str>,
) -> ServiceResult<()> {
    ticket_events(ctx, kind, &[ticket], detail).await
}

/// Writes the deliveries of the same event on several tickets (a parent incident's word copied
/// to its children: the same few statements however many), as [`ticket_event`] does for one.
pub async fn ticket_events<C: Handle>(
    ctx: &Ctx<C>,
    kind: Kind,
    tickets: &[&ticket::Model],
    detail: Option<&str>,
) -> ServiceResult<()> {
    let events = tickets
        .iter()
        .map(|ticket| {
            let data = TicketData {
                reference: &ticket.reference,
                title: &ticket.title,
                status: sea_orm::ActiveEnum::to_value(&ticket.status),
                detail,
            };
            Ok(Event {
                subject: ticket.id,
                organisations: vec![ticket.organisation_id],
                offers: vec![ticket.offer_id],
                body: body(ctx, format!("ticket.{}", kind.as_str()), data)?,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    deliver(ctx, kind, Subject::Ticket, events).await
}

/// Writes the deliveries of requests taking a step (one request, or a release's items: the
/// same few statements), type `evolution.<state>`, with their jobs, on the step's transaction:
/// for each request's organisation and its offer's provider.
pub async fn evolution_events<C: Handle>(
    ctx: &Ctx<C>,
    rows: &[&evolution::Model],
    to: State,
    detail: Option<&str>,
) -> ServiceResult<()> {
    let events = rows
        .iter()
        .map(|row| {
            let data = EvolutionData {
                reference: &row.reference,
                title: &row.title,
                state: to.as_str(),
                detail,
            };
            Ok(Event {
                subject: row.id,
                organisations: vec![row.organisation_id],
                offers: vec![row.offer_id],
                body: body(ctx, format!("evolution.{}", to.as_str()), data)?,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    deliver(ctx, Kind::Evolution, Subject::Evolution, events).await
}

/// Writes the deliveries of an event on an offer's service status (type
/// `service_status.<event>`), with their jobs, on the change's transaction: for the offer's
/// provider and the organisations that subscribe to it (`subscribing`).
pub async fn status_event<C: Handle>(
    ctx: &Ctx<C>,
    offer: &offer::Model,
    subscribing: &[i64],
    told: &Told,
) -> ServiceResult<()> {
    let data = StatusData {
        reference: &offer.code,
        title: &offer.name,
        status: told.event,
        detail: Some(told.detail.as_str()).filter(|d| !d.is_empty()),
        detail_en: told.detail_en.as_deref(),
    };
    let event = Event {
        subject: offer.id,
        organisations: std::iter::once(offer.provider_id)
            .chain(subscribing.iter().copied())
            .collect(),
        offers: Vec::new(),
        body: body(ctx, format!("service_status.{}", told.event), data)?,
    };
    deliver(ctx, Kind::ServiceStatus, Subject::Offer, vec![event]).await
}

/// Writes the deliveries of a convention's approaching end (type `convention.expiring`), with
/// their jobs, on the warning's transaction: for its client and its provider.
pub async fn convention_event<C: Handle>(
    ctx: &Ctx<C>,
    row: &convention::Model,
) -> ServiceResult<()> {
    let data = ConventionData {
        id: row.id,
        title: &row.title,
        end_date: row.end_date,
    };
    let event = Event {
        subject: row.id,
        organisations: vec![row.client_id, row.provider_id],
        offers: Vec::new(),
        body: body(ctx, "convention.expiring".to_owned(), data)?,
    };
    deliver(
        ctx,
        Kind::ConventionExpiring,
        Subject::Convention,
        vec![event],
    )
    .await
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
