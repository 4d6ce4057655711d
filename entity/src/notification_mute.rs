//! A kind of notification a person chose not to receive.

use sea_orm::entity::prelude::*;

/// A row of `notification_mute`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_mute")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: super::notification::Kind,
}

impl ActiveModelBehavior for ActiveModel {}
