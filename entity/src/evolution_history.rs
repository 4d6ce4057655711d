//! A step of an evolution request's state, with who took it and why; append-only.

use sea_orm::entity::prelude::*;

use crate::evolution::EvolutionState;

/// A row of `evolution_history`; `actor_id` is none for steps the platform takes (a release's).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evolution_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub evolution_id: i64,
    pub actor_id: Option<i64>,
    pub from_state: Option<EvolutionState>,
    pub to_state: EvolutionState,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    /// What the platform says of the step, rendered in the reader's language.
    pub note: Option<StepNote>,
    /// What the note names (a reference, a release's version).
    pub note_about: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// What the platform says of a step, beside what a person wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum StepNote {
    /// The steering committee sent the release back to the project committee.
    #[sea_orm(string_value = "sent_back_by_steering")]
    SentBackBySteering,
    /// The steering committee took the request out of a release (`note_about`: its version).
    #[sea_orm(string_value = "removed_by_steering")]
    RemovedBySteering,
    /// Another request (`note_about`: its reference) was merged into this one.
    #[sea_orm(string_value = "merged_here")]
    MergedHere,
    /// This request duplicates another (`note_about`: its reference and title).
    #[sea_orm(string_value = "duplicate_of")]
    DuplicateOf,
}
