//! A meeting of the project or the steering committee, with its minutes.

use sea_orm::entity::prelude::*;

/// A row of `committee_session`: `committee` is `project` or `steering`; `attendees` and
/// `agenda` are JSON lists (names; references and release labels); `minutes` is Markdown.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "committee_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub committee: Committee,
    pub held_on: Date,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub attendees: String,
    #[sea_orm(column_type = "Text")]
    pub agenda: String,
    #[sea_orm(column_type = "Text")]
    pub decisions: String,
    #[sea_orm(column_type = "Text")]
    pub minutes: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// Which committee met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Committee {
    /// The project committee.
    #[sea_orm(string_value = "project")]
    Project,
    /// The steering committee.
    #[sea_orm(string_value = "steering")]
    Steering,
}
