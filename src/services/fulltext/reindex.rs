//! Rebuilding the full-text indexes from the rows (the command line's `reindex`).

use super::{Corpus, FaqText, index::put, index_faq};
use crate::{db::Ctx, domain::search_terms::document, services::error::ServiceResult};

/// Rows per batch of [`reindex`].
const REINDEX_BATCH: u64 = 500;

/// Rebuilds both indexes from the rows, in batches of 500 (each batch one transaction, its logs
/// read in one query): after an upgrade that created the indexes over existing data, or after a
/// change of the rules of `search_terms`. Answers (FAQs, tickets) indexed. The context is the
/// platform's ([`Ctx::platform`]): it reads every organisation's rows, private entries too.
pub async fn reindex(ctx: &Ctx) -> ServiceResult<(u64, u64)> {
    Ok((reindex_faqs(ctx).await?, reindex_tickets(ctx).await?))
}

async fn reindex_faqs(ctx: &Ctx) -> ServiceResult<u64> {
    use entity::faq;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};

    let mut faqs = 0;
    let mut after = 0;
    loop {
        let rows = ctx
            .find::<faq::Entity>()
            .filter(faq::Column::Id.gt(after))
            .order_by_asc(faq::Column::Id)
            .limit(REINDEX_BATCH)
            .all(ctx)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let txn = ctx.begin().await?;
        for row in &rows {
            let text = FaqText {
                title: &row.title,
                keywords: &row.keywords,
                error_code: row.error_code.as_deref(),
                summary: &row.summary,
                body: &row.body,
            };
            index_faq(&txn, row.id, text).await?;
        }
        txn.commit().await?;
        faqs += rows.len() as u64;
    }
    Ok(faqs)
}

async fn reindex_tickets(ctx: &Ctx) -> ServiceResult<u64> {
    use entity::{ticket, ticket_log};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};

    let mut tickets = 0;
    let mut after = 0;
    loop {
        let rows = ctx
            .find::<ticket::Entity>()
            .filter(ticket::Column::Id.gt(after))
            .order_by_asc(ticket::Column::Id)
            .limit(REINDEX_BATCH)
            .all(ctx)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        // The logs of that batch, private ones included (they are indexed apart).
        let logs = ctx
            .find::<ticket_log::Entity>()
            .filter(ticket_log::Column::TicketId.is_in(rows.iter().map(|r| r.id)))
            .order_by_asc(ticket_log::Column::Id)
            .all(ctx)
            .await?;
        let txn = ctx.begin().await?;
        for row in &rows {
            let mine = || logs.iter().filter(|l| l.ticket_id == row.id);
            let public: Vec<&str> = std::iter::once(row.description.as_str())
                .chain(row.solution.as_deref())
                .chain(mine().filter(|l| !l.private).map(|l| l.body.as_str()))
                .collect();
            let private: Vec<&str> = mine()
                .filter(|l| l.private)
                .map(|l| l.body.as_str())
                .collect();
            let title = format!(
                "{} {}",
                crate::domain::search_terms::fold(&row.reference),
                document(&row.title)
            );
            let plain = |parts: &[&str]| {
                document(
                    &parts
                        .iter()
                        .map(|p| crate::markdown::to_plain_text(p))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            };
            put(
                &txn,
                Corpus::Ticket,
                row.id,
                vec![title, plain(&public), plain(&private)],
            )
            .await?;
        }
        txn.commit().await?;
        tickets += rows.len() as u64;
    }
    Ok(tickets)
}
