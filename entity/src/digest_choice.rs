//! A contact's choice of a digest for one offer's mail.

use sea_orm::entity::prelude::*;

/// A row of `digest_choice`: `account_id` gets `offer_id`'s ticket and evolution mail as a
/// `daily` or `weekly` digest (no row: single mails). Unique per account and offer.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_choice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub offer_id: i64,
    pub frequency: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
