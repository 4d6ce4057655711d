//! Major incidents: an incident declared major becomes the master of an outage on its offer.
//! Subscribers see it first when they file on the offer and join it with one click: that files a
//! child incident for their establishment, linked to the master. The master's public log is
//! copied to its children and its solution resolves them (see `services::tickets`); the
//! declaration ends when the master is resolved.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{major_incident, major_incident_member, ticket};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Told, provides, tell};
use crate::{
    db::{Ctx, Handle},
    domain::{
        catalogue::RequestKind,
        priority::{Impact, Urgency},
    },
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
    if find(ctx, master.id).await?.is_some() {
        return Err(ServiceError::conflict(
            "major-already",
            vec![],
            serde_json::json!({}),
        ));
    }
    let tx = ctx.begin().await?;
    let declared = mark(&tx, &master, &offer).await?;
    tx.commit().await?;
    Ok(declared)
}

/// A major incident opened from the status page: its master incident, filed on one of the
/// offer's incident subcategories for a subscriber's contact (an incident is always an
/// establishment's, under its convention), or for the caller when none is named.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subcategory": 1, "title": "Plus aucun SMS ne part", "description": "Les envois échouent pour tous les établissements depuis 9 h.", "requester": 2, "affected_version": "5.1", "module": "Envoi", "page_url": "https://smsu.example/envoi"}))]
pub struct OpenMajor {
    /// An incident subcategory of the offer.
    pub subcategory: i64,
    /// The master's title, which subscribers are told.
    pub title: String,
    /// What is known so far.
    pub description: String,
    /// The account of the subscriber's contact the master is filed for (none: the caller).
    #[serde(default)]
    pub requester: Option<i64>,
    /// The module affected (required when the subcategory requires it, as for any incident;
    /// the establishments that join inherit it).
    #[serde(default)]
    pub module: Option<String>,
    /// The version affected (same rule).
    #[serde(default)]
    pub affected_version: Option<String>,
    /// The environment affected (same rule).
    #[serde(default)]
    pub environment: Option<String>,
    /// The page where it shows (same rule).
    #[serde(default)]
    pub page_url: Option<String>,
}

/// Opens a major incident on an offer (provider side): files the master incident and declares it
/// major, in one transaction, under the rules of [`declare`]; every subscriber contact is told.
pub async fn open(ctx: &Ctx, code: &str, input: OpenMajor) -> ServiceResult<MajorView> {
    let offer = super::provided(ctx, code).await?;
    let subcategory = crate::services::catalogue::offers::subcategory(ctx, input.subcategory)
        .await
        .ok()
        .filter(|s| s.offer_id == offer.id && s.kind == RequestKind::Incident)
        .ok_or_else(|| ServiceError::field("subcategory", "major-open-not-incident", vec![]))?;
    let new = NewTicket {
        subcategory: subcategory.id,
        title: input.title,
        description: input.description,
        impact: Impact::SeveralEstablishments,
        urgency: Urgency::High,
        visibility: None,
        module: input.module,
        affected_version: input.affected_version,
        environment: input.environment,
        page_url: input.page_url,
        event_at: Some(ctx.now()),
        people_affected: None,
        requester: input.requester,
    };
    let tx = ctx.begin().await?;
    let master = tickets::file_in(&tx, new, Origin::Desk).await?;
    let opened = mark(&tx, &master, &offer).await?;
    tx.commit().await?;
    Ok(opened)
}

/// Makes `master` the major incident of `offer` inside `tx` and tells the subscribers: an open
/// incident without a parent only (409), once (the unique index on the master is the judge of
/// two declarations at once).
async fn mark<C: Handle>(
    tx: &Ctx<C>,
    master: &ticket::Model,
    offer: &entity::offer::Model,
) -> ServiceResult<MajorView> {
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
    // The offer was checked to be on the caller's provider side by the callers.
    let row = major_incident::Entity::insert(major_incident::ActiveModel {
        ticket_id: Set(master.id),
        offer_id: Set(master.offer_id),
        title: Set(master.title.clone()),
        subcategory_id: Set(master.subcategory_id),
        module: Set(master.module.clone()),
        affected_version: Set(master.affected_version.clone()),
        environment: Set(master.environment.clone()),
        page_url: Set(master.page_url.clone()),
        event_at: Set(master.event_at.unwrap_or(tx.now())),
        declared_by: Set(Some(tx.caller().account_id)),
        declared_at: Set(tx.now()),
        ended_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(tx)
    .await
    .map_err(|err| {
        if crate::db::is_unique_violation(&err) {
            ServiceError::conflict("major-already", vec![], serde_json::json!({}))
        } else {
            err.into()
        }
    })?;
    let told = Told {
        event: "major_incident",
        detail: master.title.clone(),
        detail_en: None,
    };
    tell(tx, offer, told).await?;
    Ok(view(row, &offer.code, Some(master.reference.clone()), None))
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
/// master's subcategory (through the filing rule), linked to the master, in one transaction with
/// the establishment's membership. (major incident, organisation) is unique: an establishment
/// that joined already, or whose other request won a simultaneous join, gets its child back.
pub async fn join(ctx: &Ctx, id: i64) -> ServiceResult<TicketView> {
    let major = live(ctx, id).await?;
    let organisation = ctx.caller().organisation_id;
    if let Some(child) = child_of(ctx, major.id, organisation).await? {
        return Ok(child);
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
    let tx = ctx.begin().await?;
    let child = tickets::file_in(&tx, new, Origin::Portal).await?;
    if enrol(&tx, &major, &child).await? {
        tx.commit().await?;
        return tickets::get(ctx, &child.reference).await;
    }
    // Another join of this establishment won: this one's child is rolled back with the
    // transaction, and the winner's is the answer.
    drop(tx);
    child_of(ctx, major.id, organisation)
        .await?
        .ok_or_else(ServiceError::stale)
}

/// A major incident the caller reads and that has not ended (409 once ended).
async fn live<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<major_incident::Model> {
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
    Ok(major)
}

/// The child incident an establishment joined a major incident with, if it did (409 when the
/// caller does not read it: another contact's private ticket).
async fn child_of<C: Handle>(
    ctx: &Ctx<C>,
    major_id: i64,
    organisation: i64,
) -> ServiceResult<Option<TicketView>> {
    let Some(member) = member(ctx, major_id, organisation).await? else {
        return Ok(None);
    };
    let reference = ctx
        .find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::Reference)
        .filter(ticket::Column::Id.eq(member.ticket_id))
        .into_tuple::<String>()
        .one(ctx)
        .await?
        .ok_or_else(|| {
            ServiceError::conflict("major-joined-already", vec![], serde_json::json!({}))
        })?;
    Ok(Some(tickets::get(ctx, &reference).await?))
}

/// An establishment's membership of a major incident, if it has one.
async fn member<C: Handle>(
    ctx: &Ctx<C>,
    major_id: i64,
    organisation: i64,
) -> ServiceResult<Option<major_incident_member::Model>> {
    Ok(ctx
        .find::<major_incident_member::Entity>()
        .filter(major_incident_member::Column::MajorIncidentId.eq(major_id))
        .filter(major_incident_member::Column::OrganisationId.eq(organisation))
        .one(ctx)
        .await?)
}

/// Links `child` to the master of `major` and records its establishment as affected, in the
/// caller's transaction. The link is a compare-and-set (an open incident without a parent; 409
/// otherwise); answers false when the establishment is affected already (the unique index
/// refused the membership), and the transaction must then be rolled back.
async fn enrol<C: Handle>(
    tx: &Ctx<C>,
    major: &major_incident::Model,
    child: &ticket::Model,
) -> ServiceResult<bool> {
    let linked = tx
        .update_many::<ticket::Entity>()
        .col_expr(ticket::Column::ParentId, Expr::value(major.ticket_id))
        .filter(ticket::Column::Id.eq(child.id))
        .filter(ticket::Column::ParentId.is_null())
        .filter(ticket::Column::Status.is_in(OPEN))
        .exec(tx)
        .await?;
    if linked.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    let actor = Some(tx.caller().account_id);
    let parent = Some(major.ticket_id.to_string());
    tickets::record(
        tx,
        child.id,
        actor,
        &[(tickets::history::TicketField::Parent, None, parent)],
    )
    .await?;
    member_row(tx, major, child).await
}

/// Inserts the membership of `child`'s establishment; false when it is a member already.
async fn member_row<C: Handle>(
    tx: &Ctx<C>,
    major: &major_incident::Model,
    child: &ticket::Model,
) -> ServiceResult<bool> {
    // The child was just linked by this caller, who reads the major incident.
    let inserted = major_incident_member::Entity::insert(major_incident_member::ActiveModel {
        major_incident_id: Set(major.id),
        offer_id: Set(major.offer_id),
        organisation_id: Set(child.organisation_id),
        ticket_id: Set(child.id),
        joined_by: Set(Some(tx.caller().account_id).filter(|id| *id != 0)),
        joined_at: Set(tx.now()),
        ..Default::default()
    })
    .exec_without_returning(tx)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if crate::db::is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// What an agent links to a major incident: an open incident of the caller's reach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ref": "I-000124"}))]
pub struct LinkInput {
    /// The incident's reference.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// Links an existing open incident of an establishment to a major incident (its offer's
/// provider side): the establishment becomes affected, as if it had joined. 422 for a ticket
/// that cannot be a child (another offer, not an open incident, linked elsewhere), 409 when its
/// establishment is affected already.
pub async fn link(ctx: &Ctx, id: i64, input: LinkInput) -> ServiceResult<Affected> {
    let major = live(ctx, id).await?;
    let offer = super::offer_by_id(ctx, major.offer_id).await?;
    if !provides(ctx.scope(), &offer) {
        return Err(ServiceError::forbidden("status-provider-only", vec![]));
    }
    let not_eligible = || ServiceError::field("ref", "major-link-not-eligible", vec![]);
    let child = tickets::row(ctx, input.reference.trim())
        .await
        .map_err(|_| ServiceError::field("ref", "ticket-parent-unknown", vec![]))?;
    let already =
        || ServiceError::conflict("major-organisation-already", vec![], serde_json::json!({}));
    if child.parent_id == Some(major.ticket_id)
        || member(ctx, major.id, child.organisation_id)
            .await?
            .is_some()
    {
        return Err(already());
    }
    if child.id == major.ticket_id
        || child.offer_id != major.offer_id
        || child.kind != ticket::Kind::Incident
        || child.parent_id.is_some()
        || !OPEN.contains(&child.status)
    {
        return Err(not_eligible());
    }
    let tx = ctx.begin().await?;
    if !enrol(&tx, &major, &child).await? {
        return Err(already());
    }
    tx.commit().await?;
    let view = tickets::get(ctx, &child.reference).await?;
    Ok(Affected {
        organisation: view.organisation.name,
        reference: view.reference,
        joined_at: ctx.now(),
        status: view.status,
    })
}

/// The id of the major incident a ticket is the master of (404 when it is none the caller reads).
pub async fn id_of_master<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<i64> {
    let master = tickets::row(ctx, reference).await?;
    find(ctx, master.id)
        .await?
        .map(|m| m.id)
        .ok_or(ServiceError::NotFound)
}

/// Keeps the membership of `child` in step with a parent set by hand (the ticket's edit form),
/// in its transaction: a child moved away from a major incident's master leaves it, one linked
/// to a live one's master joins it under the same unique rule (409 when its establishment is
/// affected already).
pub async fn reparented<C: Handle>(
    tx: &Ctx<C>,
    child: &ticket::Model,
    parent_id: Option<i64>,
) -> ServiceResult<()> {
    tx.delete_many::<major_incident_member::Entity>()
        .filter(major_incident_member::Column::TicketId.eq(child.id))
        .exec(tx)
        .await?;
    let Some(parent_id) = parent_id else {
        return Ok(());
    };
    let Some(major) = find(tx, parent_id).await?.filter(|m| m.ended_at.is_none()) else {
        return Ok(());
    };
    if member_row(tx, &major, child).await? {
        Ok(())
    } else {
        Err(ServiceError::conflict(
            "major-organisation-already",
            vec![],
            serde_json::json!({}),
        ))
    }
}

/// The major incident a ticket is the master of, with the establishments affected and when
/// each joined (for the master's page); none when it is not one.
pub async fn of_master<C: Handle>(
    ctx: &Ctx<C>,
    reference: &str,
) -> ServiceResult<Option<(MajorView, Vec<Affected>)>> {
    let master = tickets::row(ctx, reference).await?;
    let Some(row) = find(ctx, master.id).await? else {
        return Ok(None);
    };
    let affected = affected(ctx, row.id).await?;
    let code = super::codes(ctx, &[row.offer_id])
        .await?
        .remove(&row.offer_id)
        .unwrap_or_default();
    Ok(Some((
        view(row, &code, Some(master.reference), None),
        affected,
    )))
}

/// The establishments affected by a major incident the caller reads: all of them for its
/// provider side, the caller's own for an establishment.
pub async fn members<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<Vec<Affected>> {
    let major = ctx
        .find::<major_incident::Entity>()
        .filter(major_incident::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    affected(ctx, major.id).await
}

/// The memberships of a major incident the caller reads, with their child incidents, in the
/// order they joined.
async fn affected<C: Handle>(ctx: &Ctx<C>, major_id: i64) -> ServiceResult<Vec<Affected>> {
    let members = ctx
        .find::<major_incident_member::Entity>()
        .filter(major_incident_member::Column::MajorIncidentId.eq(major_id))
        .all(ctx)
        .await?;
    let joined: HashMap<i64, DateTime<Utc>> =
        members.iter().map(|m| (m.ticket_id, m.joined_at)).collect();
    let children = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::Id.is_in(joined.keys().copied()))
        .all(ctx)
        .await?;
    let joined: HashMap<String, DateTime<Utc>> = children
        .iter()
        .filter_map(|t| Some((t.reference.clone(), *joined.get(&t.id)?)))
        .collect();
    let mut affected: Vec<Affected> = tickets::views(ctx, children)
        .await?
        .into_iter()
        .filter_map(|child| {
            Some(Affected {
                joined_at: *joined.get(&child.reference)?,
                organisation: child.organisation.name,
                reference: child.reference,
                status: child.status,
            })
        })
        .collect();
    affected.sort_by_key(|a| a.joined_at);
    Ok(affected)
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
