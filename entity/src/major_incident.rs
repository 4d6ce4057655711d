//! A major incident: the master ticket of an outage on an offer, which establishments join.

use sea_orm::entity::prelude::*;

/// A row of `major_incident`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "major_incident")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ticket_id: i64,
    pub offer_id: i64,
    pub title: String,
    /// What a child is filed under, with the extra fields copied from the master.
    pub subcategory_id: i64,
    pub module: Option<String>,
    pub affected_version: Option<String>,
    pub environment: Option<String>,
    pub page_url: Option<String>,
    pub event_at: DateTimeUtc,
    pub declared_by: Option<i64>,
    pub declared_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
