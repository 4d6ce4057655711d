//! What an account reaches through the catalogue (offers, SLAs), computed while the caller is
//! identified: part of building its scope, before any request context exists.

use entity::{convention, convention_offer, service_subcategory};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};

use chrono::NaiveDate;

use crate::{db::Unscoped, services::catalogue::today, services::error::ServiceResult};

/// What an account reaches through the catalogue: offers and SLAs.
pub struct Reach {
    /// Offers covered by a usage convention in force for the organisation or an ancestor, and
    /// offers whose subcategories are delivered by the account's teams.
    pub offers: Vec<i64>,
    /// The first part alone: offers its organisation subscribes to.
    pub subscribed: Vec<i64>,
    /// The second part alone: offers the account's teams deliver.
    pub delivered: Vec<i64>,
    /// SLAs of those conventions.
    pub slas: Vec<i64>,
}

/// Computes what an organisation chain (`ancestors`: the organisation and those above it) and a
/// set of teams reach today. The scope is built while the caller is identified, before any
/// request context exists, so the day is the wall clock's (as identification's own instant).
pub async fn reach<C: ConnectionTrait>(
    db: &C,
    ancestors: &[i64],
    team_ids: &[i64],
) -> ServiceResult<Reach> {
    reach_on(db, ancestors, team_ids, today(crate::clock::wall_now())).await
}

/// [`reach`] on a given day; a few indexed queries, bounded by the conventions of one chain.
pub async fn reach_on<C: ConnectionTrait>(
    db: &C,
    ancestors: &[i64],
    team_ids: &[i64],
    today: NaiveDate,
) -> ServiceResult<Reach> {
    // Unscoped: this computes the scope itself, while the caller is being identified.
    let in_force: Vec<(i64, Option<i64>)> = Unscoped::find::<convention::Entity>()
        .select_only()
        .column(convention::Column::Id)
        .column(convention::Column::SlaId)
        .filter(convention::Column::ClientId.is_in(ancestors.iter().copied()))
        .filter(convention::Column::Kind.eq(convention::ConventionKind::Usage))
        .filter(convention::Column::Status.eq(convention::ConventionStatus::Production))
        .filter(convention::Column::StartDate.lte(today))
        .filter(convention::Column::EndDate.gte(today))
        .into_tuple()
        .all(db)
        .await?;
    // Unscoped: the same identification, on the offers of the conventions just found.
    let mut offers: Vec<i64> = Unscoped::find::<convention_offer::Entity>()
        .select_only()
        .column(convention_offer::Column::OfferId)
        .filter(convention_offer::Column::ConventionId.is_in(in_force.iter().map(|(id, _)| *id)))
        .into_tuple()
        .all(db)
        .await?;
    offers.sort_unstable();
    offers.dedup();
    let subscribed = offers.clone();
    let mut delivered: Vec<i64> = Vec::new();
    if !team_ids.is_empty() {
        // Unscoped: the same identification, on the subcategories its teams deliver.
        delivered = Unscoped::find::<service_subcategory::Entity>()
            .select_only()
            .column(service_subcategory::Column::OfferId)
            .filter(service_subcategory::Column::DefaultTeamId.is_in(team_ids.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        delivered.sort_unstable();
        delivered.dedup();
        offers.extend(delivered.iter().copied());
    }
    offers.sort_unstable();
    offers.dedup();
    let mut slas: Vec<i64> = in_force.into_iter().filter_map(|(_, sla)| sla).collect();
    slas.sort_unstable();
    slas.dedup();
    Ok(Reach {
        offers,
        subscribed,
        delivered,
        slas,
    })
}
