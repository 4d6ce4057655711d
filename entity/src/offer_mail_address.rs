//! The address at which an offer takes in new requests by e-mail.

use sea_orm::entity::prelude::*;

/// A row of `offer_mail_address`: mails to `address` (lower case) from a contact with a
/// convention open a ticket of the offer in `subcategory_id`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_mail_address")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub offer_id: i64,
    #[sea_orm(unique)]
    pub address: String,
    pub subcategory_id: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
