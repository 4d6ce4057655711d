//! What FAQ suggestions did while someone filed on an offer: shown, answered the question
//! (a deflection), or a ticket filed after seeing them.

use sea_orm::entity::prelude::*;

/// A row of `faq_suggestion`: `kind` is `shown`, `deflected` or `filed`; `month` is `YYYY-MM`
/// of `created_at` (Paris), kept for the monthly report's grouping on every database.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_suggestion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub faq_id: Option<i64>,
    pub account_id: i64,
    pub kind: SuggestionEvent,
    pub month: String,
    pub ticket_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

/// What happened after suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SuggestionEvent {
    /// Suggestions were shown.
    #[sea_orm(string_value = "shown")]
    Shown,
    /// One of them answered the question.
    #[sea_orm(string_value = "deflected")]
    Deflected,
    /// A ticket was filed anyway.
    #[sea_orm(string_value = "filed")]
    Filed,
}
