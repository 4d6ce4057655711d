//! A service level agreement: targets and the coverage window they are measured in.

use sea_orm::entity::prelude::*;

/// Which public holidays close a coverage window, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum PublicHolidays {
    #[sea_orm(string_value = "none")]
    None,
    #[sea_orm(string_value = "france")]
    France,
    #[sea_orm(string_value = "alsace_moselle")]
    AlsaceMoselle,
}

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
    /// Which public holidays close the window.
    pub public_holidays: PublicHolidays,
    pub created_at: DateTimeUtc,
    /// The clocks pause during the announced maintenance of the ticket's offer.
    pub pause_during_maintenance: bool,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
