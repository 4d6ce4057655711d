//! The knowledge base (SPEC section 6): FAQs written by the providers' agents and coordinators
//! for the offers they deliver, read according to their visibility, searched in French.
//! Who reads and who writes an FAQ is the scoped handle's rule (`ScopedEntity for faq`).

pub mod categories;
pub mod deflection;
pub mod feedback;
mod read;
mod search;
mod write;

use chrono::{DateTime, Utc};
use entity::faq::{FaqStatus, FaqVisibility};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use read::{get, versions};
pub use search::{export, list, offer_id, suggestions};
pub use write::{FaqChanges, NewFaq, create, update};

/// Who reads a published FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FaqVisibility)]
pub enum Visibility {
    /// Everyone signed in.
    Everyone,
    /// The organisations with a convention in force on its offer (and the provider).
    Subscribers,
    /// The provider's agents and coordinators.
    Agents,
}

/// Where an FAQ stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FaqStatus)]
pub enum Status {
    /// Being written; only its writers read it.
    Draft,
    /// Read by its audience.
    Published,
    /// Kept for the record; only its writers read it.
    Archived,
}

impl From<Visibility> for FaqVisibility {
    fn from(value: Visibility) -> Self {
        match value {
            Visibility::Everyone => Self::Everyone,
            Visibility::Subscribers => Self::Subscribers,
            Visibility::Agents => Self::Agents,
        }
    }
}

impl From<Status> for FaqStatus {
    fn from(value: Status) -> Self {
        match value {
            Status::Draft => Self::Draft,
            Status::Published => Self::Published,
            Status::Archived => Self::Archived,
        }
    }
}

/// An FAQ as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqView {
    /// Id.
    pub id: i64,
    /// Question.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Answer, Markdown.
    pub body: String,
    /// Answer rendered and sanitised.
    pub body_html: String,
    /// Keywords, comma-separated.
    pub keywords: String,
    /// Error code the answer is about, upper case.
    pub error_code: Option<String>,
    /// Offer code; none for a general FAQ.
    pub offer: Option<String>,
    /// Category id and name.
    pub category: Option<crate::services::tickets::Named>,
    /// Who reads it once published.
    pub visibility: String,
    /// Draft, published or archived.
    pub status: String,
    /// Author's name.
    pub author: String,
    /// Ticket it was written from.
    pub source_ticket: Option<String>,
    /// "Useful" answers.
    pub helpful: i32,
    /// "Not useful" answers.
    pub unhelpful: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
    /// Revision, for changes.
    pub revision: i32,
    /// Whether the reader may change it.
    pub may_edit: bool,
    /// The reader's own opinion, if given.
    pub my_feedback: Option<bool>,
}

/// An FAQ in a list or a search result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqHit {
    /// Id.
    pub id: i64,
    /// Question.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Offer code; none for a general FAQ.
    pub offer: Option<String>,
    /// Error code.
    pub error_code: Option<String>,
    /// Draft, published or archived.
    pub status: String,
    /// Who reads it.
    pub visibility: String,
    /// Where the query's words are, HTML-escaped with the hits in `<mark>`; the summary's start
    /// in a list without a query.
    pub snippet: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The FAQ list's filters, sort and paging.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqFilter {
    /// Words to find (French; accents and case do not matter) or an exact error code.
    #[param(example = "sms")]
    pub q: Option<String>,
    /// Offer code; `general` for FAQs without an offer.
    #[param(example = "SMS-U")]
    pub offer: Option<String>,
    /// Category id.
    pub category: Option<i64>,
    /// `published` (default), `draft`, `archived` or `all`: beyond published, only what the
    /// caller writes is found.
    #[param(example = "all")]
    pub status: Option<String>,
    /// `everyone`, `subscribers` or `agents`.
    #[param(example = "subscribers")]
    pub visibility: Option<String>,
    /// `updated` (latest change first; the default without `q`), `title`, `offer`, `status`,
    /// `visibility`, or the same with `-` for the other order. With `q` and no sort: relevance.
    #[param(example = "title")]
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file (the API also answers CSV to `Accept: text/csv`).
    #[param(example = "csv")]
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    #[param(example = ",")]
    pub sep: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 20).
    pub per_page: Option<u64>,
}

impl FaqFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("offer", self.offer.clone()),
            ("category", self.category.map(|c| c.to_string())),
            ("status", self.status.clone()),
            ("visibility", self.visibility.clone()),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// Snippet width, in characters.
const SNIPPET: usize = 160;

/// One earlier state of an FAQ.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaqVersionView {
    /// The FAQ's revision with this content.
    pub version: i32,
    /// Question.
    pub title: String,
    /// Status then.
    pub status: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}
