//! A background job: a row leased by one process at a time.

use sea_orm::entity::prelude::*;

/// What a job does; the worker dispatches on it. Stored as its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// Closes resolved tickets left without answer.
    #[sea_orm(string_value = "auto_close")]
    AutoClose,
    /// Sends one notification mail.
    #[sea_orm(string_value = "mail")]
    Mail,
    /// Raises the SLA escalations that have come due.
    #[sea_orm(string_value = "sla_check")]
    SlaCheck,
    /// Looks for conventions ending soon.
    #[sea_orm(string_value = "convention_watch")]
    ConventionWatch,
    /// Tells the coordinators that one convention ends soon.
    #[sea_orm(string_value = "convention_ending")]
    ConventionEnding,
    /// Deletes the jobs ended long ago.
    #[sea_orm(string_value = "purge")]
    Purge,
    /// Starts and ends the maintenance windows that have come due.
    #[sea_orm(string_value = "maintenance")]
    Maintenance,
    /// Sends one webhook delivery.
    #[sea_orm(string_value = "webhook")]
    Webhook,
    /// Reads the IMAP mailboxes and takes their new messages in.
    #[sea_orm(string_value = "collect_mail")]
    CollectMail,
    /// Sends the digests that have come due.
    #[sea_orm(string_value = "digest")]
    Digest,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum State {
    /// Waiting or being run; a pending job whose lease has expired is free to be taken again.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Ran to its end.
    #[sea_orm(string_value = "done")]
    Done,
    /// Failed as many times as it may.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// A row of `job`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: Kind,
    pub payload: String,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub state: State,
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    pub max_attempts: i32,
    pub lease_token: Option<String>,
    pub leased_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
