//! What every webhook event shares: the active endpoints that asked for its kind and whose
//! organisation is one the event is about, the provider of an offer it is about, or one of their
//! ancestors (found in one statement); the reach of each endpoint's owner (asked once per owner,
//! for all the events at once); and a delivery with its job per endpoint that may hear of it,
//! written on the change's transaction.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use entity::{convention, evolution, offer, ticket, webhook_delivery, webhook_endpoint};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    auth::load_caller,
    db::{
        Ctx, Handle,
        webhook_reach::{self, Via},
    },
    jobs::queue,
    services::{error::ServiceResult, notifications::Kind},
};

/// What an event is about, which an endpoint's owner must read for the endpoint to hear of it.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    /// A ticket.
    Ticket,
    /// An evolution request.
    Evolution,
    /// An offer (its service status).
    Offer,
    /// A convention.
    Convention,
}

/// One event to deliver.
#[derive(Debug)]
pub struct Event {
    /// The id of the ticket, request, offer or convention it is about.
    pub subject: i64,
    /// The organisations it is about: their endpoints and their ancestors' hear of it.
    pub organisations: Vec<i64>,
    /// The offers it is about: their providers' endpoints and their ancestors' hear of it.
    pub offers: Vec<i64>,
    /// The JSON sent, the same to every endpoint.
    pub body: String,
}

impl Event {
    /// Whether an endpoint reached this way hears of this event.
    fn reaches(&self, via: Via) -> bool {
        match via {
            Via::Organisation(id) => self.organisations.contains(&id),
            Via::OfferProvider(id) => self.offers.contains(&id),
        }
    }
}

/// Writes the deliveries of some events of one kind, with their jobs, on the change's
/// transaction.
pub async fn deliver<C: Handle>(
    ctx: &Ctx<C>,
    kind: Kind,
    subject: Subject,
    events: Vec<Event>,
) -> ServiceResult<()> {
    let organisations: BTreeSet<i64> = events
        .iter()
        .flat_map(|event| event.organisations.iter().copied())
        .collect();
    let offers: BTreeSet<i64> = events
        .iter()
        .flat_map(|event| event.offers.iter().copied())
        .collect();
    let reached = webhook_reach::endpoints_above(
        ctx,
        &organisations.into_iter().collect::<Vec<_>>(),
        &offers.into_iter().collect::<Vec<_>>(),
    )
    .await?;
    // The endpoints each event reaches, once each however many ways it reached them.
    let concerned: Vec<BTreeSet<i64>> = events
        .iter()
        .map(|event| {
            reached
                .iter()
                .filter(|(via, endpoint)| event.reaches(*via) && wants(endpoint, kind))
                .map(|(_, endpoint)| endpoint.id)
                .collect()
        })
        .collect();
    let mut wanted: BTreeSet<i64> = concerned.iter().flatten().copied().collect();
    let endpoints: Vec<webhook_endpoint::Model> = reached
        .into_iter()
        .filter_map(|(_, endpoint)| wanted.remove(&endpoint.id).then_some(endpoint))
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    // The owner's reach is asked once per owner, however many endpoints they registered and
    // however many events there are.
    let subjects: Vec<i64> = events.iter().map(|event| event.subject).collect();
    let owners: BTreeSet<i64> = endpoints.iter().map(|e| e.created_by).collect();
    let mut reads: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for owner in owners {
        reads.insert(owner, readable(ctx, owner, subject, &subjects).await?);
    }
    let mut rows = Vec::new();
    for (event, concerned) in events.iter().zip(&concerned) {
        for endpoint in &endpoints {
            let owner_reads = reads
                .get(&endpoint.created_by)
                .is_some_and(|read| read.contains(&event.subject));
            if !owner_reads || !concerned.contains(&endpoint.id) {
                continue;
            }
            let event_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
            rows.push((
                event_id.clone(),
                webhook_delivery::ActiveModel {
                    endpoint_id: Set(endpoint.id),
                    event_id: Set(event_id),
                    kind: Set(kind.as_str().to_owned()),
                    payload: Set(event.body.clone()),
                    state: Set("pending".to_owned()),
                    attempts: Set(0),
                    created_at: Set(ctx.now()),
                    ..Default::default()
                },
            ));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let jobs = rows
        .iter()
        .map(|(event_id, _)| super::job(event_id, ctx.now()))
        .collect();
    webhook_delivery::Entity::insert_many(rows.into_iter().map(|(_, row)| row))
        .exec_without_returning(ctx)
        .await?;
    queue::enqueue_many(ctx, ctx.now(), jobs).await
}

/// Whether an endpoint asked for a kind (its kinds are stored as a JSON list of words).
fn wants(endpoint: &webhook_endpoint::Model, kind: Kind) -> bool {
    serde_json::from_str::<Vec<Kind>>(&endpoint.kinds)
        .unwrap_or_default()
        .contains(&kind)
}

/// Which of `ids` the endpoint's owner (still active) reads, through its own scope, in one
/// query.
async fn readable<C: Handle>(
    ctx: &Ctx<C>,
    owner: i64,
    subject: Subject,
    ids: &[i64],
) -> ServiceResult<BTreeSet<i64>> {
    let Some(caller) = load_caller(ctx, owner, None).await? else {
        return Ok(BTreeSet::new());
    };
    let as_owner = ctx.acting_as(Arc::new(caller));
    let ids = ids.iter().copied();
    let found: Vec<i64> = match subject {
        Subject::Ticket => {
            as_owner
                .find::<ticket::Entity>()
                .select_only()
                .column(ticket::Column::Id)
                .filter(ticket::Column::Id.is_in(ids))
                .into_tuple()
                .all(&as_owner)
                .await?
        }
        Subject::Evolution => {
            as_owner
                .find::<evolution::Entity>()
                .select_only()
                .column(evolution::Column::Id)
                .filter(evolution::Column::Id.is_in(ids))
                .into_tuple()
                .all(&as_owner)
                .await?
        }
        Subject::Offer => {
            as_owner
                .find::<offer::Entity>()
                .select_only()
                .column(offer::Column::Id)
                .filter(offer::Column::Id.is_in(ids))
                .into_tuple()
                .all(&as_owner)
                .await?
        }
        Subject::Convention => {
            as_owner
                .find::<convention::Entity>()
                .select_only()
                .column(convention::Column::Id)
                .filter(convention::Column::Id.is_in(ids))
                .into_tuple()
                .all(&as_owner)
                .await?
        }
    };
    Ok(found.into_iter().collect())
}
