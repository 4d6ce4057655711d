//! A convention (agreement): terms of use between a client and a provider, or a provider's
//! agreement with the consortium.

use sea_orm::entity::prelude::*;

/// The kind of a convention, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ConventionKind {
    #[sea_orm(string_value = "usage")]
    Usage,
    #[sea_orm(string_value = "provider")]
    Provider,
}

/// The status of a convention as stored (the calendar may make a production one expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ConventionStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "production")]
    Production,
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "terminated")]
    Terminated,
}

/// A row of `convention`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "convention")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: ConventionKind,
    pub title: String,
    pub client_id: i64,
    pub provider_id: i64,
    /// As stored; see the calendar rule.
    pub status: ConventionStatus,
    pub start_date: Date,
    pub end_date: Date,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub sla_id: Option<i64>,
    pub open_ticket_cap: Option<i32>,
    pub fee_group: Option<String>,
    pub yearly_amount_cents: Option<i64>,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
