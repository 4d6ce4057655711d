//! The filing rule as a service: may this contact file on this subcategory today?

use entity::{convention, convention_offer, offer, service_subcategory, ticket};
use sea_orm::{ColumnTrait, JoinType, QueryFilter, QuerySelect, sea_query::Query};
use serde::Serialize;
use utoipa::ToSchema;

use super::today;
use crate::{
    db::{Ctx, Handle, Unscoped},
    domain::{
        catalogue::SubcategoryStatus,
        filing::{ConventionFacts, decide},
    },
    services::error::{ServiceError, ServiceResult},
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
    /// Whether the convention caps its open tickets: a filing counts them again in its own
    /// transaction.
    #[serde(skip)]
    pub capped: bool,
}

/// Answers whether the caller's organisation may file on `subcategory_id` today. A subcategory
/// is 404 unless the caller reads its offer or its organisation holds (or held) a convention on
/// it — so the refusal can name the convention without revealing anything else.
pub async fn check<C: Handle>(ctx: &Ctx<C>, subcategory_id: i64) -> ServiceResult<Allowed> {
    // Unscoped: a subcategory of an offer the caller no longer reads (its convention expired) is
    // still answered with the reason, when the caller's organisation holds a convention on it;
    // and its offer, for the same reason.
    let Some((subcategory, Some(offer))) = Unscoped::find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::Id.eq(subcategory_id))
        .join(JoinType::InnerJoin, super::subcategories::on_its_offer())
        .select_also(offer::Entity)
        .one(ctx)
        .await?
    else {
        return Err(ServiceError::NotFound);
    };
    check_on(ctx, subcategory.status.into(), &offer).await
}

/// [`check`] for a subcategory (its status) and its offer already read: a filing reads them
/// first, through the filer's scope.
pub async fn check_on<C: Handle>(
    ctx: &Ctx<C>,
    subcategory_status: SubcategoryStatus,
    offer: &offer::Model,
) -> ServiceResult<Allowed> {
    // Unscoped: the conventions of the caller's organisation and its ancestors covering this
    // offer, whatever their kind, as the filing rule weighs them (a provider's agreement held by
    // the consortium is not readable by its members).
    let conventions = Unscoped::find::<convention::Entity>()
        .filter(
            convention::Column::Id.in_subquery(
                Query::select()
                    .column(convention_offer::Column::ConventionId)
                    .from(convention_offer::Entity)
                    .and_where(convention_offer::Column::OfferId.eq(offer.id))
                    .to_owned(),
            ),
        )
        .filter(convention::Column::ClientId.is_in(ctx.scope().ancestors.clone()))
        .all(ctx)
        .await?;
    // Whether the caller reads the offer matters only without a convention on it.
    if conventions.is_empty() && super::offers::get(ctx, &offer.code).await.is_err() {
        return Err(ServiceError::NotFound);
    }
    let facts = facts(ctx, &conventions).await?;
    let offer_open = offer.status == offer::OfferStatus::Production;
    match decide(subcategory_status, offer_open, &facts, today(ctx.now())) {
        Ok(convention_id) => {
            let chosen = conventions.iter().find(|c| c.id == convention_id);
            Ok(Allowed {
                allowed: true,
                convention_id,
                sla_id: chosen.and_then(|c| c.sla_id),
                offer_id: offer.id,
                capped: chosen.is_some_and(|c| c.open_ticket_cap.is_some()),
            })
        }
        Err(refusal) => {
            let (key, args) = refusal.reason(&offer.code);
            Err(ServiceError::field("subcategory", key, args))
        }
    }
}

/// What the rule weighs of each convention, with the open tickets of the capped ones counted in
/// one grouped query (none when no convention is capped: the rule weighs the count only against
/// a cap, and it grows with the history).
async fn facts<C: Handle>(
    ctx: &Ctx<C>,
    conventions: &[convention::Model],
) -> ServiceResult<Vec<ConventionFacts>> {
    let capped: Vec<i64> = conventions
        .iter()
        .filter(|c| c.open_ticket_cap.is_some())
        .map(|c| c.id)
        .collect();
    let open: Vec<(i64, i64)> = if capped.is_empty() {
        Vec::new()
    } else {
        // Unscoped: the cap counts every open ticket of the convention, not only the caller's.
        Unscoped::find::<ticket::Entity>()
            .select_only()
            .column(ticket::Column::ConventionId)
            .column_as(ticket::Column::Id.count(), "open")
            .filter(ticket::Column::ConventionId.is_in(capped))
            .filter(ticket::Column::Status.is_in(["new", "assigned", "pending"]))
            .group_by(ticket::Column::ConventionId)
            .into_tuple()
            .all(ctx)
            .await?
    };
    Ok(conventions
        .iter()
        .map(|c| ConventionFacts {
            id: c.id,
            title: c.title.clone(),
            kind: c.kind.into(),
            status: c.status.into(),
            start_date: c.start_date,
            end_date: c.end_date,
            open_ticket_cap: c.open_ticket_cap,
            open_tickets: open
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0)),
        })
        .collect())
}
