//! Finding FAQs: the list with its filters, the search (an exact error code first, then by
//! relevance), and the suggestions under a new request's title.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    faq::{self, FaqStatus, FaqVisibility},
    offer,
};
use futures::{Stream, StreamExt};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Query as SqlQuery, SimpleExpr},
};

use super::{FaqFilter, FaqHit, SNIPPET};
use crate::{
    db::{Ctx, Handle, directory},
    domain::search_terms::{Query, snippet},
    i18n::Lang,
    services::{
        PageRequest, Paged,
        error::{ServiceError, ServiceResult},
        fulltext,
        listing::{self, Sort, SortColumn},
    },
};

/// The columns the FAQ list sorts by (without `q`, or with an explicit sort).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaqColumn {
    /// Question.
    Title,
    /// The offer's code (general FAQs first).
    Offer,
    /// Status (its word).
    Status,
    /// Visibility (its word).
    Visibility,
    /// Last changed.
    Updated,
}

impl SortColumn for FaqColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("title", Self::Title),
        ("offer", Self::Offer),
        ("status", Self::Status),
        ("visibility", Self::Visibility),
        ("updated", Self::Updated),
    ];

    fn key(self) -> SimpleExpr {
        let col = |c: faq::Column| Expr::col((faq::Entity, c));
        match self {
            Self::Title => col(faq::Column::Title),
            Self::Offer => listing::offer_code(faq::Entity, faq::Column::OfferId),
            Self::Status => col(faq::Column::Status),
            Self::Visibility => col(faq::Column::Visibility),
            Self::Updated => col(faq::Column::UpdatedAt),
        }
    }

    fn descending_first(self) -> bool {
        self == Self::Updated
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 6] = [
    "faq-question",
    "tickets-offer",
    "faq-error-code",
    "faq-status",
    "faq-visibility",
    "list-updated",
];

/// Rows read per page while exporting.
const CHUNK: u64 = 200;

/// The list's filters as a condition, and the search text (checked).
async fn conditions<C: Handle>(
    ctx: &Ctx<C>,
    filter: &FaqFilter,
) -> ServiceResult<(Condition, String)> {
    let mut condition = Condition::all();
    let status = match filter.status.as_deref().unwrap_or("published") {
        "all" => None,
        "published" => Some(FaqStatus::Published),
        "draft" => Some(FaqStatus::Draft),
        "archived" => Some(FaqStatus::Archived),
        _ => {
            return Err(ServiceError::field(
                "status",
                "field-faq-status-filter",
                vec![],
            ));
        }
    };
    if let Some(status) = status {
        condition = condition.add(faq::Column::Status.eq(status));
    }
    if let Some(word) = filter.visibility.as_deref().filter(|v| !v.is_empty()) {
        let visibility = FaqVisibility::try_from_value(&word.to_owned()).map_err(|_| {
            ServiceError::field("visibility", "field-faq-visibility-filter", vec![])
        })?;
        condition = condition.add(faq::Column::Visibility.eq(visibility));
    }
    match filter
        .offer
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        None => {}
        Some("general") => condition = condition.add(faq::Column::OfferId.is_null()),
        Some(code) => {
            let id = offer_id(ctx, code).await?;
            condition = condition.add(faq::Column::OfferId.eq(id));
        }
    }
    if let Some(category) = filter.category {
        condition = condition.add(faq::Column::CategoryId.eq(category));
    }
    let text = filter.q.as_deref().unwrap_or("").trim();
    if text.chars().count() > 200 {
        return Err(ServiceError::field(
            "q",
            "field-too-long",
            vec![("max", "200".to_owned())],
        ));
    }
    Ok((condition, text.to_owned()))
}

/// The FAQs the caller reads, searched when `q` is given (exact error code first, then by
/// relevance, title above body) unless a sort is asked, else the latest changed first.
pub async fn list<C: Handle>(ctx: &Ctx<C>, filter: &FaqFilter) -> ServiceResult<Paged<FaqHit>> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(20),
    }
    .checked()?;
    page_of(ctx, filter, page).await
}

/// One page of the list: the search's, in relevance order, when `q` is given without a sort;
/// else the FAQs the filters keep (those `q` finds among them) in the order asked.
async fn page_of<C: Handle>(
    ctx: &Ctx<C>,
    filter: &FaqFilter,
    page: PageRequest,
) -> ServiceResult<Paged<FaqHit>> {
    let (mut condition, text) = conditions(ctx, filter).await?;
    let sort = filter.sort.as_deref().filter(|s| !s.trim().is_empty());
    if !text.is_empty() && sort.is_none() {
        return search(ctx, condition, &text, false, page).await;
    }
    let sort = Sort::parse(sort, FaqColumn::Updated)?;
    let query = Query::parse(&text, false);
    if !text.is_empty() {
        condition = condition.add(found_by(ctx, &text, &query));
    }
    let select = sort.apply(ctx.find::<faq::Entity>().filter(condition), faq::Column::Id);
    let rows = listing::page_of(ctx, select, page).await?;
    Ok(Paged {
        items: hits_of(ctx, rows.items, &query).await?,
        page: rows.page,
        per_page: rows.per_page,
        total: rows.total,
    })
}

/// What the search finds for `text`: the FAQs with that exact error code, and those whose
/// index matches the query's words.
fn found_by<C: Handle>(ctx: &Ctx<C>, text: &str, query: &Query) -> Condition {
    let exact = Condition::all().add(faq::Column::ErrorCode.eq(text.to_uppercase()));
    if query.is_empty() {
        return exact;
    }
    let mut matched = fulltext::matching(
        ctx.get_database_backend(),
        fulltext::Corpus::Faq,
        SqlQuery::select()
            .column((faq::Entity, faq::Column::Id))
            .from(faq::Entity)
            .to_owned(),
        query,
        fulltext::Private::Nowhere,
    );
    matched.clear_order_by();
    Condition::any()
        .add(exact)
        .add(faq::Column::Id.in_subquery(matched))
}

/// One FAQ's cells, in the reader's language.
fn cells(hit: &FaqHit, lang: Lang) -> Vec<String> {
    vec![
        hit.title.clone(),
        hit.offer.clone().unwrap_or_else(|| lang.t("faq-general")),
        hit.error_code.clone().unwrap_or_default(),
        lang.t(&format!("faq-status-{}", hit.status)),
        lang.t(&format!("faq-visibility-{}", hit.visibility)),
        listing::local(Some(hit.updated_at)),
    ]
}

/// The whole list as the filters keep and sort it (or as the search ranks it), as CSV: the
/// head, then a page of lines per step, each written out before the next is read. The
/// knowledge base holds hundreds of FAQs, so pages follow by offset, the search's ranking
/// included. 422 before the first byte on a bad filter or separator.
pub async fn export(
    ctx: Ctx,
    filter: FaqFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    conditions(&ctx, &filter).await?;
    if let Some(sort) = filter.sort.as_deref().filter(|s| !s.trim().is_empty()) {
        Sort::<FaqColumn>::parse(Some(sort), FaqColumn::Updated)?;
    }
    let head = listing::head(&ctx, sheet, &HEADERS)?;
    let rows = futures::stream::try_unfold((ctx, filter, 1u64, false), move |state| async move {
        let (ctx, filter, page, done) = state;
        if done {
            return Ok(None);
        }
        let found = page_of(
            &ctx,
            &filter,
            PageRequest {
                page,
                per_page: CHUNK,
            },
        )
        .await?;
        if found.items.is_empty() {
            return Ok(None);
        }
        let lang = ctx.caller().language;
        let last = (found.items.len() as u64) < CHUNK;
        let lines = sheet
            .write(found.items.iter().map(|h| cells(h, lang)))
            .map_err(|e| ServiceError::Internal(e.into()))?;
        Ok(Some((lines, (ctx, filter, page + 1, last))))
    });
    Ok(futures::stream::once(async move { Ok(head) }).chain(rows))
}

/// The published FAQs of an offer (and general ones) matching what a contact is typing, for the
/// suggestions under the new request's title.
pub async fn suggestions<C: Handle>(
    ctx: &Ctx<C>,
    offer_id: i64,
    text: &str,
    limit: u64,
) -> ServiceResult<Vec<FaqHit>> {
    let condition = Condition::all()
        .add(faq::Column::Status.eq(FaqStatus::Published))
        .add(
            Condition::any()
                .add(faq::Column::OfferId.eq(offer_id))
                .add(faq::Column::OfferId.is_null()),
        );
    let page = PageRequest {
        page: 1,
        per_page: limit,
    };
    let mut found = search(ctx, condition.clone(), text, true, page)
        .await?
        .items;
    let query = Query::parse(text, true);
    if (found.len() as u64) < limit && query.terms.len() > 1 {
        // Fewer than asked with every word: the FAQs matching some of them follow, those
        // matching the most words first, so one word outside every FAQ hides nothing.
        let known: Vec<i64> = found.iter().map(|h| h.id).collect();
        let ids = by_words_matched(ctx, condition, &query, &known, limit).await?;
        found.extend(hits(ctx, &ids, &query).await?);
        found.truncate(limit as usize);
    }
    Ok(found)
}

/// The FAQs (under `condition`, other than `known`) matching at least one of the query's
/// words, ranked by how many they match, then by their rank for the first word they match.
async fn by_words_matched<C: Handle>(
    ctx: &Ctx<C>,
    condition: Condition,
    query: &Query,
    known: &[i64],
    limit: u64,
) -> ServiceResult<Vec<i64>> {
    let mut matched: Vec<(i64, usize, usize)> = Vec::new();
    let last = query.terms.len() - 1;
    for (i, term) in query.terms.iter().enumerate() {
        let single = Query {
            terms: vec![term.clone()],
            prefix: query.prefix && i == last,
        };
        let select = fulltext::statement(
            ctx.find::<faq::Entity>()
                .filter(condition.clone())
                .select_only()
                .column(faq::Column::Id)
                .filter(faq::Column::Id.is_not_in(known.iter().copied())),
        );
        let ranked = fulltext::matching(
            ctx.get_database_backend(),
            fulltext::Corpus::Faq,
            select,
            &single,
            fulltext::Private::Nowhere,
        );
        let (ids, _) = fulltext::page_of_ids(
            ctx,
            fulltext::Corpus::Faq,
            ranked,
            0,
            50,
            fulltext::Reach::All,
        )
        .await?;
        for (rank, id) in ids.into_iter().enumerate() {
            match matched.iter_mut().find(|(m, _, _)| *m == id) {
                Some(entry) => entry.1 += 1,
                None => matched.push((id, 1, i * 1000 + rank)),
            }
        }
    }
    matched.sort_by_key(|&(_, words, first)| (std::cmp::Reverse(words), first));
    Ok(matched
        .into_iter()
        .take(limit as usize)
        .map(|(id, _, _)| id)
        .collect())
}

async fn search<C: Handle>(
    ctx: &Ctx<C>,
    condition: Condition,
    text: &str,
    prefix: bool,
    page: PageRequest,
) -> ServiceResult<Paged<FaqHit>> {
    let query = Query::parse(text, prefix);
    let scoped = || ctx.find::<faq::Entity>().filter(condition.clone());
    let (ids, total) = if text.is_empty() {
        let total = scoped().count(ctx).await?;
        let ids: Vec<i64> = scoped()
            .select_only()
            .column(faq::Column::Id)
            .order_by_desc(faq::Column::UpdatedAt)
            .order_by_desc(faq::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .into_tuple()
            .all(ctx)
            .await?;
        (ids, total)
    } else {
        // An error code typed as such is the best answer there is: it comes first.
        let code = text.to_uppercase();
        let exact: Vec<i64> = scoped()
            .select_only()
            .column(faq::Column::Id)
            .filter(faq::Column::ErrorCode.eq(code))
            .order_by_asc(faq::Column::Id)
            .limit(10)
            .into_tuple()
            .all(ctx)
            .await?;
        let (mut ids, mut total) = (Vec::new(), exact.len() as u64);
        let offset = page.offset();
        let skipped = exact
            .iter()
            .skip(offset as usize)
            .take(page.per_page as usize);
        ids.extend(skipped.copied());
        if !query.is_empty() {
            let select = fulltext::statement(
                scoped()
                    .select_only()
                    .column(faq::Column::Id)
                    .filter(faq::Column::Id.is_not_in(exact.clone())),
            );
            let ranked = fulltext::matching(
                ctx.get_database_backend(),
                fulltext::Corpus::Faq,
                select,
                &query,
                fulltext::Private::Nowhere,
            );
            let (found, count) = fulltext::page_of_ids(
                ctx,
                fulltext::Corpus::Faq,
                ranked,
                offset.saturating_sub(exact.len() as u64),
                page.per_page - ids.len() as u64,
                fulltext::Reach::All,
            )
            .await?;
            ids.extend(found);
            total += count;
        }
        (ids, total)
    };
    let items = hits(ctx, &ids, &query).await?;
    Ok(Paged {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// What a hit shows of an FAQ, with its offer's code.
#[derive(FromQueryResult)]
struct HitRow {
    id: i64,
    title: String,
    summary: String,
    body: String,
    error_code: Option<String>,
    status: FaqStatus,
    visibility: FaqVisibility,
    updated_at: DateTime<Utc>,
    offer: Option<String>,
}

/// The hits of some FAQ ids, in the order given, with their snippets: one statement, the
/// offers' codes read with the rows.
async fn hits<C: Handle>(ctx: &Ctx<C>, ids: &[i64], query: &Query) -> ServiceResult<Vec<FaqHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<HitRow> = ctx
        .find::<faq::Entity>()
        .select_only()
        .columns([
            faq::Column::Id,
            faq::Column::Title,
            faq::Column::Summary,
            faq::Column::Body,
            faq::Column::ErrorCode,
            faq::Column::Status,
            faq::Column::Visibility,
            faq::Column::UpdatedAt,
        ])
        .expr_as(
            listing::offer_code(faq::Entity, faq::Column::OfferId),
            "offer",
        )
        .filter(faq::Column::Id.is_in(ids.iter().copied()))
        .into_model()
        .all(ctx)
        .await?;
    let mut by_id: HashMap<i64, HitRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|row| hit(row, query))
        .collect())
}

/// The hits of some FAQs, in their order, with their snippets (offer codes in one query).
async fn hits_of<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<faq::Model>,
    query: &Query,
) -> ServiceResult<Vec<FaqHit>> {
    let offers = offer_codes(ctx, rows.iter().filter_map(|r| r.offer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let offer = row.offer_id.and_then(|o| offers.get(&o).cloned());
            hit(
                HitRow {
                    id: row.id,
                    title: row.title,
                    summary: row.summary,
                    body: row.body,
                    error_code: row.error_code,
                    status: row.status,
                    visibility: row.visibility,
                    updated_at: row.updated_at,
                    offer,
                },
                query,
            )
        })
        .collect())
}

/// One hit: the row, and where the query's words are in its summary and body.
fn hit(row: HitRow, query: &Query) -> FaqHit {
    let text = format!(
        "{} {}",
        row.summary,
        crate::markdown::to_plain_text(&row.body)
    );
    FaqHit {
        id: row.id,
        snippet: snippet(&text, query, SNIPPET),
        offer: row.offer,
        title: row.title,
        summary: row.summary,
        error_code: row.error_code,
        status: row.status.to_value(),
        visibility: row.visibility.to_value(),
        updated_at: row.updated_at,
    }
}

/// Offer codes by id, in one query. Offer codes are public within the consortium.
pub(super) async fn offer_codes<C: ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = i64>,
) -> ServiceResult<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // An FAQ read names its offer.
    Ok(directory::offers(db, ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect())
}

/// The id of an offer the caller reads, by code (404 otherwise).
pub async fn offer_id<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<i64> {
    ctx.find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .into_tuple()
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}
