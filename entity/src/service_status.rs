//! A period of an offer in one service status; the current one has no end.

use sea_orm::entity::prelude::*;

/// What subscribers are told about an offer's service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// Stored as `operational`.
    #[sea_orm(string_value = "operational")]
    Operational,
    /// Stored as `degraded`.
    #[sea_orm(string_value = "degraded")]
    Degraded,
    /// Stored as `partial_outage`.
    #[sea_orm(string_value = "partial_outage")]
    PartialOutage,
    /// Stored as `major_outage`.
    #[sea_orm(string_value = "major_outage")]
    MajorOutage,
    /// Stored as `maintenance`.
    #[sea_orm(string_value = "maintenance")]
    Maintenance,
}

/// A row of `service_status`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_status")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub status: Status,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub message_en: Option<String>,
    pub set_by: Option<i64>,
    pub maintenance_id: Option<i64>,
    pub started_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    /// The offer on its current period, none on an ended one: unique, one current period each.
    #[sea_orm(unique)]
    pub current_offer_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
