//! Organisations: the consortium, its establishments and their components, as a hierarchy.

use chrono::Utc;
use entity::organisation;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PageRequest, Paged, Problems, required_text, stale};
use crate::{db::Scoped, error::AppError};

/// An organisation as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    /// Id.
    pub id: i64,
    /// Short code, e.g. `UTLN`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent organisation, none for the consortium.
    pub parent_id: Option<i64>,
    /// Subscribes to offers.
    pub is_client: bool,
    /// Provides offers.
    pub is_provider: bool,
    /// Inactive organisations keep their history but take no new accounts.
    pub active: bool,
    /// For optimistic locking: send it back with a change.
    pub revision: i32,
}

impl From<organisation::Model> for OrganisationView {
    fn from(o: organisation::Model) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            parent_id: o.parent_id,
            is_client: o.is_client,
            is_provider: o.is_provider,
            active: o.active,
            revision: o.revision,
        }
    }
}

impl crate::domain::tree::Node for OrganisationView {
    fn id(&self) -> i64 {
        self.id
    }
    fn parent(&self) -> Option<i64> {
        self.parent_id
    }
    fn sort_key(&self) -> &str {
        &self.name
    }
}

/// The organisations the caller reads as a tree (the first [`super::MAX_PER_PAGE`]), each with
/// its depth, and whether more exist than shown.
pub async fn tree<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
) -> Result<(Vec<(usize, OrganisationView)>, bool), AppError> {
    let page = list(
        db,
        PageRequest {
            page: 1,
            per_page: super::MAX_PER_PAGE,
        },
    )
    .await?;
    let more = page.total > page.items.len() as u64;
    Ok((crate::domain::tree::depth_first(page.items), more))
}

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    /// Short code, letters, digits and dashes, unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent: required except for administrators creating a root.
    pub parent_id: Option<i64>,
    /// Subscribes to offers.
    #[serde(default)]
    pub is_client: bool,
    /// Provides offers.
    #[serde(default)]
    pub is_provider: bool,
}

/// Changes to an organisation; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChanges {
    /// The revision read.
    pub revision: i32,
    /// New name.
    pub name: Option<String>,
    /// Subscribes to offers.
    pub is_client: Option<bool>,
    /// Provides offers.
    pub is_provider: Option<bool>,
    /// Active or not.
    pub active: Option<bool>,
}

/// The organisations the caller reads, by code.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    page: PageRequest,
) -> Result<Paged<OrganisationView>, AppError> {
    let page = page.checked()?;
    let query = db.find::<organisation::Entity>();
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(organisation::Column::Code)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?
        .into_iter()
        .map(OrganisationView::from)
        .collect();
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// One organisation the caller reads; 404 otherwise.
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<OrganisationView, AppError> {
    db.find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .map(OrganisationView::from)
        .ok_or(AppError::NotFound)
}

/// Creates an organisation under a parent the caller manages (a root: administrators only).
pub async fn create<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    new: NewOrganisation,
) -> Result<OrganisationView, AppError> {
    let scope = db.scope();
    match new.parent_id {
        Some(parent) => {
            get(db, parent)
                .await
                .map_err(|_| AppError::field("parent_id", "no such organisation"))?;
            if !scope.manages_organisation(parent) {
                return Err(AppError::Forbidden(
                    "you do not manage the parent organisation".to_owned(),
                ));
            }
        }
        None if !scope.admin => {
            return Err(AppError::field("parent_id", "is required"));
        }
        None => {}
    }
    let mut problems = Problems::default();
    let code = required_text(&mut problems, "code", &new.code, 32).to_uppercase();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.add("code", "letters, digits and dashes only");
    }
    let name = required_text(&mut problems, "name", &new.name, 200);
    // Codes are unique across the platform, including organisations the caller cannot see.
    let taken = crate::db::Unscoped::find::<organisation::Entity>()
        .filter(organisation::Column::Code.eq(&code))
        .count(db.conn())
        .await?
        > 0;
    if taken {
        problems.add("code", "another organisation has this code");
    }
    problems.into_result()?;
    let now = Utc::now();
    let row = organisation::ActiveModel {
        code: Set(code),
        name: Set(name),
        parent_id: Set(new.parent_id),
        is_client: Set(new.is_client),
        is_provider: Set(new.is_provider),
        active: Set(true),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    Ok(row.into())
}

/// Changes an organisation the caller manages: 404 when it cannot read it, 403 when it reads
/// but does not manage it, 409 when `revision` is stale.
pub async fn update<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
    changes: OrganisationChanges,
) -> Result<OrganisationView, AppError> {
    let current = get(db, id).await?;
    if !db.scope().manages_organisation(id) {
        return Err(AppError::Forbidden(
            "you may read this organisation but not change it".to_owned(),
        ));
    }
    let mut problems = Problems::default();
    let name = changes
        .name
        .as_deref()
        .map(|n| required_text(&mut problems, "name", n, 200));
    problems.into_result()?;
    let mut update = db
        .update_many::<organisation::Entity>()
        .col_expr(
            organisation::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Revision.eq(changes.revision));
    if let Some(name) = name {
        update = update.col_expr(organisation::Column::Name, Expr::value(name));
    }
    if let Some(v) = changes.is_client {
        update = update.col_expr(organisation::Column::IsClient, Expr::value(v));
    }
    if let Some(v) = changes.is_provider {
        update = update.col_expr(organisation::Column::IsProvider, Expr::value(v));
    }
    if let Some(v) = changes.active {
        update = update.col_expr(organisation::Column::Active, Expr::value(v));
    }
    if update.exec(db.conn()).await?.rows_affected == 0 {
        return Err(stale());
    }
    get(db, id).await
}
