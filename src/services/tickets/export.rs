//! The ticket list as CSV, exactly as filtered and sorted, streamed: rows are read a chunk at a
//! time (names resolved once per chunk) and written out as they come, so an export of 100 000
//! tickets holds one chunk in memory, never the list.
//!
//! Chunks follow one another by keyset, not by offset: each starts after the last row written,
//! by (sort key, id), so the database seeks to it through the sort's index instead of reading
//! and dropping every row before it (an offset makes the whole export quadratic). The last
//! row's key is read back in SQL by its id, never bound from Rust: a date re-encoded by the
//! driver need not equal the stored text on SQLite, and the priority and deadline keys are
//! expressions.

use entity::ticket;
use futures::{Stream, StreamExt};
use sea_orm::{
    Condition, QueryFilter, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
};

use super::{TicketFilter, TicketView, list, views};
use crate::{
    db::Ctx,
    i18n::Lang,
    services::{
        error::{ServiceError, ServiceResult},
        listing::{self, local},
    },
};

/// Rows read per query.
const CHUNK: u64 = 500;

/// The columns, by catalogue key, in order.
const HEADERS: [&str; 16] = [
    "ticket-ref",
    "csv-kind",
    "ticket-title",
    "common-status",
    "ticket-priority",
    "tickets-offer",
    "csv-subcategory",
    "convention-client",
    "csv-requester",
    "csv-team",
    "ticket-agent",
    "csv-created",
    "ticket-updated",
    "csv-resolved",
    "csv-ttr-deadline",
    "csv-satisfaction",
];

/// A vocabulary's exchanged word.
fn word(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// One ticket's cells, in the reader's language.
fn cells(t: &TicketView, lang: Lang) -> [String; 16] {
    [
        t.reference.clone(),
        lang.t(&format!("kind-{}", t.kind.as_str())),
        t.title.clone(),
        lang.t(&format!("status-{}", t.status.as_str())),
        lang.t(&format!("urgency-{}", word(&t.priority))),
        t.offer.name.clone(),
        t.subcategory.name.clone(),
        t.organisation.name.clone(),
        t.requester.name.clone(),
        t.team.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
        t.agent.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
        local(Some(t.created_at)),
        local(Some(t.updated_at)),
        local(t.resolved_at),
        local(t.ttr_deadline),
        t.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
    ]
}

/// The rows after the ticket `last` in the export's order: `key` beyond the last row's key, or
/// equal to it with a later id; for the deadline sort, tickets without a deadline come after
/// every running one, in id order.
fn after(
    query: Select<ticket::Entity>,
    (word, key, ascending): (&str, SimpleExpr, bool),
    last: i64,
) -> Select<ticket::Entity> {
    // Not scoped: it reads one value of the row just exported, which the caller reads.
    let last_key = SimpleExpr::SubQuery(
        None,
        Box::new(
            Query::select()
                .expr(key.clone())
                .from(ticket::Entity)
                .and_where(Expr::col(ticket::Column::Id).eq(last))
                .to_owned()
                .into(),
        ),
    );
    let id = Expr::col((ticket::Entity, ticket::Column::Id));
    let (beyond, id_beyond, within) = if ascending {
        (
            key.clone().gt(last_key.clone()),
            id.gt(last),
            key.clone().gte(last_key.clone()),
        )
    } else {
        (
            key.clone().lt(last_key.clone()),
            id.lt(last),
            key.clone().lte(last_key.clone()),
        )
    };
    // `within` alone bounds the range, so that the sort's index is sought, not walked.
    let next = Condition::all()
        .add(within)
        .add(Condition::any().add(beyond).add(id_beyond.clone()));
    if word != "deadline" {
        return query.filter(next);
    }
    let none = key.is_null();
    query.filter(
        Condition::any()
            .add(
                Condition::all()
                    .add(last_key.clone().is_not_null())
                    .add(Condition::any().add(next).add(none.clone())),
            )
            .add(
                Condition::all()
                    .add(last_key.is_null())
                    .add(none)
                    .add(id_beyond),
            ),
    )
}

/// The tickets the caller reads, as `filter` filters and sorts them, as CSV: UTF-8 with a byte
/// order mark, `;` between fields (or `,` with `sep=,`), headers and words in the caller's
/// language, dates in the consortium's time zone. Filters are checked before the first byte
/// (422 on a bad one); the stream then yields a chunk of lines per query.
pub async fn export(
    ctx: Ctx,
    filter: TicketFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let filtered = list::filtered(&ctx, &filter).await?;
    let sort = filter.sort.clone();
    let query = list::sorted(filtered.clone(), sort.as_deref())?;
    let lang = ctx.caller().language;
    let head = listing::head(&ctx, sheet, &HEADERS)?;
    let start: Option<i64> = None;
    let rows = futures::stream::try_unfold(
        (ctx, filtered, query, start, false),
        move |(ctx, filtered, query, last, done)| {
            let sort = sort.clone();
            async move {
                if done {
                    return Ok(None);
                }
                let chunk = match last {
                    None => query.clone(),
                    Some(last) => list::sorted(
                        after(filtered.clone(), list::ordering(sort.as_deref())?, last),
                        sort.as_deref(),
                    )?,
                };
                let rows = chunk.limit(CHUNK).all(&ctx).await?;
                let Some(last) = rows.last().map(|t| t.id) else {
                    return Ok(None);
                };
                let finished = (rows.len() as u64) < CHUNK;
                let lines = sheet
                    .write(
                        views(&ctx, rows)
                            .await?
                            .iter()
                            .map(|t| cells(t, lang).to_vec()),
                    )
                    .map_err(|e| ServiceError::Internal(e.into()))?;
                Ok(Some((lines, (ctx, filtered, query, Some(last), finished))))
            }
        },
    );
    Ok(futures::stream::once(async move { Ok(head) }).chain(rows))
}
