//! A hosted offer (service) provided by one organisation.

use sea_orm::entity::prelude::*;

/// Where an offer stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OfferStatus {
    #[sea_orm(string_value = "implementation")]
    Implementation,
    #[sea_orm(string_value = "production")]
    Production,
    #[sea_orm(string_value = "obsolete")]
    Obsolete,
}

/// A row of `offer`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub provider_id: i64,
    pub status: OfferStatus,
    pub app_url: Option<String>,
    pub docs_url: Option<String>,
    pub source_url: Option<String>,
    /// JSON list of supported versions, current first.
    #[sea_orm(column_type = "Text", nullable)]
    pub versions: Option<String>,
    /// JSON list of module names.
    #[sea_orm(column_type = "Text", nullable)]
    pub modules: Option<String>,
    /// JSON list of environments (production, test, training, sandbox…).
    #[sea_orm(column_type = "Text", nullable)]
    pub environments: Option<String>,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
