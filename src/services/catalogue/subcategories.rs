//! The service subcategories of an offer: what one files on.

use entity::{offer, service_subcategory, team};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QuerySelect, RelationDef, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{json_list, offers::managed};
use crate::{
    db::{Ctx, Handle},
    domain::catalogue::{ExtraField, RequestKind, SubcategoryStatus},
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// A subcategory as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubcategoryView {
    /// Id.
    pub id: i64,
    /// The offer's id.
    pub offer_id: i64,
    /// Name.
    pub name: String,
    /// What it files.
    pub kind: RequestKind,
    /// Offered or not.
    pub status: SubcategoryStatus,
    /// Team that receives its tickets.
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    pub required_fields: Vec<ExtraField>,
    /// For optimistic locking.
    pub revision: i32,
}

impl From<service_subcategory::Model> for SubcategoryView {
    fn from(s: service_subcategory::Model) -> Self {
        Self {
            id: s.id,
            offer_id: s.offer_id,
            name: s.name,
            kind: s.kind.into(),
            status: s.status.into(),
            default_team_id: s.default_team_id,
            required_fields: json_list(Some(&s.required_fields)),
            revision: s.revision,
        }
    }
}

/// A new subcategory of an offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Déclarer un incident sur EVA", "kind": "incident", "status": "active", "default_team_id": 5, "required_fields": ["version", "module"]}))]
pub struct NewSubcategory {
    /// Name.
    pub name: String,
    /// What it files.
    pub kind: RequestKind,
    /// Defaults to `active`.
    pub status: Option<SubcategoryStatus>,
    /// Team that receives its tickets (of the offer's provider or the consortium).
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    #[serde(default)]
    pub required_fields: Vec<ExtraField>,
}

/// Changes to a subcategory; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "default_team_id": 2}))]
pub struct SubcategoryChanges {
    /// The revision read.
    pub revision: i32,
    /// Name.
    pub name: Option<String>,
    /// Status.
    pub status: Option<SubcategoryStatus>,
    /// Default team (null to clear is not supported; choose another).
    pub default_team_id: Option<i64>,
    /// Extra ticket fields it requires.
    pub required_fields: Option<Vec<ExtraField>>,
}

async fn check_team<C: Handle>(
    ctx: &Ctx<C>,
    problems: &mut Problems,
    team_id: Option<i64>,
) -> ServiceResult<()> {
    if let Some(team_id) = team_id {
        let known = ctx
            .find::<team::Entity>()
            .filter(team::Column::Id.eq(team_id))
            .count(ctx)
            .await?
            > 0;
        if !known {
            problems.rule("default_team_id", "catalogue-no-team", vec![]);
        }
    }
    Ok(())
}

/// Adds a subcategory to an offer the caller manages.
pub async fn add_subcategory<C: Handle>(
    ctx: &Ctx<C>,
    code: &str,
    new: NewSubcategory,
) -> ServiceResult<SubcategoryView> {
    let offer = managed(ctx, code).await?;
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 200);
    check_team(ctx, &mut problems, new.default_team_id).await?;
    problems.into_result()?;
    let mut fields = new.required_fields;
    fields.sort();
    fields.dedup();
    let now = ctx.now();
    let row = service_subcategory::ActiveModel {
        offer_id: Set(offer.id),
        name: Set(name),
        kind: Set(new.kind.into()),
        status: Set(new.status.unwrap_or(SubcategoryStatus::Active).into()),
        default_team_id: Set(new.default_team_id),
        required_fields: Set(serde_json::to_string(&fields).unwrap_or_else(|_| "[]".to_owned())),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(row.into())
}

/// One subcategory the caller reads.
pub async fn subcategory<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<SubcategoryView> {
    ctx.find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::Id.eq(id))
        .one(ctx)
        .await?
        .map(SubcategoryView::from)
        .ok_or(ServiceError::NotFound)
}

/// One subcategory the caller reads, with its offer, in one statement: a filing weighs both.
pub async fn subcategory_with_offer<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
) -> ServiceResult<(SubcategoryView, offer::Model)> {
    match ctx
        .find::<service_subcategory::Entity>()
        .filter(service_subcategory::Column::Id.eq(id))
        .join(JoinType::InnerJoin, on_its_offer())
        .select_also(offer::Entity)
        .one(ctx)
        .await?
    {
        Some((subcategory, Some(offer))) => Ok((subcategory.into(), offer)),
        _ => Err(ServiceError::NotFound),
    }
}

/// A subcategory's join to its offer (the entities declare no relations).
pub(super) fn on_its_offer() -> RelationDef {
    service_subcategory::Entity::belongs_to(offer::Entity)
        .from(service_subcategory::Column::OfferId)
        .to(offer::Column::Id)
        .into()
}

/// Changes a subcategory of an offer the caller manages.
pub async fn update_subcategory<C: Handle>(
    ctx: &Ctx<C>,
    id: i64,
    changes: SubcategoryChanges,
) -> ServiceResult<SubcategoryView> {
    let current = subcategory(ctx, id).await?;
    let writable = ctx
        .find::<offer::Entity>()
        .filter(offer::Column::Id.eq(current.offer_id))
        .one(ctx)
        .await?
        .is_some_and(|o| ctx.scope().manages_organisation(o.provider_id));
    if !writable {
        return Err(ServiceError::forbidden(
            "catalogue-refused-subcategory",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let mut update = ctx
        .update_many::<service_subcategory::Entity>()
        .col_expr(
            service_subcategory::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .col_expr(
            service_subcategory::Column::UpdatedAt,
            Expr::value(ctx.now()),
        )
        .filter(service_subcategory::Column::Id.eq(id))
        .filter(service_subcategory::Column::Revision.eq(changes.revision));
    if let Some(name) = &changes.name {
        update = update.col_expr(
            service_subcategory::Column::Name,
            Expr::value(required_text(&mut problems, "name", name, 200)),
        );
    }
    if let Some(status) = changes.status {
        update = update.col_expr(
            service_subcategory::Column::Status,
            Expr::value(service_subcategory::SubcategoryStatus::from(status)),
        );
    }
    if let Some(team) = changes.default_team_id {
        check_team(ctx, &mut problems, Some(team)).await?;
        update = update.col_expr(
            service_subcategory::Column::DefaultTeamId,
            Expr::value(team),
        );
    }
    if let Some(mut fields) = changes.required_fields {
        fields.sort();
        fields.dedup();
        update = update.col_expr(
            service_subcategory::Column::RequiredFields,
            Expr::value(serde_json::to_string(&fields).unwrap_or_else(|_| "[]".to_owned())),
        );
    }
    problems.into_result()?;
    if update.exec(ctx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    subcategory(ctx, id).await
}
