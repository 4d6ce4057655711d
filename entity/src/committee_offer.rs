//! The offers a committee member is limited to (none listed: every offer).

use sea_orm::entity::prelude::*;

/// A row of `committee_offer`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "committee_offer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
