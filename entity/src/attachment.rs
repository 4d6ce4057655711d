//! A file attached to a convention (and, later, to tickets and log entries). The bytes live in
//! the data folder under their SHA-256.

use sea_orm::entity::prelude::*;

/// A row of `attachment`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the file is attached to.
    pub owner_kind: OwnerKind,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// `attachment.owner_kind`: the table of the owner `owner_id` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OwnerKind {
    /// Stored as `convention`.
    #[sea_orm(string_value = "convention")]
    Convention,
    /// Stored as `ticket`.
    #[sea_orm(string_value = "ticket")]
    Ticket,
    /// Stored as `ticket_log`.
    #[sea_orm(string_value = "ticket_log")]
    TicketLog,
}
