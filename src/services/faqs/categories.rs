//! FAQ categories: general headings and each offer's own, ordered by position.

use entity::{faq_category, offer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::{Ctx, Handle, directory},
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// How many categories the knowledge base keeps: a menu, not a tree.
pub const MAX_CATEGORIES: u64 = 200;

/// A category as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    /// Id.
    pub id: i64,
    /// Heading.
    pub name: String,
    /// Offer code; none for a general heading.
    pub offer: Option<String>,
    /// Order in the menu.
    pub position: i32,
}

/// A new category.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Campagnes d'envoi", "offer": "SMS-U", "position": 3}))]
pub struct NewCategory {
    /// Heading.
    pub name: String,
    /// Offer code; none for a general heading.
    pub offer: Option<String>,
    /// Order in the menu (default 0).
    #[serde(default)]
    pub position: i32,
}

/// The categories the caller reads: general ones, then by offer, by position.
pub async fn list<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<Vec<Category>> {
    let rows = ctx
        .find::<faq_category::Entity>()
        .order_by_asc(faq_category::Column::OfferId)
        .order_by_asc(faq_category::Column::Position)
        .order_by_asc(faq_category::Column::Name)
        .limit(MAX_CATEGORIES)
        .all(ctx)
        .await?;
    let codes = super::search::offer_codes(ctx, rows.iter().filter_map(|r| r.offer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            id: r.id,
            offer: r.offer_id.and_then(|o| codes.get(&o).cloned()),
            name: r.name,
            position: r.position,
        })
        .collect())
}

/// Creates a category: coordinators and administrators, for the offers they manage (general
/// ones: any coordinator). 404 for an offer not read, 403 for one not managed.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewCategory) -> ServiceResult<Category> {
    let mut problems = Problems::default();
    let name = required_text(&mut problems, "name", &new.name, 100);
    problems.into_result()?;
    let offer = match new
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        Some(code) => Some(
            ctx.find::<offer::Entity>()
                .filter(offer::Column::Code.eq(code.to_uppercase()))
                .one(ctx)
                .await?
                .ok_or(ServiceError::NotFound)?,
        ),
        None => None,
    };
    let scope = ctx.scope();
    let allowed = scope.admin
        || match &offer {
            Some(o) => scope.managed.contains(&o.provider_id),
            None => !scope.managed.is_empty(),
        };
    if !allowed {
        return Err(ServiceError::forbidden(
            "refused-faq-category-not-coordinator",
            vec![],
        ));
    }
    // The cap is on the whole knowledge base, categories the caller cannot see included.
    if directory::count_all::<faq_category::Entity>(ctx).await? >= MAX_CATEGORIES {
        return Err(ServiceError::field(
            "name",
            "field-faq-categories-full",
            vec![("max", MAX_CATEGORIES.to_string())],
        ));
    }
    let row = faq_category::ActiveModel {
        name: Set(name),
        offer_id: Set(offer.as_ref().map(|o| o.id)),
        position: Set(new.position),
        created_at: Set(ctx.now()),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    Ok(Category {
        id: row.id,
        name: row.name,
        offer: offer.map(|o| o.code),
        position: row.position,
    })
}

/// A category an FAQ of `offer_id` may be filed under: read by the caller, and general or of
/// the same offer (422 on `category` otherwise).
pub async fn usable<C: Handle>(ctx: &Ctx<C>, id: i64, offer_id: Option<i64>) -> ServiceResult<i64> {
    let row = ctx
        .find::<faq_category::Entity>()
        .filter(faq_category::Column::Id.eq(id))
        .one(ctx)
        .await?;
    match row {
        Some(c) if c.offer_id.is_none() || c.offer_id == offer_id => Ok(c.id),
        _ => Err(ServiceError::field(
            "category",
            "field-faq-category-unusable",
            vec![],
        )),
    }
}
