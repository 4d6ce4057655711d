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
    pub outcome: String,
    pub decided_by: String,
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
