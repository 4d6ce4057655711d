//! A question and its answer in the knowledge base, general (no offer) or about one offer.

use sea_orm::entity::prelude::*;

/// A row of `faq`: `visibility` is `everyone`, `subscribers` or `agents`; `status` is `draft`,
/// `published` or `archived`; `error_code` is stored upper case, for exact lookups.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub category_id: Option<i64>,
    pub offer_id: Option<i64>,
    pub title: String,
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub keywords: String,
    pub error_code: Option<String>,
    pub visibility: FaqVisibility,
    pub status: FaqStatus,
    pub author_id: i64,
    pub source_ticket_id: Option<i64>,
    pub helpful: i32,
    pub unhelpful: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub revision: i32,
}

impl ActiveModelBehavior for ActiveModel {}

/// Who reads a published FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FaqVisibility {
    /// Everyone signed in.
    #[sea_orm(string_value = "everyone")]
    Everyone,
    /// The organisations with a convention in force on its offer (and the provider).
    #[sea_orm(string_value = "subscribers")]
    Subscribers,
    /// The provider's agents and coordinators.
    #[sea_orm(string_value = "agents")]
    Agents,
}

/// Where an FAQ stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FaqStatus {
    /// Being written; only its writers read it.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Read by its audience.
    #[sea_orm(string_value = "published")]
    Published,
    /// Kept for the record; only its writers read it.
    #[sea_orm(string_value = "archived")]
    Archived,
}
