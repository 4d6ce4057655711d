//! One attempt at sending a webhook delivery: the delivery log.

use sea_orm::entity::prelude::*;

/// A row of `webhook_attempt`: the HTTP status (none when no answer came), how long it took,
/// and the start of the answer (or of the error).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    pub attempted_at: DateTimeUtc,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    #[sea_orm(column_type = "Text")]
    pub excerpt: String,
}

impl ActiveModelBehavior for ActiveModel {}
