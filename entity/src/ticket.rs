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
    /// The service level measured against; none when no target matched.
    pub sla_id: Option<i64>,
    /// Per metric (time to own, time to resolve): the target in business minutes…
    pub tto_target_minutes: Option<i32>,
    pub ttr_target_minutes: Option<i32>,
    /// …the business time counted while the clock ran, up to `*_running_since`…
    pub tto_spent_seconds: i64,
    pub ttr_spent_seconds: i64,
    /// …since when it runs (none: paused or stopped)…
    pub tto_running_since: Option<DateTimeUtc>,
    pub ttr_running_since: Option<DateTimeUtc>,
    /// …the deadline and the 75 % instant while it runs…
    pub tto_deadline: Option<DateTimeUtc>,
    pub ttr_deadline: Option<DateTimeUtc>,
    pub tto_warn_at: Option<DateTimeUtc>,
    pub ttr_warn_at: Option<DateTimeUtc>,
    /// …`met` or `passed` once stopped, with the overrun in business minutes…
    pub tto_outcome: Option<String>,
    pub ttr_outcome: Option<String>,
    pub tto_overrun_minutes: Option<i32>,
    pub ttr_overrun_minutes: Option<i32>,
    /// …and the highest escalation raised (0, 75 or 100).
    pub tto_escalated: i16,
    pub ttr_escalated: i16,
}

impl ActiveModelBehavior for ActiveModel {}
