//! "Utile / pas utile": one opinion per person and FAQ, which they may change; the FAQ keeps
//! the counts so that lists never add them up.

use entity::{faq, faq_feedback};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, QueryFilter, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    error::AppError,
};

/// The caller's opinion of an FAQ, if given.
pub async fn mine<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    faq_id: i64,
) -> Result<Option<bool>, AppError> {
    Ok(db
        .find::<faq_feedback::Entity>()
        .filter(faq_feedback::Column::FaqId.eq(faq_id))
        .filter(faq_feedback::Column::AccountId.eq(caller.account_id))
        .one(db.conn())
        .await?
        .map(|f| f.helpful))
}

/// Records (or changes) the caller's opinion of a published FAQ they read; 404 otherwise.
pub async fn give<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    faq_id: i64,
    helpful: bool,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    db.find::<faq::Entity>()
        .filter(faq::Column::Id.eq(faq_id))
        .filter(faq::Column::Status.eq("published"))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = db.conn().begin().await?;
    let before = mine(&Scoped::new(&txn, db.scope()), caller, faq_id).await?;
    if before == Some(helpful) {
        return Ok(());
    }
    match before {
        None => {
            faq_feedback::ActiveModel {
                faq_id: Set(faq_id),
                account_id: Set(caller.account_id),
                helpful: Set(helpful),
                created_at: Set(db.now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        Some(_) => {
            Scoped::new(&txn, db.scope())
                .update_many::<faq_feedback::Entity>()
                .col_expr(faq_feedback::Column::Helpful, Expr::value(helpful))
                .filter(faq_feedback::Column::FaqId.eq(faq_id))
                .exec(&txn)
                .await?;
        }
    }
    let (up, down) = if helpful {
        (faq::Column::Helpful, faq::Column::Unhelpful)
    } else {
        (faq::Column::Unhelpful, faq::Column::Helpful)
    };
    // The counters are the platform's, not the reader's to write: the read above decided.
    let mut counters = Unscoped::update_many::<faq::Entity>()
        .col_expr(up, Expr::col(up).add(1))
        .filter(faq::Column::Id.eq(faq_id));
    if before.is_some() {
        counters = counters.col_expr(down, Expr::col(down).sub(1));
    }
    counters.exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
