//! A ticket: an incident or a service request (evolution requests share the table).

use sea_orm::entity::prelude::*;

/// A row of `ticket`. Enumerated columns are typed (below); the domain converts variant for
/// variant (`domain::lifecycle`, `domain::priority`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique, column_name = "ref")]
    pub reference: String,
    pub kind: Kind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub requester_id: i64,
    pub organisation_id: i64,
    pub offer_id: i64,
    pub subcategory_id: i64,
    pub convention_id: Option<i64>,
    pub impact: Impact,
    pub urgency: Urgency,
    pub priority: Priority,
    pub origin: Origin,
    pub status: Status,
    pub team_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub visibility: Visibility,
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
    pub tto_outcome: Option<Outcome>,
    pub ttr_outcome: Option<Outcome>,
    pub tto_overrun_minutes: Option<i32>,
    pub ttr_overrun_minutes: Option<i32>,
    /// …and the highest escalation raised (0, 75 or 100).
    pub tto_escalated: i16,
    pub ttr_escalated: i16,
}

impl ActiveModelBehavior for ActiveModel {}

/// `ticket.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// Stored as `incident`.
    #[sea_orm(string_value = "incident")]
    Incident,
    /// Stored as `request`.
    #[sea_orm(string_value = "request")]
    Request,
    /// Stored as `evolution`.
    #[sea_orm(string_value = "evolution")]
    Evolution,
}

/// `ticket.impact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Impact {
    /// Stored as `person`.
    #[sea_orm(string_value = "person")]
    Person,
    /// Stored as `service`.
    #[sea_orm(string_value = "service")]
    Service,
    /// Stored as `establishment`.
    #[sea_orm(string_value = "establishment")]
    Establishment,
    /// Stored as `several_establishments`.
    #[sea_orm(string_value = "several_establishments")]
    SeveralEstablishments,
}

/// `ticket.urgency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Urgency {
    /// Stored as `low`.
    #[sea_orm(string_value = "low")]
    Low,
    /// Stored as `medium`.
    #[sea_orm(string_value = "medium")]
    Medium,
    /// Stored as `high`.
    #[sea_orm(string_value = "high")]
    High,
    /// Stored as `critical`.
    #[sea_orm(string_value = "critical")]
    Critical,
}

/// `ticket.priority`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Priority {
    /// Stored as `low`.
    #[sea_orm(string_value = "low")]
    Low,
    /// Stored as `medium`.
    #[sea_orm(string_value = "medium")]
    Medium,
    /// Stored as `high`.
    #[sea_orm(string_value = "high")]
    High,
    /// Stored as `critical`.
    #[sea_orm(string_value = "critical")]
    Critical,
}

/// `ticket.origin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Origin {
    /// Stored as `portal`.
    #[sea_orm(string_value = "portal")]
    Portal,
    /// Stored as `desk`.
    #[sea_orm(string_value = "desk")]
    Desk,
    /// Stored as `api`.
    #[sea_orm(string_value = "api")]
    Api,
    /// Stored as `email`.
    #[sea_orm(string_value = "email")]
    Email,
}

/// `ticket.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// Stored as `new`.
    #[sea_orm(string_value = "new")]
    New,
    /// Stored as `assigned`.
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// Stored as `pending`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Stored as `resolved`.
    #[sea_orm(string_value = "resolved")]
    Resolved,
    /// Stored as `closed`.
    #[sea_orm(string_value = "closed")]
    Closed,
}

/// `ticket.visibility`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Visibility {
    /// Stored as `organisation`.
    #[sea_orm(string_value = "organisation")]
    Organisation,
    /// Stored as `private`.
    #[sea_orm(string_value = "private")]
    Private,
}

/// `ticket.tto_outcome` and `ticket.ttr_outcome`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Outcome {
    /// Stored as `met`.
    #[sea_orm(string_value = "met")]
    Met,
    /// Stored as `passed`.
    #[sea_orm(string_value = "passed")]
    Passed,
}
