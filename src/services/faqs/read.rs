//! Reading one FAQ as its reader sees it, and the versions of one its writer changes.

use std::collections::HashMap;

use entity::{faq, faq_category, faq_version, ticket};
use sea_orm::{ActiveEnum, ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{FaqVersionView, FaqView, feedback, search::offer_codes};
use crate::{
    db::{Ctx, Handle, directory},
    services::error::{ServiceError, ServiceResult},
};

/// One FAQ the caller reads (404 otherwise).
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<FaqView> {
    let row = ctx
        .find::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let may_edit = writable(ctx, id).await?;
    let author = names(ctx, vec![row.author_id])
        .await?
        .remove(&row.author_id)
        .unwrap_or_default();
    let category = match row.category_id {
        Some(id) => ctx
            .find::<faq_category::Entity>()
            .filter(faq_category::Column::Id.eq(id))
            .one(ctx)
            .await?
            .map(|c| crate::services::tickets::Named {
                id: c.id,
                name: c.name,
            }),
        None => None,
    };
    let offers = offer_codes(ctx, row.offer_id.into_iter()).await?;
    // The source ticket is named only to those who read it.
    let source_ticket = match row.source_ticket_id {
        Some(id) => {
            ctx.find::<ticket::Entity>()
                .select_only()
                .column(ticket::Column::Reference)
                .filter(ticket::Column::Id.eq(id))
                .into_tuple()
                .one(ctx)
                .await?
        }
        None => None,
    };
    let my_feedback = feedback::mine(ctx, id).await?;
    Ok(FaqView {
        id: row.id,
        body_html: crate::markdown::to_safe_html(&row.body),
        offer: row.offer_id.and_then(|o| offers.get(&o).cloned()),
        title: row.title,
        summary: row.summary,
        body: row.body,
        keywords: row.keywords,
        error_code: row.error_code,
        category,
        visibility: row.visibility.to_value(),
        status: row.status.to_value(),
        author,
        source_ticket,
        helpful: row.helpful,
        unhelpful: row.unhelpful,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
        revision: row.revision,
        may_edit,
        my_feedback,
    })
}

/// Whether the caller may change the FAQ.
pub(super) async fn writable<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<bool> {
    Ok(ctx
        .find_writable::<faq::Entity>()
        .filter(faq::Column::Id.eq(id))
        .count(ctx)
        .await?
        > 0)
}

/// The names of some authors.
async fn names<C: Handle>(ctx: &Ctx<C>, mut ids: Vec<i64>) -> ServiceResult<HashMap<i64, String>> {
    ids.sort_unstable();
    ids.dedup();
    // An FAQ names its authors to whoever reads it, whatever organisation they are in.
    Ok(directory::account_names(ctx, ids)
        .await?
        .into_iter()
        .collect())
}

/// The versions of an FAQ the caller writes, newest first (at most 100).
pub async fn versions<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<Vec<FaqVersionView>> {
    let rows = ctx
        .find::<faq_version::Entity>()
        .filter(faq_version::Column::FaqId.eq(id))
        .order_by_desc(faq_version::Column::Version)
        .limit(100)
        .all(ctx)
        .await?;
    let names = names(ctx, rows.iter().map(|r| r.author_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| FaqVersionView {
            version: r.version,
            author: names.get(&r.author_id).cloned().unwrap_or_default(),
            title: r.title,
            status: r.status.to_value(),
            created_at: r.created_at,
        })
        .collect())
}
