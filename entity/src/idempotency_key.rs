//! The result of an API creation, remembered under the client's Idempotency-Key.

use sea_orm::entity::prelude::*;

/// A row of `idempotency_key`: per account, a key and what it created.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub resource: String,
    pub reference: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
