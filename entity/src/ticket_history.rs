//! One change of one field of a ticket: who, when, old, new.

use sea_orm::entity::prelude::*;

/// A row of `ticket_history`; `actor_id` is none for the platform.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    pub actor_id: Option<i64>,
    pub field: Field,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_value: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_value: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// What a history entry changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Field {
    /// Its state (`new`, `assigned`…).
    #[sea_orm(string_value = "status")]
    Status,
    /// The solution given when resolving.
    #[sea_orm(string_value = "solution")]
    Solution,
    /// The requester's rating at closing.
    #[sea_orm(string_value = "satisfaction")]
    Satisfaction,
    /// Why it waits.
    #[sea_orm(string_value = "pending_reason")]
    PendingReason,
    /// The team it is assigned to (an id).
    #[sea_orm(string_value = "team")]
    Team,
    /// The agent it is assigned to (an id).
    #[sea_orm(string_value = "agent")]
    Agent,
    /// Who of the organisation reads it.
    #[sea_orm(string_value = "visibility")]
    Visibility,
    /// Its master ticket (an id).
    #[sea_orm(string_value = "parent")]
    Parent,
    /// A follower added or removed (a name).
    #[sea_orm(string_value = "participant")]
    Participant,
    /// Its impact.
    #[sea_orm(string_value = "impact")]
    Impact,
    /// Its urgency.
    #[sea_orm(string_value = "urgency")]
    Urgency,
    /// Its priority.
    #[sea_orm(string_value = "priority")]
    Priority,
}
