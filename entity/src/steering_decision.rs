//! The steering committee's decision on a release proposal: written once, never changed.

use sea_orm::entity::prelude::*;

/// A row of `steering_decision`: `outcome` is `approved`, `approved_with_amendments` or
/// `sent_back`; `decided_by` `ballots` (quorum and majority reached) or `chair`; the lists are
/// JSON arrays of references and `ballots` a JSON snapshot of who voted what and when.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "steering_decision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub release_id: i64,
    /// Which proposal of the release it decided, from 1: a release sent back and proposed again
    /// gets one decision per round, never two for the same one.
    pub round: i32,
    pub outcome: DecisionOutcome,
    pub decided_by: DecidedBy,
    pub chair_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub proposed: String,
    #[sea_orm(column_type = "Text")]
    pub approved: String,
    #[sea_orm(column_type = "Text")]
    pub removed: String,
    #[sea_orm(column_type = "Text")]
    pub ballots: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub decided_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// What the steering committee decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DecisionOutcome {
    /// The list as proposed.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// The list without some items.
    #[sea_orm(string_value = "approved_with_amendments")]
    ApprovedWithAmendments,
    /// Back to the project committee.
    #[sea_orm(string_value = "sent_back")]
    SentBack,
}

/// Who decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DecidedBy {
    /// The ballots reached the quorum and a majority.
    #[sea_orm(string_value = "ballots")]
    Ballots,
    /// The chair recorded it.
    #[sea_orm(string_value = "chair")]
    Chair,
}
