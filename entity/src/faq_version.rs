//! A FAQ as it was after one of its changes; append-only.

use sea_orm::entity::prelude::*;

/// A row of `faq_version`: `version` is the FAQ's revision that this content had.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub faq_id: i64,
    pub version: i32,
    pub title: String,
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub keywords: String,
    pub error_code: Option<String>,
    pub visibility: super::faq::FaqVisibility,
    pub status: super::faq::FaqStatus,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
