//! A convention (agreement): terms of use between a client and a provider, or a provider's
//! agreement with the consortium.

use sea_orm::entity::prelude::*;

/// A row of `convention`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "convention")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `usage` | `provider`.
    pub kind: String,
    pub title: String,
    pub client_id: i64,
    pub provider_id: i64,
    /// `draft` | `production` | `expired` | `terminated` (as stored; see the calendar rule).
    pub status: String,
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
