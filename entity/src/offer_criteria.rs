//! An offer's weights of the qualification criteria (defaults apply without a row).

use sea_orm::entity::prelude::*;

/// A row of `offer_criteria`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_criteria")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: i64,
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    #[sea_orm(column_type = "Double")]
    pub clarity: f64,
    #[sea_orm(column_type = "Double")]
    pub complexity: f64,
    #[sea_orm(column_type = "Double")]
    pub regulatory: f64,
    #[sea_orm(column_type = "Double")]
    pub support: f64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
