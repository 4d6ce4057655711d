//! The search box: tickets and FAQs the caller reads, in one answer. Tickets are found by
//! reference (exactly, first), title, description, solution and public log, and, on the tickets
//! whose provider's side the caller stands on, the private log too. A ticket or FAQ the caller
//! would get 404 on is never found, counted or quoted.

use std::collections::HashMap;

use entity::{offer, ticket};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    db::{Scoped, Unscoped, ticket_provider_side},
    domain::search_terms::{Query, snippet},
    error::AppError,
    services::{
        PageRequest, Paged,
        faqs::{self, FaqFilter, FaqHit},
        fulltext,
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

/// Results per list and page.
const PER_PAGE: u64 = 20;
/// Tickets counted at most: "1000" reads "a thousand or more", and relevance then orders the
/// thousand newest matches (see [`fulltext::Reach::Newest`]).
pub const MAX_COUNTED: u64 = 1000;

/// Where the caller's search reads private log text.
fn private_reach(scope: &crate::access::Scope) -> fulltext::Private {
    if scope.admin {
        fulltext::Private::Everywhere
    } else if scope.delivered_offers.is_empty()
        && scope.team_ids.is_empty()
        && scope.managed.is_empty()
    {
        fulltext::Private::Nowhere
    } else {
        fulltext::Private::Where(ticket_provider_side(scope))
    }
}

/// Searches tickets and FAQs in the caller's scope.
pub async fn everything<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    request: &SearchRequest,
) -> Result<SearchResults, AppError> {
    let text = request.q.trim();
    if text.is_empty() || text.chars().count() > 200 {
        return Err(AppError::field("q", "is required, at most 200 characters"));
    }
    let page = PageRequest {
        page: request.page.unwrap_or(1),
        per_page: PER_PAGE,
    }
    .checked()?;
    // Transitional (i15-people): the FAQ service takes a context.
    let ctx = crate::db::Ctx::new(
        db.conn(),
        std::sync::Arc::new(crate::access::Caller {
            scope: db.scope().clone(),
            ..crate::access::Caller::platform()
        }),
        db.now(),
    );
    let faqs = faqs::list(
        &ctx,
        &FaqFilter {
            q: Some(text.to_owned()),
            page: Some(page.page),
            per_page: Some(PER_PAGE),
            ..FaqFilter::default()
        },
    )
    .await?;
    let (tickets, more_tickets) = tickets(db, text, page).await?;
    Ok(SearchResults {
        q: text.to_owned(),
        tickets,
        more_tickets,
        faqs,
    })
}

async fn tickets<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    text: &str,
    page: PageRequest,
) -> Result<(Paged<TicketHit>, bool), AppError> {
    let query = Query::parse(text, false);
    let exact: Vec<i64> = db
        .find::<ticket::Entity>()
        .select_only()
        .column(ticket::Column::Id)
        .filter(ticket::Column::Reference.eq(text.to_uppercase()))
        .into_tuple()
        .all(db.conn())
        .await?;
    let offset = page.offset();
    let mut ids: Vec<i64> = exact.iter().skip(offset as usize).copied().collect();
    let mut total = exact.len() as u64;
    let mut more = false;
    if !query.is_empty() {
        let select = fulltext::statement(
            db.find::<ticket::Entity>()
                .select_only()
                .column(ticket::Column::Id)
                .filter(ticket::Column::Id.is_not_in(exact.clone())),
        );
        let ranked = fulltext::matching(
            db.conn().get_database_backend(),
            fulltext::Corpus::Ticket,
            select,
            &query,
            private_reach(db.scope()),
        );
        let (found, count) = fulltext::page_of_ids(
            db.conn(),
            fulltext::Corpus::Ticket,
            ranked,
            offset.saturating_sub(exact.len() as u64),
            page.per_page - ids.len() as u64,
            fulltext::Reach::Newest(MAX_COUNTED),
        )
        .await?;
        ids.extend(found);
        total += count;
        more = count >= MAX_COUNTED;
    }
    let rows = db
        .find::<ticket::Entity>()
        .filter(ticket::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(ticket::Column::Id)
        .all(db.conn())
        .await?;
    let codes: HashMap<i64, String> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(rows.iter().map(|r| r.offer_id)))
        .into_tuple::<(i64, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    let mut by_id: HashMap<i64, ticket::Model> = rows.into_iter().map(|r| (r.id, r)).collect();
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
            offer: codes.get(&row.offer_id).cloned().unwrap_or_default(),
            reference: row.reference,
            title: row.title,
            status: row.status,
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
