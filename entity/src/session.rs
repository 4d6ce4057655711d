//! A browser session (tower-sessions record), shared by every server process.

use sea_orm::entity::prelude::*;

/// A row of `session`. `id` is the SHA-256 of the cookie's value; `account_id` is copied out of
/// `data` so that every session of an account can be ended at once.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub account_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub expires_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
