//! An evolution request: an establishment's idea for an offer, on its way through the project
//! committee and the steering committee to a release.

use sea_orm::entity::prelude::*;

/// A row of `evolution`: `state` is one of SPEC section 7's; `analysis` is the committee's
/// written analysis (committees only); `score` the consolidated score of the assessments.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evolution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub offer_id: i64,
    pub subcategory_id: Option<i64>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub module: Option<String>,
    pub requester_id: i64,
    pub organisation_id: i64,
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub state_reason: Option<String>,
    pub duplicate_of_id: Option<i64>,
    pub release_id: Option<i64>,
    pub release_rank: Option<i32>,
    /// Supporting establishments, kept with the supports in their transaction (lists sort on it).
    pub supporters: i32,
    #[sea_orm(column_type = "Double", nullable)]
    pub score: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub analysis: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
