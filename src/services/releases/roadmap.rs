//! An offer's roadmap: its approved, in development and released releases with their requests,
//! and where the reader's establishment's own requests stand.

use std::collections::HashMap;

use entity::release;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ReleaseItem, ReleaseState, ReleaseSummary,
    read::{items_of, summary},
};
use crate::{
    db::{Ctx, Handle},
    services::{error::ServiceResult, evolutions},
};

/// A release on an offer's roadmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoadmapRelease {
    /// The release.
    #[serde(flatten)]
    pub release: ReleaseSummary,
    /// Its requests, in rank order.
    pub items: Vec<ReleaseItem>,
}

/// An offer's roadmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Roadmap {
    /// Offer code.
    pub offer: String,
    /// Approved, in development and released releases, the latest target first.
    pub releases: Vec<RoadmapRelease>,
    /// Where the reader's establishment's requests on the offer stand.
    pub mine: Vec<evolutions::EvolutionView>,
}

/// The roadmap of an offer the caller reads.
pub async fn roadmap<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<Roadmap> {
    let offer_id = evolutions::offer_id(ctx, code).await?;
    let shown = [
        ReleaseState::Approved,
        ReleaseState::InDevelopment,
        ReleaseState::Released,
    ];
    let rows = ctx
        .find::<release::Entity>()
        .filter(release::Column::OfferId.eq(offer_id))
        .filter(release::Column::State.is_in(shown.map(release::ReleaseState::from)))
        .order_by_desc(release::Column::TargetDate)
        .order_by_desc(release::Column::Id)
        .limit(50)
        .all(ctx)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items = items_of(ctx, &ids, evolutions::committees_see(ctx.caller())).await?;
    let offer = code.trim().to_uppercase();
    let codes = HashMap::from([(offer_id, offer.clone())]);
    let releases = rows
        .into_iter()
        .map(|r| {
            Ok(RoadmapRelease {
                items: items.remove(&r.id).unwrap_or_default(),
                release: summary(r, &codes)?,
            })
        })
        .collect::<ServiceResult<_>>()?;
    let mine = evolutions::list(
        ctx,
        &evolutions::EvolutionFilter {
            offer: Some(code.to_owned()),
            scope: Some("mine".to_owned()),
            per_page: Some(200),
            ..evolutions::EvolutionFilter::default()
        },
    )
    .await?
    .items;
    Ok(Roadmap {
        offer,
        releases,
        mine,
    })
}
