//! The next reference number of each ticket kind, global across tenants, never reused. SQLite
//! numbers from these rows; PostgreSQL and MariaDB from a sequence per kind, which started at
//! the row's value (migration 000060) and leaves the row behind.

use sea_orm::entity::prelude::*;

/// A row of `ticket_sequence`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_sequence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: super::ticket::Kind,
    pub next_value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
