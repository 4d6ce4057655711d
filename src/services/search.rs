//! The search box: tickets and FAQs the caller reads, in one answer. Tickets are found by
//! reference (exactly, first), title, description, solution and public log, and, on the tickets
//! whose provider's side the caller stands on, the private log too. A ticket or FAQ the caller
//! would get 404 on is never found, counted or quoted.

use std::collections::HashMap;

use entity::ticket;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    db::{Ctx, Handle, ProviderSide},
    domain::search_terms::{Query, snippet},
    services::{
        PageRequest, Paged,
        error::{ServiceError, ServiceResult},
        faqs::{self, FaqFilter, FaqHit},
        fulltext, listing,
    },
};

/// What to search.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// Words (French; accents and case do not matter), a ticket reference or an error code.
    pub q: String,
    /// Page of each list, from 1.
    pub page: Option<u64>,
}

/// A ticket found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketHit {
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// Offer code.
    pub offer: String,
    /// Where the words are in its title and description, HTML-escaped, hits in `<mark>`.
    pub snippet: String,
}

/// Tickets and FAQs found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The query as typed.
    pub q: String,
    /// Tickets, by relevance; `total` counts at most 1000 (plus exact references), and past 1000
    /// matches the 1000 newest are the ones ranked.
    pub tickets: Paged<TicketHit>,
    /// Whether more tickets match than `tickets.total` counts.
    pub more_tickets: bool,
    /// Published FAQs, by relevance.
    pub faqs: Paged<FaqHit>,
}

/// What a ticket hit shows, read with its offer's code.
#[derive(FromQueryResult)]
struct HitRow {
    id: i64,
    reference: String,
    title: String,
    description: String,
    status: ticket::Status,
    offer: Option<String>,
}

/// Results per list and page.
const PER_PAGE: u64 = 20;
/// Tickets counted at most: "1000" reads "a thousand or more", and relevance then orders the
/// thousand newest matches (see [`fulltext::Reach::Newest`]).
pub const MAX_COUNTED: u64 = 1000;

/// Where the caller's search reads private log text.
fn private_reach(scope: &crate::access::Scope) -> fulltext::Private {
    let side = ProviderSide(scope);
    if scope.admin {
        fulltext::Private::Everywhere
    } else if !side.anywhere() {
        fulltext::Private::Nowhere
    } else {
        fulltext::Private::Where(side.condition())
    }
}

/// Searches tickets and FAQs in the caller's scope.
pub async fn everything<C: Handle>(
    ctx: &Ctx<C>,
    request: &SearchRequest,
) -> ServiceResult<SearchResults> {
    let text = request.q.trim();
    if text.is_empty() || text.chars().count() > 200 {
        return Err(ServiceError::field(
            "q",
            "ticket-text-required-max",
            vec![("max", "200".to_owned())],
        ));
    }
    let page = PageRequest {
        page: request.page.unwrap_or(1),
        per_page: PER_PAGE,
    }
    .checked()?;
    let faqs = faqs::list(
        ctx,
        &FaqFilter {
            q: Some(text.to_owned()),
            page: Some(page.page),
            per_page: Some(PER_PAGE),
            ..FaqFilter::default()
        },
    )
    .await?;
    let (tickets, more_tickets) = tickets(ctx, text, page).await?;
    Ok(SearchResults {
        q: text.to_owned(),
        tickets,
        more_tickets,
        faqs,
    })
}

async fn tickets<C: Handle>(
    ctx: &Ctx<C>,
    text: &str,
    page: PageRequest,
) -> ServiceResult<(Paged<TicketHit>, bool)> {
    let query = Query::parse(text, false);
    let exact: Vec<i64> = ctx
        .find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::Id)
        .filter(ticket::Column::Reference.eq(text.to_uppercase()))
        .into_tuple()
        .all(ctx)
        .await?;
    let offset = page.offset();
    let mut ids: Vec<i64> = exact.iter().skip(offset as usize).copied().collect();
    let mut total = exact.len() as u64;
    let mut more = false;
    if !query.is_empty() {
        let wanted = page.per_page - ids.len() as u64;
        let (found, count) = ranked(ctx, &query, &exact, offset, wanted).await?;
        ids.extend(found);
        total += count;
        more = count >= MAX_COUNTED;
    }
    // The hits with their offers' codes, in one statement.
    let rows: Vec<HitRow> = ctx
        .find::<ticket::Entity>()
        .select_only()
        .columns([
            ticket::Column::Id,
            ticket::Column::Title,
            ticket::Column::Description,
            ticket::Column::Status,
        ])
        // The column is `ref`, a word SQL keeps.
        .expr_as(
            Expr::col((ticket::Entity, ticket::Column::Reference)),
            "reference",
        )
        .expr_as(
            listing::offer_code(ticket::Entity, ticket::Column::OfferId),
            "offer",
        )
        .filter(ticket::Column::Id.is_in(ids.iter().copied()))
        .into_model()
        .all(ctx)
        .await?;
    let mut by_id: HashMap<i64, HitRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let items = ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|row| TicketHit {
            // The snippet quotes what every reader of the ticket reads, never its private log.
            snippet: snippet(
                &format!(
                    "{} {}",
                    row.title,
                    crate::markdown::to_plain_text(&row.description)
                ),
                &query,
                160,
            ),
            offer: row.offer.unwrap_or_default(),
            reference: row.reference,
            title: row.title,
            status: row.status.to_value(),
        })
        .collect();
    Ok((
        Paged {
            items,
            page: page.page,
            per_page: page.per_page,
            total,
        },
        more,
    ))
}

/// One page of the tickets matching `query` by relevance, besides those found by reference, and
/// how many match (at most [`MAX_COUNTED`]).
async fn ranked<C: Handle>(
    ctx: &Ctx<C>,
    query: &Query,
    exact: &[i64],
    offset: u64,
    wanted: u64,
) -> ServiceResult<(Vec<i64>, u64)> {
    let select = fulltext::statement(
        ctx.find::<ticket::Entity>()
            .select_only()
            .column(ticket::Column::Id)
            .filter(ticket::Column::Id.is_not_in(exact.to_vec())),
    );
    let ranked = fulltext::matching(
        ctx.get_database_backend(),
        fulltext::Corpus::Ticket,
        select,
        query,
        private_reach(ctx.scope()),
    );
    let (found, count) = fulltext::page_of_ids(
        ctx,
        fulltext::Corpus::Ticket,
        ranked,
        offset.saturating_sub(exact.len() as u64),
        wanted,
        fulltext::Reach::Newest(MAX_COUNTED),
    )
    .await?;
    Ok((found, count))
}
