//! A request made with an `Idempotency-Key`, remembered so that a retry gets the first answer.

use sea_orm::entity::prelude::*;

/// A row of `idempotency_key`: per account, a key, the digest of the request first made with
/// it, its `state` (`running` while that request runs, `done` once answered) and, when done,
/// the status and body of its answer.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_digest: String,
    pub state: State,
    pub response_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// Where a key's first request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum State {
    /// The request runs.
    #[sea_orm(string_value = "running")]
    Running,
    /// The request was answered; its answer is kept.
    #[sea_orm(string_value = "done")]
    Done,
}
