//! An IMAP mailbox the collector job reads.

use sea_orm::entity::prelude::*;

/// A row of `mailbox`: where to read (`host`, `port`, `security` `imaps` or `starttls`,
/// `folder`), as whom (`username`, `password` sealed for `Purpose::MailboxPassword`), where to
/// put what was handled (`handled_folder`), and the offer it serves (none: the offer each
/// message's address names). Managed by `organisation_id`'s administrators and coordinators.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mailbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub offer_id: Option<i64>,
    pub label: String,
    pub host: String,
    pub port: i32,
    pub security: String,
    pub username: String,
    pub password: String,
    pub folder: String,
    pub handled_folder: String,
    pub enabled: bool,
    pub last_polled_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}
