//! A single sign-on under way: what the callback must find, once, before it expires.

use sea_orm::entity::prelude::*;

/// A row of `sso_flow`, keyed by the SHA-256 of the `state` sent to the provider.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_flow")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    pub provider_id: i64,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: Option<String>,
    pub expires_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
