//! An entry of a ticket's public or private log; append-only.

use sea_orm::entity::prelude::*;

/// A row of `ticket_log`; `author_id` is none for the platform's own entries.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub private: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
