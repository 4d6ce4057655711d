//! An account following a ticket besides its requester.

use sea_orm::entity::prelude::*;

/// A row of `ticket_participant`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_participant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
