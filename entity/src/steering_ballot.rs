//! A steering member's ballot on a release proposal, changeable until the decision.

use sea_orm::entity::prelude::*;

/// A row of `steering_ballot`: `vote` is `approve`, `approve_with_amendments` or `against`;
/// `removed` a JSON list of the references the amendments remove.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "steering_ballot")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub release_id: i64,
    pub account_id: i64,
    pub vote: BallotVote,
    #[sea_orm(column_type = "Text")]
    pub removed: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// A steering member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum BallotVote {
    /// The list as proposed.
    #[sea_orm(string_value = "approve")]
    Approve,
    /// The list without some items.
    #[sea_orm(string_value = "approve_with_amendments")]
    ApproveWithAmendments,
    /// Back to the project committee.
    #[sea_orm(string_value = "against")]
    Against,
}
