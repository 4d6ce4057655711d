//! Volumes: tickets filed in the period by offer, subcategory, requester's organisation or
//! month, with how many are still open; one grouped query.

use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, SimpleExpr},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ReportFilter, casts, label_of, offer_codes, offer_id,
    period::Period,
    table::{Cell, Table},
    ticket_list,
};
use crate::{
    db::{Ctx, Handle, directory},
    services::{
        error::{ServiceError, ServiceResult},
        tickets::{TicketFilter, log::OPEN},
    },
};

/// What the tickets are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The offer.
    Offer,
    /// The subcategory.
    Subcategory,
    /// The requester's organisation.
    Organisation,
    /// The month of filing.
    Month,
}

impl Dimension {
    /// Every dimension, in the order the pages offer them.
    pub const ALL: [Dimension; 4] = [
        Dimension::Offer,
        Dimension::Subcategory,
        Dimension::Organisation,
        Dimension::Month,
    ];

    /// The word of the address (`/desk/reports/volumes/{word}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Offer => "offer",
            Dimension::Subcategory => "subcategory",
            Dimension::Organisation => "organisation",
            Dimension::Month => "month",
        }
    }

    /// The dimension of a word; anything else is not a page.
    pub fn parse(word: &str) -> ServiceResult<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == word)
            .ok_or(ServiceError::NotFound)
    }
}

/// Tickets of one offer, subcategory, organisation or month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VolumeRow {
    /// The offer's code, the subcategory's or organisation's name, or the month `YYYY-MM`.
    pub label: String,
    /// The offer's, subcategory's or organisation's id (none for a month).
    pub id: Option<i64>,
    /// Tickets filed in the period.
    pub tickets: i64,
    /// Of which incidents.
    pub incidents: i64,
    /// Of which service requests.
    pub requests: i64,
    /// Of which still open.
    pub open: i64,
    /// The ticket list of the row's tickets (HTML path with the filters of
    /// `GET /api/v1/tickets`).
    pub list: String,
    /// The same list, open tickets only.
    pub open_list: String,
}

#[derive(Debug, FromQueryResult)]
struct Aggregate {
    key: i64,
    tickets: i64,
    incidents: i64,
    requests: i64,
    open: i64,
}

/// Tickets filed in the period, by `by`, in one grouped query over the caller's tickets.
pub async fn volumes<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
    by: Dimension,
) -> ServiceResult<Vec<VolumeRow>> {
    super::managers_only(ctx)?;
    let period = Period::of(filter, ctx.now())?;
    let backend = ctx.get_database_backend();
    let (int, _) = casts(backend);
    let key: SimpleExpr = match by {
        Dimension::Offer => Expr::col((ticket::Entity, ticket::Column::OfferId)),
        Dimension::Subcategory => Expr::col((ticket::Entity, ticket::Column::SubcategoryId)),
        Dimension::Organisation => Expr::col((ticket::Entity, ticket::Column::OrganisationId)),
        Dimension::Month => period.month_index(int),
    };
    let count_if = |condition: String| {
        Expr::cust(format!(
            "CAST(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {int})"
        ))
    };
    let open_words = OPEN
        .iter()
        .map(|s| format!("'{}'", sea_orm::ActiveEnum::to_value(s)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut query = ctx
        .find::<ticket::Entity>()
        .select_only()
        .expr_as(key, "key")
        .expr_as(Expr::cust(format!("CAST(COUNT(*) AS {int})")), "tickets")
        .expr_as(count_if("kind = 'incident'".into()), "incidents")
        .expr_as(count_if("kind = 'request'".into()), "requests")
        .expr_as(count_if(format!("status IN ({open_words})")), "open")
        .filter(period.filed())
        // By position: the month's expression carries bound values, which PostgreSQL would
        // not recognise as the same expression twice.
        .group_by(Expr::cust("1"))
        .order_by_asc(Expr::cust("1"));
    if let Some(offer) = offer_id(ctx, filter).await? {
        query = query.filter(ticket::Column::OfferId.eq(offer));
    }
    let rows = query.into_model::<Aggregate>().all(ctx).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.key).collect();
    let labels = match by {
        Dimension::Offer => offer_codes(ctx, ids).await?,
        Dimension::Subcategory => directory::subcategory_names(ctx, ids).await?,
        Dimension::Organisation => directory::organisation_names(ctx, ids).await?,
        Dimension::Month => Vec::new(),
    };
    let mut rows: Vec<VolumeRow> = rows
        .into_iter()
        .map(|r| {
            let month = (by == Dimension::Month)
                .then(|| period.month(r.key))
                .flatten();
            let mut list = TicketFilter {
                offer: filter.offer_code(),
                ..period.list_filter(month)
            };
            let label = match by {
                Dimension::Offer => {
                    let code = label_of(&labels, r.key);
                    list.offer = Some(code.clone());
                    code
                }
                Dimension::Subcategory => {
                    list.subcategory = Some(r.key);
                    label_of(&labels, r.key)
                }
                Dimension::Organisation => {
                    list.organisation = Some(r.key);
                    label_of(&labels, r.key)
                }
                Dimension::Month => month.map(super::period::Month::label).unwrap_or_default(),
            };
            let open_list = ticket_list(&TicketFilter {
                status: Some("open".to_owned()),
                ..list.clone()
            });
            VolumeRow {
                label,
                id: (by != Dimension::Month).then_some(r.key),
                tickets: r.tickets,
                incidents: r.incidents,
                requests: r.requests,
                open: r.open,
                list: ticket_list(&list),
                open_list,
            }
        })
        .collect();
    if by != Dimension::Month {
        rows.sort_by(|a, b| {
            b.tickets
                .cmp(&a.tickets)
                .then_with(|| a.label.cmp(&b.label))
        });
    }
    Ok(rows)
}

/// The rows as a table, headed by what they are counted by.
pub fn table(rows: &[VolumeRow], by: Dimension) -> Table {
    let first = match by {
        Dimension::Offer => "tickets-offer",
        Dimension::Subcategory => "csv-subcategory",
        Dimension::Organisation => "convention-client",
        Dimension::Month => "report-month",
    };
    Table {
        headers: [
            first,
            "report-tickets",
            "kind-incident",
            "kind-request",
            "report-open",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.label.clone()),
                    Cell::count(r.tickets).linked(r.list.clone()),
                    Cell::count(r.incidents),
                    Cell::count(r.requests),
                    Cell::count(r.open).linked(r.open_list.clone()),
                ]
            })
            .collect(),
    }
}
