//! Membership of an account in a team.

use sea_orm::entity::prelude::*;

/// A row of `team_member`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
