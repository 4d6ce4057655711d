//! The outbox: a notification to one person, written with the change that causes it.

use sea_orm::entity::prelude::*;

/// A row of `notification`. `data` is the template's context (JSON); `message_id` is fixed at
/// creation so that a message sent again after a crash is the same message.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: Kind,
    pub account_id: i64,
    pub email: String,
    pub language: crate::account::AccountLanguage,
    pub subject: String,
    pub data: String,
    #[sea_orm(unique)]
    pub message_id: String,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// `daily` or `weekly` when held for a digest (no mail job of its own; `sent_at` is set
    /// when the digest goes).
    pub digest: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

/// `notification.kind` and `notification_mute.kind`: what a notification tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// Stored as `received`.
    #[sea_orm(string_value = "received")]
    Received,
    /// Stored as `assigned`.
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// Stored as `commented`.
    #[sea_orm(string_value = "commented")]
    Commented,
    /// Stored as `pending`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Stored as `resolved`.
    #[sea_orm(string_value = "resolved")]
    Resolved,
    /// Stored as `closed`.
    #[sea_orm(string_value = "closed")]
    Closed,
    /// Stored as `reopened`.
    #[sea_orm(string_value = "reopened")]
    Reopened,
    /// Stored as `sla75`.
    #[sea_orm(string_value = "sla75")]
    Sla75,
    /// Stored as `sla100`.
    #[sea_orm(string_value = "sla100")]
    Sla100,
    /// Stored as `convention_expiring`.
    #[sea_orm(string_value = "convention_expiring")]
    ConventionExpiring,
    /// Stored as `evolution`.
    #[sea_orm(string_value = "evolution")]
    Evolution,
    /// Stored as `service_status`: an offer's status, a major incident, a maintenance window.
    #[sea_orm(string_value = "service_status")]
    ServiceStatus,
}
