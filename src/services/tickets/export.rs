//! The ticket list as CSV, exactly as filtered and sorted, streamed: rows are read a chunk at a
//! time (names resolved once per chunk) and written out as they come, so an export of 100 000
//! tickets holds one chunk in memory, never the list.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use futures::{Stream, StreamExt};
use sea_orm::QuerySelect;

use super::{TicketFilter, TicketView, list, views};
use crate::{
    db::Ctx,
    domain::spreadsheet::Sheet,
    i18n::Lang,
    services::error::{ServiceError, ServiceResult},
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

/// A date in the consortium's time zone, as spreadsheets read it.
fn local(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.with_timezone(&Paris).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

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

/// The tickets the caller reads, as `filter` filters and sorts them, as CSV: UTF-8 with a byte
/// order mark, `;` between fields (or `,` with `sep=,`), headers and words in the caller's
/// language, dates in the consortium's time zone. Filters are checked before the first byte
/// (422 on a bad one); the stream then yields a chunk of lines per query.
pub async fn export(
    ctx: Ctx,
    filter: TicketFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = Sheet::new(filter.sep.as_deref())
        .ok_or_else(|| ServiceError::field("sep", "export-separator", vec![]))?;
    let query = list::sorted(list::filtered(&ctx, &filter).await?, filter.sort.as_deref())?;
    let lang = ctx.caller().language;
    let mut head = "\u{feff}".as_bytes().to_vec();
    head.extend(
        sheet
            .write([HEADERS.map(|k| lang.t(k)).to_vec()])
            .map_err(|e| ServiceError::Internal(e.into()))?,
    );
    let rows =
        futures::stream::try_unfold((ctx, query, 0u64), move |(ctx, query, offset)| async move {
            let rows = query.clone().offset(offset).limit(CHUNK).all(&ctx).await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let read = rows.len() as u64;
            let lines = sheet
                .write(
                    views(&ctx, rows)
                        .await?
                        .iter()
                        .map(|t| cells(t, lang).to_vec()),
                )
                .map_err(|e| ServiceError::Internal(e.into()))?;
            Ok(Some((lines, (ctx, query, offset + read))))
        });
    Ok(futures::stream::once(async move { Ok(head) }).chain(rows))
}
