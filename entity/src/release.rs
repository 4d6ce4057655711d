//! A version of an offer, built from a ranked list of evolution requests.

use sea_orm::entity::prelude::*;

/// A row of `offer_release` (`release` is reserved in MySQL): `kind` is `major` or `minor`; `state` `draft`, `proposed`, `approved`,
/// `in_development` or `released`; `capacity_days` the effort the committee declares available.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_release")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub version: String,
    pub kind: String,
    pub target_date: Option<Date>,
    pub capacity_days: i32,
    pub state: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
