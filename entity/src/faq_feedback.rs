//! One person's "useful / not useful" on a FAQ.

use sea_orm::entity::prelude::*;

/// A row of `faq_feedback`, unique per FAQ and account.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub faq_id: i64,
    pub account_id: i64,
    pub helpful: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
