//! The offers a convention covers.

use sea_orm::entity::prelude::*;

/// A row of `convention_offer`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "convention_offer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub convention_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
