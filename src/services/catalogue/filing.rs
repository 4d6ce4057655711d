//! The filing rule as a service: may this contact file on this subcategory today?

use entity::{convention, convention_offer, offer, service_subcategory, ticket};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::today;
use crate::{
    db::{Scoped, Unscoped},
    domain::{
        catalogue::{ConventionKind, ConventionStatus, OfferStatus, SubcategoryStatus},
        filing::{ConventionFacts, decide},
    },
    error::{AppError, FieldError},
};

/// Filing is allowed, under this convention.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Allowed {
    /// Always true here; refusals are 422.
    pub allowed: bool,
    /// The convention the ticket falls under.
    pub convention_id: i64,
    /// Its SLA, if any.
    pub sla_id: Option<i64>,
    /// The offer.
    pub offer_id: i64,
}

/// Answers whether the caller's organisation may file on `subcategory_id` today. A subcategory
/// is 404 unless the caller reads its offer or its organisation holds (or held) a convention on
/// it — so the refusal can name the convention without revealing anything else.
pub async fn check<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    subcategory_id: i64,
) -> Result<Allowed, AppError> {
    let subcategory = Unscoped::find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::Id.eq(subcategory_id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let offer = Unscoped::find::<offer::Entity>()
        .filter(offer::Column::Id.eq(subcategory.offer_id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let covering: Vec<i64> = Unscoped::find::<convention_offer::Entity>()
        .select_only()
        .column(convention_offer::Column::ConventionId)
        .filter(convention_offer::Column::OfferId.eq(offer.id))
        .into_tuple()
        .all(db.conn())
        .await?;
    // The caller's organisation's own conventions on this offer (and its ancestors').
    let conventions = Unscoped::find::<convention::Entity>()
        .filter(convention::Column::Id.is_in(covering))
        .filter(convention::Column::ClientId.is_in(db.scope().ancestors.clone()))
        .all(db.conn())
        .await?;
    let readable = super::offers::get(db, &offer.code).await.is_ok();
    if conventions.is_empty() && !readable {
        return Err(AppError::NotFound);
    }
    // Open tickets per convention, in one grouped count.
    let open: Vec<(i64, i64)> = Unscoped::find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::ConventionId)
        .column_as(ticket::Column::Id.count(), "open")
        .filter(ticket::Column::ConventionId.is_in(conventions.iter().map(|c| c.id)))
        .filter(ticket::Column::Status.is_in([
            ticket::Status::New,
            ticket::Status::Assigned,
            ticket::Status::Pending,
        ]))
        .group_by(ticket::Column::ConventionId)
        .into_tuple()
        .all(db.conn())
        .await?;
    let facts: Vec<ConventionFacts> = conventions
        .iter()
        .map(|c| ConventionFacts {
            id: c.id,
            title: c.title.clone(),
            kind: ConventionKind::parse(&c.kind).unwrap_or(ConventionKind::Provider),
            status: ConventionStatus::parse(&c.status).unwrap_or(ConventionStatus::Draft),
            start_date: c.start_date,
            end_date: c.end_date,
            open_ticket_cap: c.open_ticket_cap,
            open_tickets: open
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0)),
        })
        .collect();
    let subcategory_status =
        SubcategoryStatus::parse(&subcategory.status).unwrap_or(SubcategoryStatus::Inactive);
    let offer_open = OfferStatus::parse(&offer.status) == Some(OfferStatus::Production);
    match decide(subcategory_status, offer_open, &facts, today()) {
        Ok(convention_id) => Ok(Allowed {
            allowed: true,
            convention_id,
            sla_id: conventions
                .iter()
                .find(|c| c.id == convention_id)
                .and_then(|c| c.sla_id),
            offer_id: offer.id,
        }),
        Err(refusal) => Err(AppError::Validation(vec![FieldError::new(
            "subcategory",
            refusal.message(&offer.code),
        )])),
    }
}
