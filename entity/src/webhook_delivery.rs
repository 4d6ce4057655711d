//! One event to send to one webhook endpoint.

use sea_orm::entity::prelude::*;

/// A row of `webhook_delivery`: `event_id` is the `webhook-id` header (the same on every
/// attempt, so the receiver can drop duplicates); `state` is `pending`, `delivered` or
/// `failed`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub endpoint_id: i64,
    #[sea_orm(unique)]
    pub event_id: String,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
