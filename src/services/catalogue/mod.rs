//! The service catalogue and agreements: offers and their subcategories, SLAs, conventions,
//! their documents, and the filing rule.

pub mod attachments;
pub mod conventions;
pub mod filing;
pub mod offers;
pub mod slas;
pub mod subcategories;
pub mod what_if;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{convention, convention_offer, service_subcategory};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};

use crate::{db::Unscoped, services::error::ServiceResult};

/// The day `now` falls on in the consortium's calendar: conventions start and end on French
/// dates, so the day turns at midnight in Paris, not in UTC.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// What an account reaches through the catalogue: offers and SLAs.
pub struct Reach {
    /// Offers covered by a usage convention in force for the organisation or an ancestor, and
    /// offers whose subcategories are delivered by the account's teams.
    pub offers: Vec<i64>,
    /// The first part alone: offers its organisation subscribes to.
    pub subscribed: Vec<i64>,
    /// The second part alone: offers the account's teams deliver.
    pub delivered: Vec<i64>,
    /// SLAs of those conventions.
    pub slas: Vec<i64>,
}

/// Computes what an organisation chain (`ancestors`: the organisation and those above it) and a
/// set of teams reach today. The scope is built while the caller is identified, before any
/// request context exists, so the day is the wall clock's (as identification's own instant).
pub async fn reach<C: ConnectionTrait>(
    db: &C,
    ancestors: &[i64],
    team_ids: &[i64],
) -> ServiceResult<Reach> {
    reach_on(db, ancestors, team_ids, today(crate::clock::wall_now())).await
}

/// [`reach`] on a given day; a few indexed queries, bounded by the conventions of one chain.
pub async fn reach_on<C: ConnectionTrait>(
    db: &C,
    ancestors: &[i64],
    team_ids: &[i64],
    today: NaiveDate,
) -> ServiceResult<Reach> {
    // Unscoped: this computes the scope itself, while the caller is being identified.
    let in_force: Vec<(i64, Option<i64>)> = Unscoped::find::<convention::Entity>()
        .select_only()
        .column(convention::Column::Id)
        .column(convention::Column::SlaId)
        .filter(convention::Column::ClientId.is_in(ancestors.iter().copied()))
        .filter(convention::Column::Kind.eq(convention::ConventionKind::Usage))
        .filter(convention::Column::Status.eq(convention::ConventionStatus::Production))
        .filter(convention::Column::StartDate.lte(today))
        .filter(convention::Column::EndDate.gte(today))
        .into_tuple()
        .all(db)
        .await?;
    // Unscoped: the same identification, on the offers of the conventions just found.
    let mut offers: Vec<i64> = Unscoped::find::<convention_offer::Entity>()
        .select_only()
        .column(convention_offer::Column::OfferId)
        .filter(convention_offer::Column::ConventionId.is_in(in_force.iter().map(|(id, _)| *id)))
        .into_tuple()
        .all(db)
        .await?;
    offers.sort_unstable();
    offers.dedup();
    let subscribed = offers.clone();
    let mut delivered: Vec<i64> = Vec::new();
    if !team_ids.is_empty() {
        // Unscoped: the same identification, on the subcategories its teams deliver.
        delivered = Unscoped::find::<service_subcategory::Entity>()
            .select_only()
            .column(service_subcategory::Column::OfferId)
            .filter(service_subcategory::Column::DefaultTeamId.is_in(team_ids.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        delivered.sort_unstable();
        delivered.dedup();
        offers.extend(delivered.iter().copied());
    }
    offers.sort_unstable();
    offers.dedup();
    let mut slas: Vec<i64> = in_force.into_iter().filter_map(|(_, sla)| sla).collect();
    slas.sort_unstable();
    slas.dedup();
    Ok(Reach {
        offers,
        subscribed,
        delivered,
        slas,
    })
}

/// Parses a JSON list column; a malformed one reads as empty rather than failing a page.
pub fn json_list<T: serde::de::DeserializeOwned>(raw: Option<&str>) -> Vec<T> {
    raw.and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

/// Trims a list of short texts, dropping empty ones; 422 on `field` past the limits.
pub fn clean_list(problems: &mut super::Problems, field: &str, items: &[String]) -> Vec<String> {
    let items: Vec<String> = items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 50 || items.iter().any(|s| s.chars().count() > 100) {
        problems.rule(
            field,
            "catalogue-list-limits",
            vec![("entries", "50".to_owned()), ("length", "100".to_owned())],
        );
    }
    items
}

/// An optional http(s) link, trimmed; 422 on `field` otherwise.
pub fn clean_url(problems: &mut super::Problems, field: &str, url: Option<&str>) -> Option<String> {
    let url = url.map(str::trim).filter(|u| !u.is_empty())?;
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500 {
        problems.rule(field, "catalogue-url", vec![("max", "500".to_owned())]);
    }
    Some(url.to_owned())
}
