//! Satisfaction by offer: how the tickets filed in the period were rated, 1 (very satisfied)
//! to 4 (dissatisfied); one grouped query.

use entity::ticket;
use sea_orm::{
    ColumnTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ReportFilter, label_of, offer_codes, offer_id, percent,
    period::Period,
    table::{Cell, Table},
    ticket_list,
};
use crate::{
    db::{Ctx, Handle},
    services::{error::ServiceResult, tickets::TicketFilter},
};

/// The ratings, best first.
pub const RATINGS: [i16; 4] = [1, 2, 3, 4];

/// One rating's count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingCount {
    /// 1 (very satisfied) to 4 (dissatisfied).
    pub rating: i16,
    /// Tickets so rated.
    pub count: i64,
    /// Their list (HTML path).
    pub list: String,
}

/// One offer's ratings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SatisfactionRow {
    /// Offer code.
    pub offer: String,
    /// Tickets rated.
    pub rated: i64,
    /// Percent rated 1 or 2 (satisfied).
    pub satisfied_percent: Option<f64>,
    /// Mean rating.
    pub mean: Option<f64>,
    /// Counts by rating, 1 to 4.
    pub ratings: Vec<RatingCount>,
}

/// Ratings by offer over the caller's tickets filed in the period.
pub async fn satisfaction<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Vec<SatisfactionRow>> {
    super::managers_only(ctx)?;
    let period = Period::of(filter, ctx.now())?;
    let mut query = ctx
        .find::<ticket::Entity>()
        .filter(period.filed())
        .filter(ticket::Column::Satisfaction.is_in(RATINGS));
    if let Some(offer) = offer_id(ctx, filter).await? {
        query = query.filter(ticket::Column::OfferId.eq(offer));
    }
    let counts: Vec<(i64, Option<i16>, i64)> = query
        .select_only()
        .column(ticket::Column::OfferId)
        .column(ticket::Column::Satisfaction)
        .expr_as(Expr::col((ticket::Entity, ticket::Column::Id)).count(), "n")
        .group_by(ticket::Column::OfferId)
        .group_by(ticket::Column::Satisfaction)
        .into_tuple()
        .all(ctx)
        .await?;
    let mut offers: Vec<i64> = counts.iter().map(|c| c.0).collect();
    offers.sort_unstable();
    offers.dedup();
    let codes = offer_codes(ctx, offers.clone()).await?;
    let mut rows: Vec<SatisfactionRow> = offers
        .into_iter()
        .map(|offer| {
            let code = label_of(&codes, offer);
            let ratings: Vec<RatingCount> = RATINGS
                .iter()
                .map(|&rating| RatingCount {
                    rating,
                    count: counts
                        .iter()
                        .find(|c| c.0 == offer && c.1 == Some(rating))
                        .map_or(0, |c| c.2),
                    list: ticket_list(&TicketFilter {
                        offer: Some(code.clone()),
                        satisfaction: Some(rating),
                        ..period.list_filter(None)
                    }),
                })
                .collect();
            let rated: i64 = ratings.iter().map(|r| r.count).sum();
            let sum: i64 = ratings.iter().map(|r| i64::from(r.rating) * r.count).sum();
            SatisfactionRow {
                offer: code,
                rated,
                satisfied_percent: percent(ratings.iter().take(2).map(|r| r.count).sum(), rated),
                mean: (rated > 0).then(|| (sum as f64 * 10.0 / rated as f64).round() / 10.0),
                ratings,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.offer.cmp(&b.offer));
    Ok(rows)
}

/// The rows as a table.
pub fn table(rows: &[SatisfactionRow]) -> Table {
    let mut headers = vec!["tickets-offer".to_owned(), "report-rated".to_owned()];
    headers.extend(RATINGS.iter().map(|r| format!("satisfaction-{r}")));
    headers.extend([
        "report-satisfied".to_owned(),
        "report-mean-rating".to_owned(),
    ]);
    Table {
        headers,
        rows: rows
            .iter()
            .map(|r| {
                let mut cells = vec![Cell::text(r.offer.clone()), Cell::count(r.rated)];
                cells.extend(
                    r.ratings
                        .iter()
                        .map(|c| Cell::count(c.count).linked(c.list.clone())),
                );
                cells.push(Cell::value(r.satisfied_percent));
                cells.push(Cell::value(r.mean));
                cells
            })
            .collect(),
    }
}
