//! "Utile / pas utile": one opinion per person and FAQ, which they may change; the FAQ keeps
//! the counts so that lists never add them up.

use entity::faq::FaqStatus;
use entity::{faq, faq_feedback};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    db::{Ctx, Handle},
    services::error::{ServiceError, ServiceResult},
};

/// The caller's opinion of an FAQ, if given.
pub async fn mine<C: Handle>(ctx: &Ctx<C>, faq_id: i64) -> ServiceResult<Option<bool>> {
    Ok(ctx
        .find::<faq_feedback::Entity>()
        .filter(faq_feedback::Column::FaqId.eq(faq_id))
        .one(ctx)
        .await?
        .map(|f| f.helpful))
}

/// Records (or changes) the caller's opinion of a published FAQ they read; 404 otherwise.
pub async fn give(ctx: &Ctx, faq_id: i64, helpful: bool) -> ServiceResult<()> {
    ctx.find::<faq::Entity>()
        .filter(faq::Column::Id.eq(faq_id))
        .filter(faq::Column::Status.eq(FaqStatus::Published))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tx = ctx.begin().await?;
    let before = mine(&tx, faq_id).await?;
    if before == Some(helpful) {
        return Ok(());
    }
    match before {
        None => {
            // One's own opinion of an FAQ one reads (checked above): the row is the caller's.
            faq_feedback::ActiveModel {
                faq_id: Set(faq_id),
                account_id: Set(tx.caller().account_id),
                helpful: Set(helpful),
                created_at: Set(tx.now()),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        Some(_) => {
            tx.update_many::<faq_feedback::Entity>()
                .col_expr(faq_feedback::Column::Helpful, Expr::value(helpful))
                .filter(faq_feedback::Column::FaqId.eq(faq_id))
                .exec(&tx)
                .await?;
        }
    }
    let (up, down) = if helpful {
        (faq::Column::Helpful, faq::Column::Unhelpful)
    } else {
        (faq::Column::Unhelpful, faq::Column::Helpful)
    };
    // The counters are the platform's, not the reader's to write: the read above decided.
    let platform = tx.as_platform();
    let mut counters = platform
        .update_many::<faq::Entity>()
        .col_expr(up, Expr::col(up).add(1))
        .filter(faq::Column::Id.eq(faq_id));
    if before.is_some() {
        counters = counters.col_expr(down, Expr::col(down).sub(1));
    }
    counters.exec(&tx).await?;
    tx.commit().await?;
    Ok(())
}
