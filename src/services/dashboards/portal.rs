//! The contacts' home: their organisation's requests and their conventions' consumption.

use entity::ticket;
use sea_orm::{ColumnTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Widget, count_by, status, widget};
use crate::{
    db::{Ctx, Handle},
    services::{
        MAX_PER_PAGE,
        catalogue::conventions::{self, ConventionFilter, ConventionView},
        error::ServiceResult,
        tickets::{TicketFilter, log::OPEN},
    },
};

const LIST: &str = "/portal/tickets";

/// A convention of the contact's organisation and what has been filed under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consumption {
    /// The convention.
    pub convention: ConventionView,
    /// Tickets filed under it, and their list.
    pub tickets: u64,
    /// Their list.
    pub tickets_href: String,
    /// Those still open (what a cap limits), and their list.
    pub open: u64,
    /// Their list.
    pub open_href: String,
}

/// What a contact looks at first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactHome {
    /// Open requests, those resolved and waiting for validation, those closed.
    pub widgets: Vec<Widget>,
    /// The conventions the contact reads, with their consumption.
    pub conventions: Vec<Consumption>,
}

/// The contact's home.
pub async fn contact<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<ContactHome> {
    let mut widgets = Vec::new();
    for (label, word) in [
        ("tickets-ongoing", "open"),
        ("tickets-awaiting-me", "resolved"),
        ("tickets-closed", "closed"),
    ] {
        widgets.push(widget(ctx, label, None, LIST, status(word)).await?);
    }
    let list = conventions::list(
        ctx,
        &ConventionFilter {
            page: Some(1),
            per_page: Some(MAX_PER_PAGE),
            ..ConventionFilter::default()
        },
    )
    .await?;
    let ids: Vec<i64> = list.items.iter().map(|c| c.id).collect();
    let filed = ctx
        .find::<ticket::Entity>()
        .filter(ticket::Column::ConventionId.is_in(ids.clone()));
    let all: Vec<(Option<i64>, i64)> =
        count_by(ctx, filed.clone(), ticket::Column::ConventionId).await?;
    let open: Vec<(Option<i64>, i64)> = count_by(
        ctx,
        filed.filter(ticket::Column::Status.is_in(OPEN)),
        ticket::Column::ConventionId,
    )
    .await?;
    let of = |counts: &[(Option<i64>, i64)], id: i64| {
        counts
            .iter()
            .find(|(c, _)| *c == Some(id))
            .map_or(0, |(_, n)| n.unsigned_abs())
    };
    let href = |id: i64, word: Option<&str>| {
        super::query_of(&TicketFilter {
            convention: Some(id),
            status: word.map(str::to_owned),
            ..TicketFilter::default()
        })
    };
    let conventions = list
        .items
        .into_iter()
        .map(|c| Consumption {
            tickets: of(&all, c.id),
            tickets_href: format!("{LIST}?{}", href(c.id, None)),
            open: of(&open, c.id),
            open_href: format!("{LIST}?{}", href(c.id, Some("open"))),
            convention: c,
        })
        .collect();
    Ok(ContactHome {
        widgets,
        conventions,
    })
}
