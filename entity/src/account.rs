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
    pub language: AccountLanguage,
    pub active: bool,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// The language an account reads the interface and its mail in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AccountLanguage {
    /// French, the default.
    #[sea_orm(string_value = "fr")]
    Fr,
    /// English.
    #[sea_orm(string_value = "en")]
    En,
}
