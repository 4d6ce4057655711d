//! What every list shares: the sort word parsed against the list's allow-list of columns, the
//! page asked for, and the CSV export of the whole list as filtered and sorted, streamed a chunk
//! at a time. Each list supplies its scoped, filtered query, its columns and its cells; none
//! writes SQL from what the reader typed.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use entity::{offer, organisation};
use futures::{Stream, StreamExt, future::BoxFuture};
use sea_orm::{
    EntityTrait, Order, PaginatorTrait, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, IntoIden, Query, SimpleExpr},
};

use super::{
    PageRequest, Paged,
    error::{ServiceError, ServiceResult},
};
use crate::{
    db::{Ctx, Handle},
    domain::spreadsheet::Sheet,
};

/// Rows read per query while exporting.
const CHUNK: u64 = 500;

/// The rows per page when none is asked for.
const DEFAULT_PER_PAGE: u64 = 50;

/// A list's sortable columns: each a word of the query string and what it orders by.
pub trait SortColumn: Copy + Sized + 'static {
    /// Every column, by the word that names it.
    const WORDS: &'static [(&'static str, Self)];

    /// What the column orders by (a column, or an expression of columns).
    fn key(self) -> SimpleExpr;

    /// Whether a plain click sorts it descending (dates, newest first).
    fn descending_first(self) -> bool {
        false
    }
}

/// The name of the organisation that `table.column` points to, as a sort key: organisation
/// names are public labels within the consortium (see [`crate::db::directory`]).
pub fn organisation_name(table: impl IntoIden, column: impl IntoIden) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    SimpleExpr::SubQuery(
        None,
        Box::new(
            Query::select()
                .column((organisation::Entity, organisation::Column::Name))
                .from(organisation::Entity)
                .and_where(
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((table.into_iden(), column.into_iden())),
                )
                .to_owned()
                .into(),
        ),
    )
}

/// The code of the offer that `table.column` points to, as a sort key: offer codes are public
/// labels within the consortium (see [`crate::db::directory`]).
pub fn offer_code(table: impl IntoIden, column: impl IntoIden) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    SimpleExpr::SubQuery(
        None,
        Box::new(
            Query::select()
                .column((offer::Entity, offer::Column::Code))
                .from(offer::Entity)
                .and_where(
                    Expr::col((offer::Entity, offer::Column::Id))
                        .equals((table.into_iden(), column.into_iden())),
                )
                .to_owned()
                .into(),
        ),
    )
}

/// A sort asked for: a column and its direction.
#[derive(Debug, Clone, Copy)]
pub struct Sort<S> {
    /// The column.
    pub column: S,
    /// Ascending or not.
    pub ascending: bool,
}

impl<S: SortColumn> Sort<S> {
    /// The sort `text` names (`word`, or `-word` for the other direction), `default` when
    /// none; 422 on `sort` for a word not in the list.
    pub fn parse(text: Option<&str>, default: S) -> ServiceResult<Self> {
        let text = text.map(str::trim).unwrap_or_default();
        let (word, reversed) = match text.strip_prefix('-') {
            Some(word) => (word, true),
            None => (text, false),
        };
        let column = if word.is_empty() {
            default
        } else {
            S::WORDS
                .iter()
                .find(|(w, _)| *w == word)
                .map(|(_, c)| *c)
                .ok_or_else(|| ServiceError::field("sort", "list-sort-unknown", vec![]))?
        };
        Ok(Self {
            column,
            ascending: column.descending_first() == reversed,
        })
    }

    /// `query` in this order, `id` breaking ties in the same direction (a stable order, so
    /// that pages neither repeat nor skip a row).
    pub fn apply<E: EntityTrait>(self, query: Select<E>, id: E::Column) -> Select<E> {
        let order = if self.ascending {
            Order::Asc
        } else {
            Order::Desc
        };
        query
            .order_by(self.column.key(), order.clone())
            .order_by(id, order)
    }
}

/// The page asked for, checked (1 to [`super::MAX_PER_PAGE`] rows, 50 by default).
pub fn paging(page: Option<u64>, per_page: Option<u64>) -> ServiceResult<PageRequest> {
    PageRequest {
        page: page.unwrap_or(1),
        per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
    }
    .checked()
}

/// One page of `query` (already sorted) and the total its filters keep.
pub async fn page_of<E, C: Handle>(
    ctx: &Ctx<C>,
    query: Select<E>,
    page: PageRequest,
) -> ServiceResult<Paged<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let total = query.clone().count(ctx).await?;
    let items = query
        .offset(page.offset())
        .limit(page.per_page)
        .all(ctx)
        .await?;
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// What a list page shows around its rows: the numbered page links and the query strings its
/// links are built from, so that each page's template only lays them out.
#[derive(Debug, serde::Serialize)]
pub struct PagerView {
    /// The page numbers to link, first, last and two either side of the current one; `None`
    /// where numbers are left out.
    pub pages: Vec<Option<u64>>,
    /// The filters and sort set, URL-encoded (for the export links and the pages).
    pub query: String,
    /// The filters and page size without the sort, URL-encoded, ending in `&` (for the sort
    /// headers).
    pub kept: String,
    /// The sort word in force.
    pub sort: String,
    /// The page sizes offered.
    pub sizes: [u64; 4],
}

impl PagerView {
    /// The pager of a page of `list` filtered by `pairs` (the sort among them), `default_sort`
    /// when none is set.
    pub fn new<T>(list: &Paged<T>, pairs: &[(&str, String)], default_sort: &str) -> Self {
        let encode =
            |pairs: Vec<(&str, String)>| serde_html_form::to_string(pairs).unwrap_or_default();
        let sort = pairs
            .iter()
            .find(|(k, _)| *k == "sort")
            .map_or_else(|| default_sort.to_owned(), |(_, v)| v.clone());
        let mut kept: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(k, _)| *k != "sort")
            .cloned()
            .collect();
        kept.push(("per_page", list.per_page.to_string()));
        Self {
            pages: pages(list.page, list.per_page, list.total),
            query: encode(pairs.to_vec()),
            kept: format!("{}&", encode(kept)),
            sort,
            sizes: [20, 50, 100, super::MAX_PER_PAGE],
        }
    }
}

/// The page numbers a pager links: the first, the last, and two either side of `page`, with a
/// gap (`None`) for each run left out. Empty when everything fits on one page.
pub fn pages(page: u64, per_page: u64, total: u64) -> Vec<Option<u64>> {
    let last = total.div_ceil(per_page.max(1));
    if last <= 1 {
        return Vec::new();
    }
    let mut shown = Vec::new();
    for n in [1, last]
        .into_iter()
        .chain(page.saturating_sub(2).max(1)..=(page + 2).min(last))
    {
        if !shown.contains(&n) {
            shown.push(n);
        }
    }
    shown.sort_unstable();
    let mut links = Vec::new();
    for n in shown {
        if links
            .last()
            .is_some_and(|l: &Option<u64>| l.is_some_and(|l| l + 1 < n))
        {
            links.push(None);
        }
        links.push(Some(n));
    }
    links
}

/// A date in the consortium's time zone, as spreadsheets read it.
pub fn local(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.with_timezone(&Paris).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The sheet of a separator choice: 422 on `sep` for one not offered.
pub fn sheet(sep: Option<&str>) -> ServiceResult<Sheet> {
    Sheet::new(sep).ok_or_else(|| ServiceError::field("sep", "export-separator", vec![]))
}

/// The first bytes of an export: the byte order mark (French Excel reads UTF-8 only with it)
/// and the headers, by catalogue key, in the caller's language.
pub fn head(ctx: &Ctx, sheet: Sheet, headers: &[&str]) -> ServiceResult<Vec<u8>> {
    let lang = ctx.caller().language;
    let mut head = "\u{feff}".as_bytes().to_vec();
    head.extend(
        sheet
            .write([headers.iter().map(|k| lang.t(k)).collect()])
            .map_err(|e| ServiceError::Internal(e.into()))?,
    );
    Ok(head)
}

/// What turns a chunk of rows into its cells (names read once per chunk, through `ctx`).
pub type Cells<M> =
    dyn for<'a> Fn(&'a Ctx, Vec<M>) -> BoxFuture<'a, ServiceResult<Vec<Vec<String>>>> + Send + Sync;

/// The whole of `query` (scoped, filtered and sorted) as CSV: the head, then a chunk of lines
/// per query of `CHUNK` rows, each written out before the next is read. The lists exported
/// this way are the catalogue's and the people's, thousands of rows at most, so chunks follow
/// by offset; the ticket export, which reaches 100 000 rows, follows by keyset instead.
pub fn export<E>(
    ctx: Ctx,
    query: Select<E>,
    sheet: Sheet,
    headers: &[&str],
    cells: Box<Cells<E::Model>>,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let head = head(&ctx, sheet, headers)?;
    let cells: std::sync::Arc<Cells<E::Model>> = cells.into();
    let rows = futures::stream::try_unfold(
        (ctx, query, 0u64, false),
        move |(ctx, query, offset, done)| {
            let cells = cells.clone();
            async move {
                if done {
                    return Ok(None);
                }
                let rows = query.clone().offset(offset).limit(CHUNK).all(&ctx).await?;
                if rows.is_empty() {
                    return Ok(None);
                }
                let read = rows.len() as u64;
                let lines = sheet
                    .write(cells(&ctx, rows).await?)
                    .map_err(|e| ServiceError::Internal(e.into()))?;
                Ok(Some((lines, (ctx, query, offset + read, read < CHUNK))))
            }
        },
    );
    Ok(futures::stream::once(async move { Ok(head) }).chain(rows))
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Expr, SimpleExpr};

    use super::{Sort, SortColumn, pages};

    #[test]
    fn pagers_show_the_ends_and_two_pages_either_side() {
        let cases: [(u64, u64, u64, Vec<Option<u64>>); 6] = [
            (1, 50, 0, vec![]),
            (1, 50, 50, vec![]),
            (1, 50, 51, vec![Some(1), Some(2)]),
            (1, 10, 100, vec![Some(1), Some(2), Some(3), None, Some(10)]),
            (
                5,
                10,
                100,
                vec![
                    Some(1),
                    None,
                    Some(3),
                    Some(4),
                    Some(5),
                    Some(6),
                    Some(7),
                    None,
                    Some(10),
                ],
            ),
            (10, 10, 100, vec![Some(1), None, Some(8), Some(9), Some(10)]),
        ];
        for (page, per_page, total, expected) in cases {
            assert_eq!(
                pages(page, per_page, total),
                expected,
                "{page}/{per_page}/{total}"
            );
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Column {
        Title,
        Created,
    }

    impl SortColumn for Column {
        const WORDS: &'static [(&'static str, Self)] =
            &[("title", Self::Title), ("created", Self::Created)];
        fn key(self) -> SimpleExpr {
            Expr::cust("x")
        }
        fn descending_first(self) -> bool {
            self == Self::Created
        }
    }

    #[test]
    fn sort_words_come_from_the_allow_list_with_their_natural_direction() {
        let cases = [
            (None, Some((Column::Title, true))),
            (Some(""), Some((Column::Title, true))),
            (Some("title"), Some((Column::Title, true))),
            (Some("-title"), Some((Column::Title, false))),
            (Some("created"), Some((Column::Created, false))),
            (Some("-created"), Some((Column::Created, true))),
            (Some("title; DROP TABLE offer"), None),
            (Some("--title"), None),
        ];
        for (text, expected) in cases {
            let parsed = Sort::parse(text, Column::Title)
                .ok()
                .map(|s| (s.column, s.ascending));
            assert_eq!(parsed, expected, "{text:?}");
        }
    }
}
