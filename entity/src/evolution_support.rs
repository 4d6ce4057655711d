//! An establishment's support of an evolution request (one per organisation).

use sea_orm::entity::prelude::*;

/// A row of `evolution_support`: `account_id` is the contact who gave it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evolution_support")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub evolution_id: i64,
    pub organisation_id: i64,
    pub account_id: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
