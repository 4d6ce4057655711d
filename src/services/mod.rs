//! Use cases: the only code that writes. Each takes the scoped database handle (or, for what
//! has no caller yet, an explicit [`crate::db::Unscoped`] path) and answers view models or an
//! [`crate::error::AppError`].

pub mod accounts;
pub mod catalogue;
pub mod committee_sessions;
pub mod dashboards;
pub mod digests;
pub mod error;
pub mod evolutions;
pub mod faqs;
pub mod fulltext;
pub mod idempotency;
pub mod identity_providers;
pub mod listing;
pub mod mail_in;
pub mod mailboxes;
pub mod notifications;
pub mod organisations;
pub mod releases;
pub mod reports;
pub mod search;
pub mod status;
pub mod teams;
pub mod tickets;
pub mod tokens;
pub mod webhooks;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::error::ServiceError;
use crate::error::FieldError;

/// Largest page a list returns.
pub const MAX_PER_PAGE: u64 = 200;

/// The last page number asked for: beyond, the offset would not fit the databases' integers.
pub const MAX_PAGE: u64 = 1_000_000;

/// Which page of a list to return (1-based).
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageRequest {
    /// Page number, from 1 (to a million: no list is that long, and the offset must fit).
    #[serde(default = "first_page")]
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: u64,
    /// Items per page, 1 to 200.
    #[serde(default = "default_per_page")]
    #[param(minimum = 1, maximum = 200)]
    pub per_page: u64,
}

fn first_page() -> u64 {
    1
}

fn default_per_page() -> u64 {
    50
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    /// The page, checked: 422 naming the field when out of range.
    pub fn checked(self) -> Result<Self, ServiceError> {
        if self.page == 0 || self.page > MAX_PAGE {
            return Err(ServiceError::field(
                "page",
                "field-page-range",
                vec![("max", MAX_PAGE.to_string())],
            ));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(ServiceError::field(
                "per_page",
                "field-per-page-range",
                vec![("max", MAX_PER_PAGE.to_string())],
            ));
        }
        Ok(self)
    }

    /// Rows to skip.
    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// One page of a list, with the total count for paging.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// This page's number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
    /// Items in the whole list.
    pub total: u64,
}

/// Collects field problems, to answer them all at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Records that `field` breaks the rule told by the catalogue message `key`.
    pub fn rule(&mut self, field: &str, key: &'static str, args: Vec<(&'static str, String)>) {
        self.0.push(FieldError::message(field, key, args));
    }

    /// `Ok` if nothing was recorded, else the 422 with every problem.
    pub fn into_result(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }
}

/// A trimmed required text of at most `max` characters.
pub fn required_text(problems: &mut Problems, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        problems.rule(field, "field-required", vec![]);
    } else if value.chars().count() > max {
        problems.rule(field, "field-too-long", vec![("max", max.to_string())]);
    }
    value.to_owned()
}

impl ServiceError {
    /// The 409 of an update whose `revision` is no longer the row's.
    pub fn stale() -> Self {
        Self::conflict(
            "refused-stale",
            vec![],
            serde_json::json!({ "reason": "stale_revision" }),
        )
    }
}
