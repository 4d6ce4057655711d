//! Major incidents: an incident declared major becomes the master of an outage on its offer.
//! Subscribers see it first when they file on the offer and join it with one click: that files a
//! child incident for their establishment, linked to the master. The master's public log is
//! copied to its children and its solution resolves them (see `services::tickets`); the
//! declaration ends when the master is resolved.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{major_incident, ticket};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Told, provides, tell};
use crate::{
    db::{Ctx, Handle},
    domain::priority::{Impact, Urgency},
    services::{
        error::{ServiceError, ServiceResult},
        tickets::{self, NewTicket, Origin, TicketView, log::OPEN},
    },
};

/// A major incident as its readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MajorView {
    /// Its id (what one joins).
    pub id: i64,
    /// The offer's code.
    pub offer: String,
    /// The master's title.
    pub title: String,
    /// The master's reference, for those who read it (the provider side).
    pub master: Option<String>,
    /// When it was declared.
    pub declared_at: DateTime<Utc>,
    /// When it ended (the master resolved).
    pub ended_at: Option<DateTime<Utc>>,
    /// The caller's establishment's own incident linked to it, if it joined.
    pub joined_as: Option<String>,
}

/// An establishment that joined a major incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct Affected {
    /// The establishment's name.
    pub organisation: String,
    /// Its child incident.
    pub reference: String,
    /// When it joined.
    pub joined_at: DateTime<Utc>,
    /// The child's status.
    pub status: crate::domain::lifecycle::Status,
}

/// Declares an open incident major (provider side of its offer): it becomes the master, and
/// every subscriber contact is told. A second declaration is a 409.
pub async fn declare(ctx: &Ctx, reference: &str) -> ServiceResult<MajorView> {
    let master = tickets::row(ctx, reference).await?;
    let offer = super::offer_by_id(ctx, master.offer_id).await?;
    if !provides(ctx.scope(), &offer) {
        return Err(ServiceError::forbidden("status-provider-only", vec![]));
    }
    if master.kind != ticket::Kind::Incident
        || master.parent_id.is_some()
        || !OPEN.contains(&master.status)
    {
        return Err(ServiceError::conflict(
            "major-not-open-incident",
            vec![],
            serde_json::json!({}),
        ));
    }
    if find(ctx, master.id).await?.is_some() {
        return Err(ServiceError::conflict(
            "major-already",
            vec![],
            serde_json::json!({}),
        ));
    }
    let tx = ctx.begin().await?;
    // The offer was checked to be on the caller's provider side just above.
    let row = major_incident::Entity::insert(major_incident::ActiveModel {
        ticket_id: Set(master.id),
        offer_id: Set(master.offer_id),
        title: Set(master.title.clone()),
        subcategory_id: Set(master.subcategory_id),
        module: Set(master.module.clone()),
        affected_version: Set(master.affected_version.clone()),
        environment: Set(master.environment.clone()),
        page_url: Set(master.page_url.clone()),
        event_at: Set(master.event_at.unwrap_or(ctx.now())),
        declared_by: Set(Some(ctx.caller().account_id)),
        declared_at: Set(ctx.now()),
        ended_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&tx)
    .await?;
    let told = Told {
        event: "major_incident",
        detail: master.title.clone(),
        detail_en: None,
    };
    tell(&tx, &offer, told).await?;
    tx.commit().await?;
    Ok(view(row, &offer.code, Some(master.reference), None))
}

fn view(
    row: major_incident::Model,
    offer: &str,
    master: Option<String>,
    joined_as: Option<String>,
) -> MajorView {
    MajorView {
        id: row.id,
        offer: offer.to_owned(),
        title: row.title,
        master,
        declared_at: row.declared_at,
        ended_at: row.ended_at,
        joined_as,
    }
}

/// The major incident a ticket is the master of, if the caller reads it.
async fn find<C: Handle>(
    ctx: &Ctx<C>,
    ticket_id: i64,
) -> ServiceResult<Option<major_incident::Model>> {
    Ok(ctx
        .find::<major_incident::Entity>()
        .filter(major_incident::Column::TicketId.eq(ticket_id))
        .one(ctx)
        .await?)
}

/// The ongoing major incidents of some offers, by offer, with the caller's own child if its
/// establishment joined.
pub async fn ongoing<C: Handle>(
    ctx: &Ctx<C>,
    offers: &[i64],
) -> ServiceResult<HashMap<i64, Vec<MajorView>>> {
    let rows = ctx
        .find::<major_incident::Entity>()
        .filter(major_incident::Column::OfferId.is_in(offers.iter().copied()))
        .filter(major_incident::Column::EndedAt.is_null())
        .order_by_desc(major_incident::Column::DeclaredAt)
        .all(ctx)
        .await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let masters: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    // What the caller reads of the masters and of the children of its establishment.
    let read = ctx
        .find::<ticket::Entity>()
        .filter(
            sea_orm::Condition::any()
                .add(ticket::Column::Id.is_in(masters.clone()))
                .add(
                    sea_orm::Condition::all()
                        .add(ticket::Column::ParentId.is_in(masters))
                        .add(ticket::Column::OrganisationId.eq(ctx.caller().organisation_id)),
                ),
        )
        .all(ctx)
        .await?;
    let codes: HashMap<i64, String> = super::codes(ctx, offers).await?;
    let mut by_offer: HashMap<i64, Vec<MajorView>> = HashMap::new();
    for row in rows {
        let master = read
            .iter()
            .find(|t| t.id == row.ticket_id)
            .map(|t| t.reference.clone());
        let joined = read
            .iter()
            .find(|t| {
                t.parent_id == Some(row.ticket_id)
                    && t.organisation_id == ctx.caller().organisation_id
            })
            .map(|t| t.reference.clone());
        let code = codes.get(&row.offer_id).cloned().unwrap_or_default();
        by_offer
            .entry(row.offer_id)
            .or_default()
            .push(view(row, &code, master, joined));
    }
    Ok(by_offer)
}

/// Joins a major incident for the caller's establishment: files a child incident under the
/// master's subcategory (through the filing rule), linked to the master. An establishment that
/// joined already gets its own child back.
pub async fn join(ctx: &Ctx, id: i64) -> ServiceResult<TicketView> {
    let major = ctx
        .find::<major_incident::Entity>()
        .filter(major_incident::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if major.ended_at.is_some() {
        return Err(ServiceError::conflict(
            "major-ended",
            vec![],
            serde_json::json!({}),
        ));
    }
    let own = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::ParentId.eq(major.ticket_id))
        .filter(ticket::Column::OrganisationId.eq(ctx.caller().organisation_id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .one(ctx)
        .await?;
    if let Some(own) = own {
        return tickets::get(ctx, &own.reference).await;
    }
    let new = NewTicket {
        subcategory: major.subcategory_id,
        title: major.title.clone(),
        description: major.title.clone(),
        impact: Impact::Establishment,
        urgency: Urgency::High,
        visibility: None,
        module: major.module.clone(),
        affected_version: major.affected_version.clone(),
        environment: major.environment.clone(),
        page_url: major.page_url.clone(),
        event_at: Some(major.event_at),
        people_affected: None,
        requester: None,
    };
    let filed = tickets::create(ctx, new, Origin::Portal).await?;
    let child = tickets::row(ctx, &filed.reference).await?;
    let tx = ctx.begin().await?;
    tx.update_many::<ticket::Entity>()
        .col_expr(ticket::Column::ParentId, Expr::value(major.ticket_id))
        .filter(ticket::Column::Id.eq(child.id))
        .exec(&tx)
        .await?;
    let actor = Some(ctx.caller().account_id);
    tickets::record(
        &tx,
        child.id,
        actor,
        &[(
            tickets::history::TicketField::Parent,
            None,
            Some(major.ticket_id.to_string()),
        )],
    )
    .await?;
    tx.commit().await?;
    tickets::get(ctx, &child.reference).await
}

/// The major incident a ticket is the master of, with the establishments that joined it and
/// when (for the master's page); none when it is not one.
pub async fn of_master<C: Handle>(
    ctx: &Ctx<C>,
    reference: &str,
) -> ServiceResult<Option<(MajorView, Vec<Affected>)>> {
    let master = tickets::row(ctx, reference).await?;
    let Some(row) = find(ctx, master.id).await? else {
        return Ok(None);
    };
    let children = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::ParentId.eq(master.id))
        .order_by_asc(ticket::Column::CreatedAt)
        .all(ctx)
        .await?;
    let affected = tickets::views(ctx, children)
        .await?
        .into_iter()
        .map(|child| Affected {
            organisation: child.organisation.name,
            reference: child.reference,
            joined_at: child.created_at,
            status: child.status,
        })
        .collect();
    let code = super::codes(ctx, &[row.offer_id])
        .await?
        .remove(&row.offer_id)
        .unwrap_or_default();
    Ok(Some((
        view(row, &code, Some(master.reference), None),
        affected,
    )))
}

/// Ends the major incident a resolved master carries, if any (in the resolution's transaction).
pub async fn end_with<C: Handle>(tx: &Ctx<C>, master_id: i64) -> ServiceResult<()> {
    tx.update_many::<major_incident::Entity>()
        .col_expr(major_incident::Column::EndedAt, Expr::value(tx.now()))
        .filter(major_incident::Column::TicketId.eq(master_id))
        .filter(major_incident::Column::EndedAt.is_null())
        .exec(tx)
        .await?;
    Ok(())
}
