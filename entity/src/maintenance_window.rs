//! A planned maintenance window of an offer, published ahead.

use sea_orm::entity::prelude::*;

/// Where a window stands; the job moves it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum WindowState {
    /// Stored as `scheduled`: published, not begun.
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    /// Stored as `started`: under way, the offer shows `maintenance`.
    #[sea_orm(string_value = "started")]
    Started,
    /// Stored as `ended`.
    #[sea_orm(string_value = "ended")]
    Ended,
    /// Stored as `cancelled`: called off by the provider (before or during it).
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// A row of `maintenance_window`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_window")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub message_en: Option<String>,
    pub state: WindowState,
    pub reminded: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// Bumped by each edit (optimistic lock).
    pub revision: i32,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
