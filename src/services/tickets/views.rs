//! Saved views: a person's own named filters of the ticket lists ("my tickets waiting for a
//! supplier", "critical on SMS-U"…), besides the fixed ones every list offers.

use chrono::{DateTime, Utc};
use entity::saved_view;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TicketFilter;
use crate::{
    access::Caller,
    db::Scoped,
    error::AppError,
    services::{Problems, required_text},
};

/// How many views one person keeps: enough for every habit, few enough to list in one menu.
pub const MAX_VIEWS: u64 = 50;

/// A saved view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedView {
    /// Id.
    pub id: i64,
    /// Name chosen by its owner.
    pub name: String,
    /// The list's filters as a query string, e.g. `status=open&priority=critical`.
    pub query: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

impl From<saved_view::Model> for SavedView {
    fn from(v: saved_view::Model) -> Self {
        Self {
            id: v.id,
            name: v.name,
            query: v.query,
            created_at: v.created_at,
        }
    }
}

/// A view to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewView {
    /// 1 to 100 characters, unique among the person's views.
    pub name: String,
    /// The filters of `GET /api/v1/tickets` as a query string (paging is not kept).
    pub query: String,
}

/// The filters of a query string, without paging; 422 on `query` when it names an unknown
/// filter or a bad value.
pub fn filters_of(query: &str) -> Result<String, AppError> {
    let query = query.trim().trim_start_matches('?');
    if query.len() > 1000 {
        return Err(AppError::field("query", "must be at most 1000 characters"));
    }
    let filter: TicketFilter = serde_html_form::from_str(query)
        .map_err(|e| AppError::field("query", format!("is not a ticket list's filter: {e}")))?;
    serde_html_form::to_string(filter.pairs())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("filter written back: {e}")))
}

/// The caller's views, by name.
pub async fn list<C: ConnectionTrait>(db: &Scoped<'_, C>) -> Result<Vec<SavedView>, AppError> {
    Ok(db
        .find::<saved_view::Entity>()
        .order_by_asc(saved_view::Column::Name)
        .limit(MAX_VIEWS)
        .all(db.conn())
        .await?
        .into_iter()
        .map(SavedView::from)
        .collect())
}

/// Saves a view for the caller: 422 on a bad name or query, a name already used, or too many
/// views.
pub async fn create<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    new: NewView,
) -> Result<SavedView, AppError> {
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 100);
    let query = match filters_of(&new.query) {
        Ok(query) => query,
        Err(AppError::Validation(fields)) => {
            for f in fields {
                problems.add(&f.field, f.reason);
            }
            String::new()
        }
        Err(other) => return Err(other),
    };
    problems.into_result()?;
    let mine = db.find::<saved_view::Entity>();
    if mine.clone().count(db.conn()).await? >= MAX_VIEWS {
        return Err(AppError::field(
            "name",
            format!("you already keep {MAX_VIEWS} views; delete one first"),
        ));
    }
    let taken = mine
        .filter(saved_view::Column::Name.eq(name.as_str()))
        .count(db.conn())
        .await?;
    if taken > 0 {
        return Err(AppError::field(
            "name",
            "you already have a view with this name",
        ));
    }
    let row = saved_view::ActiveModel {
        account_id: Set(caller.account_id),
        name: Set(name),
        query: Set(query),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    Ok(row.into())
}

/// Deletes one of the caller's views (404 for anyone else's).
pub async fn delete<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<(), AppError> {
    let deleted = db
        .delete_many::<saved_view::Entity>()
        .filter(saved_view::Column::Id.eq(id))
        .exec(db.conn())
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::filters_of;

    #[test]
    fn a_view_keeps_the_filters_and_drops_the_paging() {
        assert_eq!(
            filters_of("?status=open&priority=critical&page=3&per_page=20").ok(),
            Some("status=open&priority=critical".to_owned())
        );
        assert_eq!(filters_of("").ok(), Some(String::new()));
        assert!(filters_of("colour=blue").is_err());
        assert!(filters_of("priority=urgentissime").is_err());
        assert!(filters_of(&"q=x".repeat(400)).is_err());
    }
}
