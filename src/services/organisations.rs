//! Organisations: the consortium, its establishments and their components, as a hierarchy.

use entity::organisation;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PageRequest, Paged, Problems,
    error::{ServiceError, ServiceResult},
    required_text,
};
use crate::db::{Ctx, Handle};

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
pub async fn tree<C: Handle>(
    ctx: &Ctx<C>,
) -> ServiceResult<(Vec<(usize, OrganisationView)>, bool)> {
    let page = list(
        ctx,
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
#[schema(example = json!({"code": "UCA", "name": "Université Clermont Auvergne", "parent_id": 1, "is_client": true, "is_provider": false}))]
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
#[schema(example = json!({"revision": 1, "name": "Université Clermont Auvergne (UCA)", "is_client": true}))]
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
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    page: PageRequest,
) -> ServiceResult<Paged<OrganisationView>> {
    let page = page.checked()?;
    let query = ctx.find::<organisation::Entity>();
    let total = query.clone().count(ctx).await?;
    let items = query
        .order_by_asc(organisation::Column::Code)
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
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
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<OrganisationView> {
    ctx.find::<organisation::Entity>()
        .filter(organisation::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(OrganisationView::from)
        .ok_or(ServiceError::NotFound)
}

/// Creates an organisation under a parent the caller manages (a root: administrators only).
pub async fn create<C: Handle>(
    ctx: &Ctx<C>,
    new: NewOrganisation,
) -> ServiceResult<OrganisationView> {
    let scope = ctx.scope();
    match new.parent_id {
        Some(parent) => {
            get(ctx, parent)
                .await
                .map_err(|_| ServiceError::field("parent_id", "field-unknown", vec![]))?;
            if !scope.manages_organisation(parent) {
                return Err(ServiceError::forbidden(
                    "refused-organisation-parent-not-managed",
                    vec![],
                ));
            }
        }
        None if !scope.admin => {
            return Err(ServiceError::field("parent_id", "field-required", vec![]));
        }
        None => {}
    }
    let mut problems = Problems::default();
    let code = required_text(&mut problems, "code", &new.code, 32).to_uppercase();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.rule("code", "field-organisation-code-letters", vec![]);
    }
    let name = required_text(&mut problems, "name", &new.name, 200);
    // Codes are unique across the platform, including organisations the caller cannot see.
    let same = sea_orm::Condition::all().add(organisation::Column::Code.eq(&code));
    if crate::db::directory::taken::<organisation::Entity>(ctx, same).await? {
        problems.rule("code", "field-organisation-code-taken", vec![]);
    }
    problems.into_result()?;
    let now = ctx.now();
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
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// Changes an organisation the caller manages: 404 when it cannot read it, 403 when it reads
/// but does not manage it, 409 when `revision` is stale.
pub async fn update<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    changes: OrganisationChanges,
) -> ServiceResult<OrganisationView> {
    let current = get(ctx, id).await?;
    if !ctx.scope().manages_organisation(id) {
        return Err(ServiceError::forbidden(
            "refused-organisation-read-only",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let name = changes
        .name
        .as_deref()
        .map(|n| required_text(&mut problems, "name", n, 200));
    problems.into_result()?;
    let mut update = ctx
        .update_many::<organisation::Entity>()
        .col_expr(
            organisation::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(ctx.now()))
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
    if update.exec(ctx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    get(ctx, id).await
}
