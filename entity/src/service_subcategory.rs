//! A service subcategory: what one can ask about an offer (an incident, a request, an evolution).

use sea_orm::entity::prelude::*;

/// What a subcategory files, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RequestKind {
    #[sea_orm(string_value = "incident")]
    Incident,
    #[sea_orm(string_value = "request")]
    Request,
    #[sea_orm(string_value = "evolution")]
    Evolution,
}

/// Whether a subcategory can be filed on, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SubcategoryStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "inactive")]
    Inactive,
}

/// A row of `service_subcategory`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_subcategory")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub name: String,
    pub kind: RequestKind,
    pub status: SubcategoryStatus,
    pub default_team_id: Option<i64>,
    /// JSON list of the extra ticket fields this subcategory requires.
    #[sea_orm(column_type = "Text")]
    pub required_fields: String,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
