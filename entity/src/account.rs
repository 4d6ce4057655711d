//! A person's account: one per person, in exactly one organisation.

use sea_orm::entity::prelude::*;

/// A row of `account`. `email` is stored lower-cased.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub organisation_id: i64,
    /// PHC string of an argon2id hash; `None` for an account that cannot sign in with a password.
    pub password_hash: Option<String>,
    pub language: String,
    pub active: bool,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
