//! An establishment affected by a major incident: its child incident and when it joined.

use sea_orm::entity::prelude::*;

/// A row of `major_incident_member`; (major incident, organisation) is unique.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "major_incident_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub major_incident_id: i64,
    /// The major incident's offer (what the access rule reads).
    pub offer_id: i64,
    pub organisation_id: i64,
    /// The establishment's child incident.
    #[sea_orm(unique)]
    pub ticket_id: i64,
    /// Who joined (the contact) or linked it (the agent).
    pub joined_by: Option<i64>,
    pub joined_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
