//! A service level agreement: targets and the coverage window they are measured in.

use sea_orm::entity::prelude::*;

/// A row of `sla`. Intervals, holidays (the one-off closures) and targets are small JSON lists, read whole.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub provider_id: i64,
    /// IANA time zone of the coverage window.
    pub time_zone: String,
    #[sea_orm(column_type = "Text")]
    pub intervals: String,
    #[sea_orm(column_type = "Text")]
    pub holidays: String,
    #[sea_orm(column_type = "Text")]
    pub targets: String,
    pub revision: i32,
    /// Open every day, all day: the intervals are then not used.
    pub round_the_clock: bool,
    /// Which public holidays close the window: `none`, `france`, `alsace_moselle`.
    pub public_holidays: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
