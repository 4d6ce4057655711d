//! Releases (SPEC section 7): the project committee ranks qualified requests into a proposal
//! weighed against its declared capacity and submits it (`drafts`); the steering committee's
//! ballots or its chair decide (`ballots`); the decision record is written once and never
//! changed and carried out (`decisions`); the release is then built and shipped, and its
//! requests follow at every step. Offers' roadmaps show the result (`roadmap`).

mod ballots;
mod decisions;
mod drafts;
mod read;
mod roadmap;
mod steering;

use chrono::{DateTime, NaiveDate, Utc};
use entity::release::{self, ReleaseState as Stored};
use sea_orm::{ColumnTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use self::{
    ballots::{BallotInput, ChairDecision, decide_as_chair, vote},
    drafts::{NewRelease, ReleaseAction, ReleaseItems, Revision, act, create, set_items},
    read::{DraftEffort, ReleaseFilter, decision, draft_efforts, export, get, list},
    roadmap::{Roadmap, RoadmapRelease, roadmap},
    steering::{SteeringSettings, may_set_steering, set_steering_settings, steering_settings},
};
use crate::{
    db::{Ctx, Handle},
    domain::steering::{Tally, Vote},
    services::error::{ServiceError, ServiceResult},
};

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseState {
    /// Being built by the project committee.
    Draft,
    /// Before the steering committee.
    Proposed,
    /// Decided.
    Approved,
    /// Being built.
    InDevelopment,
    /// Shipped.
    Released,
}

impl ReleaseState {
    /// The state's word, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Draft => "draft",
            ReleaseState::Proposed => "proposed",
            ReleaseState::Approved => "approved",
            ReleaseState::InDevelopment => "in_development",
            ReleaseState::Released => "released",
        }
    }

    /// The state of a stored release (the database layer refuses a word no state has).
    fn of(row: &release::Model) -> ReleaseState {
        match row.state {
            Stored::Draft => ReleaseState::Draft,
            Stored::Proposed => ReleaseState::Proposed,
            Stored::Approved => ReleaseState::Approved,
            Stored::InDevelopment => ReleaseState::InDevelopment,
            Stored::Released => ReleaseState::Released,
        }
    }
}

/// The state as stored.
impl From<ReleaseState> for Stored {
    fn from(state: ReleaseState) -> Stored {
        match state {
            ReleaseState::Draft => Stored::Draft,
            ReleaseState::Proposed => Stored::Proposed,
            ReleaseState::Approved => Stored::Approved,
            ReleaseState::InDevelopment => Stored::InDevelopment,
            ReleaseState::Released => Stored::Released,
        }
    }
}

/// A request in a release.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseItem {
    /// Reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: String,
    /// Requesting establishment.
    pub organisation: String,
    /// Supporting establishments.
    pub supporters: i32,
    /// Score (committees only).
    pub score: Option<f64>,
    /// Mean estimated effort of the assessments, person-days.
    pub estimated_days: Option<f64>,
}

/// A steering member's ballot, as shown to the committees.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BallotView {
    /// Voter.
    pub voter: String,
    /// Vote.
    pub vote: Vote,
    /// References removed (with amendments).
    pub removed: Vec<String>,
    /// Comment.
    pub comment: String,
    /// Cast or last changed.
    pub at: DateTime<Utc>,
}

/// The decision record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionView {
    /// `approved`, `approved_with_amendments` or `sent_back`.
    pub outcome: String,
    /// `ballots` or `chair`.
    pub decided_by: String,
    /// The chair who recorded it.
    pub chair: Option<String>,
    /// The list as proposed.
    pub proposed: Vec<String>,
    /// The list as approved.
    pub approved: Vec<String>,
    /// What was removed.
    pub removed: Vec<String>,
    /// Who voted what and when.
    pub ballots: Vec<BallotView>,
    /// Comment.
    pub comment: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// A release as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseView {
    /// Id.
    pub id: i64,
    /// Offer code.
    pub offer: String,
    /// Version label.
    pub version: String,
    /// `major` or `minor`.
    pub kind: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Declared capacity, person-days.
    pub capacity_days: i32,
    /// State.
    pub state: ReleaseState,
    /// Its requests, in rank order.
    pub items: Vec<ReleaseItem>,
    /// Sum of the items' estimated effort.
    pub total_estimated_days: f64,
    /// Whether that sum exceeds the capacity (shown, never hidden).
    pub over_capacity: bool,
    /// Revision, for changes.
    pub revision: i32,
    /// The count of ballots (committees, while proposed).
    pub tally: Option<Tally>,
    /// The ballots (committees).
    pub ballots: Vec<BallotView>,
    /// The latest decision.
    pub decision: Option<DecisionView>,
    /// Whether the reader may change the list now.
    pub may_edit: bool,
    /// Whether the reader may vote now.
    pub may_vote: bool,
    /// Whether the reader chairs the steering committee.
    pub chair: bool,
}

/// A release in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseSummary {
    /// Id.
    pub id: i64,
    /// Offer code.
    pub offer: String,
    /// Version label.
    pub version: String,
    /// `major` or `minor`.
    pub kind: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// State.
    pub state: ReleaseState,
}

/// The row of a release the caller reads (404 otherwise).
async fn row<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<release::Model> {
    ctx.find::<release::Entity>()
        .filter(release::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A stored JSON list of references.
fn refs(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A list of references as stored.
fn json_refs(refs: &[String]) -> String {
    serde_json::to_string(refs).unwrap_or_else(|_| "[]".to_owned())
}

/// References as sent: trimmed, in capitals.
fn normalised(refs: &[String]) -> Vec<String> {
    refs.iter().map(|r| r.trim().to_uppercase()).collect()
}
