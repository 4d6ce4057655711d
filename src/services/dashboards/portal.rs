//! The contacts' home: their organisation's requests and their conventions' consumption.

use std::collections::HashMap;

use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter,
    sea_query::{Expr, UnionType},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Widget, status, widget};
use crate::{
    db::{Ctx, Handle},
    services::{
        MAX_PER_PAGE,
        catalogue::conventions::{self, ConventionFilter, ConventionView},
        error::ServiceResult,
        tickets::{
            TicketFilter,
            list::{COUNT_AHEAD, capped, capped_count_statement},
            log::OPEN,
        },
    },
};

const LIST: &str = "/portal/tickets";

/// A convention of the contact's organisation and what has been filed under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consumption {
    /// The convention.
    pub convention: ConventionView,
    /// Tickets filed under it (at most [`COUNT_AHEAD`]).
    pub tickets: u64,
    /// Whether more were filed than `tickets` says ("1000+").
    pub tickets_more: bool,
    /// Their list.
    pub tickets_href: String,
    /// Those still open (what a cap limits; at most [`COUNT_AHEAD`]).
    pub open: u64,
    /// Whether more are open than `open` says.
    pub open_more: bool,
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
    let counts = consumption(ctx, &ids).await?;
    let of = |id: i64, open: bool| counts.get(&(id, open)).copied().unwrap_or((0, false));
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
        .map(|c| {
            let ((tickets, tickets_more), (open, open_more)) = (of(c.id, false), of(c.id, true));
            Consumption {
                tickets,
                tickets_more,
                tickets_href: format!("{LIST}?{}", href(c.id, None)),
                open,
                open_more,
                open_href: format!("{LIST}?{}", href(c.id, Some("open"))),
                convention: c,
            }
        })
        .collect();
    Ok(ContactHome {
        widgets,
        conventions,
    })
}

/// How many of the caller's tickets each convention has, all and open, each counted up to
/// [`COUNT_AHEAD`] ("1000+"), keyed by (convention, open): one statement, one capped count per
/// convention and state. A convention's tickets are all of its history, so an exact count
/// would read more rows every year; the figures only need to be exact up to a cap on open
/// tickets.
async fn consumption<C: Handle>(
    ctx: &Ctx<C>,
    ids: &[i64],
) -> ServiceResult<HashMap<(i64, bool), (u64, bool)>> {
    let mut arms = Vec::with_capacity(ids.len() * 2);
    for &id in ids {
        for open in [false, true] {
            let mut filed = ctx
                .find::<ticket::Entity>()
                .filter(ticket::Column::ConventionId.eq(id));
            if open {
                filed = filed.filter(ticket::Column::Status.is_in(OPEN));
            }
            let mut arm = capped_count_statement(filed, COUNT_AHEAD);
            arm.expr_as(Expr::val(id), "convention")
                .expr_as(Expr::val(i64::from(open)), "open");
            arms.push(arm);
        }
    }
    let mut arms = arms.into_iter();
    let Some(mut statement) = arms.next() else {
        return Ok(HashMap::new());
    };
    for arm in arms {
        statement.union(UnionType::All, arm);
    }
    let backend = ctx.get_database_backend();
    let mut counts = HashMap::new();
    for row in ctx.query_all_raw(backend.build(&statement)).await? {
        let n: i64 = row.try_get_by_index(0)?;
        let id: i64 = row.try_get_by_index(1)?;
        let open: i64 = row.try_get_by_index(2)?;
        counts.insert((id, open == 1), capped(n, COUNT_AHEAD));
    }
    Ok(counts)
}
