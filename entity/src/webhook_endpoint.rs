//! A webhook endpoint registered by an organisation.

use sea_orm::entity::prelude::*;

/// A row of `webhook_endpoint`: events of the kinds in `kinds` (a JSON list of notification
/// kinds) about the organisation's subtree are sent to `url`, signed with `secret`
/// (`whsec_` and base64, as the Standard Webhooks specification writes it).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub url: String,
    pub secret: String,
    #[sea_orm(column_type = "Text")]
    pub kinds: String,
    pub active: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
