//! A digest sent: one per account and period.

use sea_orm::entity::prelude::*;

/// A row of `digest_sent`: the digest of `period` (`daily:2026-12-07`, `weekly:2026-12-07`,
/// named by the local date it was due) went to `account_id` with `events` events. Unique per
/// account and period: the claim that keeps a period from being sent twice.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_sent")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub period: String,
    pub events: i32,
    pub sent_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
