//! Failed sign-ins counted per e-mail and per address, for the brute-force lock-out.

use sea_orm::entity::prelude::*;

/// A row of `login_throttle`, keyed `email:<address>` or `ip:<address>`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub failures: i32,
    pub window_started_at: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
