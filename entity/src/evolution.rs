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
    pub state: EvolutionState,
    #[sea_orm(column_type = "Text", nullable)]
    pub state_reason: Option<String>,
    /// What the platform says of the current state (see `evolution_history::StepNote`).
    pub state_note: Option<super::evolution_history::StepNote>,
    /// What that note names.
    pub state_note_about: Option<String>,
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

/// Where a request stands (SPEC section 7); the machine is `guichet::domain::evolution`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EvolutionState {
    /// Filed, not yet looked at.
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// The project committee is studying it.
    #[sea_orm(string_value = "under_review")]
    UnderReview,
    /// Waiting for the requester's answer.
    #[sea_orm(string_value = "needs_info")]
    NeedsInfo,
    /// Assessed and scored.
    #[sea_orm(string_value = "qualified")]
    Qualified,
    /// In a release proposal.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// Approved by the steering committee.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// In the approved release's plan.
    #[sea_orm(string_value = "planned")]
    Planned,
    /// Being built.
    #[sea_orm(string_value = "in_development")]
    InDevelopment,
    /// Shipped in a release.
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Over.
    #[sea_orm(string_value = "closed")]
    Closed,
    /// Put off, with a reason.
    #[sea_orm(string_value = "deferred")]
    Deferred,
    /// Refused, with a reason.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// The same as another request.
    #[sea_orm(string_value = "duplicate")]
    Duplicate,
}
