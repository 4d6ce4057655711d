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
    pub kind: String,
    pub account_id: i64,
    pub email: String,
    pub language: String,
    pub subject: String,
    pub data: String,
    #[sea_orm(unique)]
    pub message_id: String,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
