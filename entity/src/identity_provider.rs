//! An identity provider (CAS or OpenID Connect) that one establishment signs its people in with.

use sea_orm::entity::prelude::*;

/// A row of `identity_provider`; `client_secret` is never read back to anyone.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_provider")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// `cas` (3.0), `cas2` or `oidc`.
    pub kind: String,
    pub label: String,
    pub server_url: String,
    pub client_id: Option<String>,
    /// Sealed (`Purpose::ClientSecret`), never in clear.
    pub client_secret: Option<String>,
    pub email_attribute: String,
    pub name_attribute: String,
    pub email_domains: String,
    pub create_contacts: bool,
    pub single_logout: bool,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
