//! A committee member's own assessment of an evolution request.

use sea_orm::entity::prelude::*;

/// A row of `evolution_assessment`, unique per request and member.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evolution_assessment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub evolution_id: i64,
    pub account_id: i64,
    pub value: i16,
    pub clarity: i16,
    pub complexity_days: i32,
    pub regulatory: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
