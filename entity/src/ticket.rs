//! A ticket: an incident or a service request (evolution requests share the table).

use sea_orm::entity::prelude::*;

/// A row of `ticket`. Enumerated columns hold the domain's names (`domain::lifecycle`,
/// `domain::priority`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique, column_name = "ref")]
    pub reference: String,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub requester_id: i64,
    pub organisation_id: i64,
    pub offer_id: i64,
    pub subcategory_id: i64,
    pub convention_id: Option<i64>,
    pub impact: String,
    pub urgency: String,
    pub priority: String,
    pub origin: String,
    pub status: String,
    pub team_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub visibility: String,
    pub module: Option<String>,
    pub affected_version: Option<String>,
    pub environment: Option<String>,
    pub page_url: Option<String>,
    pub event_at: Option<DateTimeUtc>,
    pub people_affected: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub pending_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub solution: Option<String>,
    pub satisfaction: Option<i16>,
    #[sea_orm(column_type = "Text", nullable)]
    pub satisfaction_comment: Option<String>,
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub assigned_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
