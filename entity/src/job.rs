//! A background job: a row leased by one process at a time.

use sea_orm::entity::prelude::*;

/// A row of `job`. `state` is `pending`, `done` or `failed`; a pending job whose lease has
/// expired is free to be taken again.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub payload: String,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub state: String,
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
