//! Saved views: a person's own named filters of the ticket lists ("my tickets waiting for a
//! supplier", "critical on SMS-U"…), besides the fixed ones every list offers.

use chrono::{DateTime, Utc};
use entity::saved_view;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TicketFilter;
use crate::{
    db::{Ctx, Handle},
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
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
#[schema(example = json!({"name": "Incidents SMS-U critiques", "query": "offer=SMS-U&kind=incident&priority=critical"}))]
pub struct NewView {
    /// 1 to 100 characters, unique among the person's views.
    pub name: String,
    /// The filters of `GET /api/v1/tickets` as a query string (paging is not kept).
    pub query: String,
}

/// The filters of a query string, without paging; 422 on `query` when it names an unknown
/// filter or a bad value.
pub fn filters_of(query: &str) -> ServiceResult<String> {
    checked_filters(query).map_err(|(key, args)| ServiceError::field("query", key, args))
}

/// A catalogue message and its arguments.
type Reason = (&'static str, Vec<(&'static str, String)>);

fn checked_filters(query: &str) -> Result<String, Reason> {
    let query = query.trim().trim_start_matches('?');
    if query.len() > 1000 {
        return Err(("field-too-long", vec![("max", "1000".to_owned())]));
    }
    let filter: TicketFilter = serde_html_form::from_str(query)
        .map_err(|e| ("ticket-view-filter", vec![("error", e.to_string())]))?;
    serde_html_form::to_string(filter.pairs())
        .map_err(|e| ("ticket-view-filter", vec![("error", e.to_string())]))
}

/// The caller's views, by name.
pub async fn list<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<SavedView>> {
    Ok(ctx
        .find::<saved_view::Entity>()
        .order_by_asc(saved_view::Column::Name)
        .limit(MAX_VIEWS)
        .all(ctx)
        .await?
        .into_iter()
        .map(SavedView::from)
        .collect())
}

/// Saves a view for the caller: 422 on a bad name or query, a name already used, or too many
/// views.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewView) -> ServiceResult<SavedView> {
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 100);
    let query = checked_filters(&new.query).unwrap_or_else(|(key, args)| {
        problems.rule("query", key, args);
        String::new()
    });
    problems.into_result()?;
    let mine = ctx.find::<saved_view::Entity>();
    if mine.clone().count(ctx).await? >= MAX_VIEWS {
        return Err(ServiceError::field(
            "name",
            "ticket-views-too-many",
            vec![("max", MAX_VIEWS.to_string())],
        ));
    }
    let taken = mine
        .filter(saved_view::Column::Name.eq(name.as_str()))
        .count(ctx)
        .await?;
    if taken > 0 {
        return Err(ServiceError::field(
            "name",
            "ticket-view-name-taken",
            vec![],
        ));
    }
    // A person's own row: the owner is the caller, so there is no one else's rule to check.
    let row = saved_view::ActiveModel {
        account_id: Set(ctx.caller().account_id),
        name: Set(name),
        query: Set(query),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// Deletes one of the caller's views (404 for anyone else's).
pub async fn delete<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<()> {
    let deleted = ctx
        .delete_many::<saved_view::Entity>()
        .filter(saved_view::Column::Id.eq(id))
        .exec(ctx)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound);
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
