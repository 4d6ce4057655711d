//! The ticket lists: filters, sort columns from an allow-list, paging.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use entity::ticket;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{CaseStatement, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{TicketView, log::OPEN, views};
use crate::{
    db::{Ctx, Handle, directory},
    domain::{catalogue::RequestKind, lifecycle::Status, sla::Priority},
    services::{
        PageRequest, Paged,
        error::{ServiceError, ServiceResult},
    },
};

/// Filters of the ticket lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketFilter {
    /// `incident` or `request`.
    pub kind: Option<RequestKind>,
    /// A status, or `open` (new, assigned, pending) / `done` (resolved, closed).
    pub status: Option<String>,
    /// Offer code.
    pub offer: Option<String>,
    /// Subcategory id.
    pub subcategory: Option<i64>,
    /// Requester's organisation id.
    pub organisation: Option<i64>,
    /// Team id.
    pub team: Option<i64>,
    /// Convention id: the tickets filed under it.
    pub convention: Option<i64>,
    /// Agent account id.
    pub agent: Option<i64>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Words of the reference or title.
    pub q: Option<String>,
    /// `none`: the tickets no service level applies to (for the coordinators' follow-up).
    pub sla: Option<String>,
    /// `true`: only the tickets no agent holds.
    pub unassigned: Option<bool>,
    /// `at_risk`: a running deadline past 75 % of its target; `missed`: a running deadline
    /// passed.
    pub deadline: Option<String>,
    /// Filed on or after this day, `YYYY-MM-DD` in the consortium's time zone.
    pub created_from: Option<String>,
    /// Filed on or before this day, `YYYY-MM-DD` in the consortium's time zone.
    pub created_to: Option<String>,
    /// A satisfaction rating given, 1 to 5.
    pub satisfaction: Option<i16>,
    /// `updated` (default, newest first), `created`, `ref`, `title`, `priority`, `status`,
    /// `deadline` (the nearest running deadline first), or the same with `-` for the other
    /// order… e.g. `-created`.
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file instead of a page (the API also answers CSV to
    /// `Accept: text/csv`).
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    pub sep: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items per page, up to 200.
    pub per_page: Option<u64>,
}

impl TicketFilter {
    /// The filters set, as query-string pairs (paging left out): what a list page shows back
    /// and builds its paging links from, and what a saved view keeps.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        };
        push("kind", self.kind.map(|k| k.as_str().to_owned()));
        push("status", self.status.clone());
        push("offer", self.offer.clone());
        push("subcategory", self.subcategory.map(|s| s.to_string()));
        push("organisation", self.organisation.map(|o| o.to_string()));
        push("team", self.team.map(|t| t.to_string()));
        push("convention", self.convention.map(|c| c.to_string()));
        push("agent", self.agent.map(|a| a.to_string()));
        push(
            "priority",
            self.priority.map(|p| {
                serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }),
        );
        push("q", self.q.clone());
        push("sla", self.sla.clone());
        push("unassigned", self.unassigned.map(|u| u.to_string()));
        push("deadline", self.deadline.clone());
        push("created_from", self.created_from.clone());
        push("created_to", self.created_to.clone());
        push("satisfaction", self.satisfaction.map(|s| s.to_string()));
        push("sort", self.sort.clone());
        pairs
    }
}

/// Rows counted at most past the end of the page shown: beyond, a list says "1000+" and offers
/// the next page. Counting every matching row on each page (100 000 on a large history) cost
/// more than the page itself; an exact count past this is what an export or a report is for.
pub const COUNT_AHEAD: u64 = 1000;

/// A page of tickets: the page, and whether more tickets match than its `total` counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    /// The page; `total` stops counting [`COUNT_AHEAD`] tickets past its end.
    #[serde(flatten)]
    pub page: Paged<TicketView>,
    /// Whether more tickets match than `total` counts.
    pub more: bool,
}

/// Counts the rows `query` selects, stopping at `cap`: how many (at most `cap`), and whether
/// more match. The database stops reading at `cap + 1` rows.
pub async fn capped_count<C: Handle, E: EntityTrait>(
    ctx: &Ctx<C>,
    query: Select<E>,
    cap: u64,
) -> ServiceResult<(u64, bool)> {
    let backend = ctx.get_database_backend();
    let n: i64 = match ctx
        .query_one_raw(backend.build(&capped_count_statement(query, cap)))
        .await?
    {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(capped(n, cap))
}

/// `SELECT COUNT(*)` of at most `cap + 1` of the rows `query` selects (its first column), for
/// [`capped_count`] and for statements that gather several such counts.
pub fn capped_count_statement<E: EntityTrait>(query: Select<E>, cap: u64) -> SelectStatement {
    let rows = query
        .select_only()
        .expr_as(Expr::val(1), "one")
        .limit(cap + 1)
        .into_query();
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(rows, "capped")
        .to_owned()
}

/// A count read by [`capped_count_statement`]: at most `cap`, and whether more match.
pub fn capped(n: i64, cap: u64) -> (u64, bool) {
    let n = u64::try_from(n).unwrap_or_default();
    (std::cmp::Ord::min(n, cap), n > cap)
}

/// The tickets the caller reads, filtered, sorted and paged. The page and its capped count are
/// one statement (the count an uncorrelated subquery, read once, beside each row): a list took
/// a round trip for each. A page past the end has no row to carry the count, so it is counted
/// on its own.
pub async fn list<C: Handle>(ctx: &Ctx<C>, filter: &TicketFilter) -> ServiceResult<TicketPage> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let cap = page.offset() + page.per_page + COUNT_AHEAD;
    let counted = capped_count_statement(filtered(ctx, filter).await?, cap);
    let query = sorted(
        filtered_as(ctx, filter, Reading::Page).await?,
        filter.sort.as_deref(),
    )?
    .offset(page.offset())
    .limit(page.per_page)
    .expr_as(
        SimpleExpr::SubQuery(None, Box::new(counted.into())),
        PAGE_COUNT,
    );
    let backend = ctx.get_database_backend();
    let read = ctx
        .query_all_raw(backend.build(&query.into_query()))
        .await?;
    let counted = read
        .first()
        .map(|row| row.try_get::<i64>("", PAGE_COUNT))
        .transpose()?;
    let rows = read
        .iter()
        .map(|row| ticket::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    let (total, more) = match counted {
        Some(n) => capped(n, cap),
        None if page.offset() == 0 => (0, false),
        None => capped_count(ctx, filtered(ctx, filter).await?, cap).await?,
    };
    Ok(TicketPage {
        page: Paged {
            items: views(ctx, rows).await?,
            page: page.page,
            per_page: page.per_page,
            total,
        },
        more,
    })
}

/// The column that carries a page's capped count.
const PAGE_COUNT: &str = "page_count";

/// The caller's open tickets whose clocks run, nearest deadline first (owning's while it runs,
/// else resolving's, as the `deadline` sort), at most `n`. Two queries, each walking one
/// deadline's index from the nearest and stopping after `n`, merged here: ordering by
/// `COALESCE(tto_deadline, ttr_deadline)` can use no index and sorted every open ticket of the
/// caller (47 ms for an agent at 100 000 tickets on SQLite). Deadlines are set only while their
/// clock runs, so these indexes hold only running clocks however long the history.
pub async fn nearest_deadlines<C: Handle>(ctx: &Ctx<C>, n: u64) -> ServiceResult<Vec<TicketView>> {
    let open = || {
        ctx.find::<ticket::Entity>()
            .filter(status_is(ctx, Reading::Page, OPEN))
    };
    let owning = open()
        .filter(ticket::Column::TtoDeadline.is_not_null())
        .order_by_asc(ticket::Column::TtoDeadline)
        .order_by_asc(ticket::Column::Id)
        .limit(n)
        .all(ctx)
        .await?;
    let resolving = open()
        .filter(ticket::Column::TtoDeadline.is_null())
        .filter(ticket::Column::TtrDeadline.is_not_null())
        .order_by_asc(ticket::Column::TtrDeadline)
        .order_by_asc(ticket::Column::Id)
        .limit(n)
        .all(ctx)
        .await?;
    let mut rows: Vec<_> = owning.into_iter().chain(resolving).collect();
    rows.sort_by_key(|t| (t.tto_deadline.or(t.ttr_deadline), t.id));
    rows.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    views(ctx, rows).await
}

/// The caller's tickets with the list's filters applied (unsorted: counts and exports start
/// from here too, so that they count exactly what the list shows).
pub async fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &TicketFilter,
) -> ServiceResult<Select<ticket::Entity>> {
    filtered_as(ctx, filter, Reading::Every).await
}

/// What a filtered query is for, which decides how the status is matched (see [`status_is`]).
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    /// Every matching row: counts, exports.
    Every,
    /// One sorted page.
    Page,
}

/// The status condition of a query read as `reading`. For a page on SQLite, `+status`: the
/// unary plus keeps the planner off the index that leads with the status
/// (`ix_ticket_status_resolved`), through which the SQLite that sqlx bundles (3.51) read every
/// open ticket of an agent and sorted them all for a page of 50 (42 ms at 100 000 tickets),
/// where walking the date index newest first stops at the end of the page (0.5 ms). Counts
/// and exports read every matching row anyway and keep the index; the other databases weigh
/// the `LIMIT` themselves.
fn status_is<C: Handle>(
    ctx: &Ctx<C>,
    reading: Reading,
    statuses: impl IntoIterator<Item = ticket::Status>,
) -> SimpleExpr {
    let column = Expr::col((ticket::Entity, ticket::Column::Status));
    let operand =
        if reading == Reading::Page && ctx.get_database_backend() == sea_orm::DbBackend::Sqlite {
            // `?` is where SQLite's builder writes the column.
            Expr::cust_with_expr("+?", column)
        } else {
            column
        };
    operand.is_in(
        statuses
            .into_iter()
            .map(|s| Expr::val(sea_orm::ActiveEnum::into_value(s))),
    )
}

async fn filtered_as<C: Handle>(
    ctx: &Ctx<C>,
    filter: &TicketFilter,
    reading: Reading,
) -> ServiceResult<Select<ticket::Entity>> {
    let mut query = ctx.find::<ticket::Entity>();
    if let Some(kind) = filter.kind {
        query = query.filter(ticket::Column::Kind.eq(ticket::Kind::from(kind)));
    }
    match filter.status.as_deref() {
        None | Some("") | Some("all") => {}
        Some("open") => {
            query = query.filter(status_is(ctx, reading, OPEN));
        }
        Some("done") => {
            query = query.filter(status_is(
                ctx,
                reading,
                [ticket::Status::Resolved, ticket::Status::Closed],
            ));
        }
        Some(other) => {
            let status = Status::parse(other)
                .ok_or_else(|| ServiceError::field("status", "ticket-filter-status", vec![]))?;
            query = query.filter(status_is(ctx, reading, [ticket::Status::from(status)]));
        }
    }
    if let Some(code) = &filter.offer {
        // An offer code names the tickets' offer; the tickets stay scoped.
        let id = directory::offers_by_code(ctx, [code.trim().to_uppercase()])
            .await?
            .first()
            .map_or(0, |o| o.id);
        query = query.filter(ticket::Column::OfferId.eq(id));
    }
    if let Some(subcategory) = filter.subcategory {
        query = query.filter(ticket::Column::SubcategoryId.eq(subcategory));
    }
    if let Some(org) = filter.organisation {
        query = query.filter(ticket::Column::OrganisationId.eq(org));
    }
    if let Some(team) = filter.team {
        query = query.filter(ticket::Column::TeamId.eq(team));
    }
    if let Some(convention) = filter.convention {
        query = query.filter(ticket::Column::ConventionId.eq(convention));
    }
    if let Some(agent) = filter.agent {
        query = query.filter(ticket::Column::AgentId.eq(agent));
    }
    match filter.sla.as_deref() {
        None | Some("") => {}
        Some("none") => query = query.filter(ticket::Column::SlaId.is_null()),
        Some(_) => return Err(ServiceError::field("sla", "ticket-filter-sla", vec![])),
    }
    if filter.unassigned == Some(true) {
        query = query.filter(ticket::Column::AgentId.is_null());
    }
    if let Some(deadline) = filter.deadline.as_deref().filter(|d| !d.is_empty()) {
        query = query.filter(deadline_condition(deadline, ctx.now())?);
    }
    if let Some(day) = filter.created_from.as_deref().filter(|d| !d.is_empty()) {
        query = query.filter(ticket::Column::CreatedAt.gte(day_start("created_from", day, 0)?));
    }
    if let Some(day) = filter.created_to.as_deref().filter(|d| !d.is_empty()) {
        query = query.filter(ticket::Column::CreatedAt.lt(day_start("created_to", day, 1)?));
    }
    if let Some(rating) = filter.satisfaction {
        query = query.filter(ticket::Column::Satisfaction.eq(rating));
    }
    if let Some(priority) = filter.priority {
        query = query.filter(ticket::Column::Priority.eq(ticket::Priority::from(priority)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.replace(['%', '_'], "").to_lowercase());
        query = query.filter(
            Condition::any()
                .add(ticket::Column::Reference.eq(q.to_uppercase()))
                .add(Func::lower(Expr::col(ticket::Column::Title)).like(pattern)),
        );
    }
    Ok(query)
}

/// The first instant of the Paris day `text` (`YYYY-MM-DD`) plus `days`.
fn day_start(field: &str, text: &str, days: u64) -> ServiceResult<DateTime<Utc>> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_days(Days::new(days)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| Paris.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ServiceError::field(field, "ticket-filter-day", vec![]))
}

/// Running deadlines past their 75 % instant (`at_risk`, not yet passed) or passed (`missed`),
/// on either metric.
pub fn deadline_condition(word: &str, now: DateTime<Utc>) -> ServiceResult<Condition> {
    let missed = Condition::any()
        .add(ticket::Column::TtoDeadline.lte(now))
        .add(ticket::Column::TtrDeadline.lte(now));
    match word {
        "missed" => Ok(missed),
        "at_risk" => Ok(Condition::all().add(missed.not()).add(
            Condition::any()
                .add(ticket::Column::TtoWarnAt.lte(now))
                .add(ticket::Column::TtrWarnAt.lte(now)),
        )),
        _ => Err(ServiceError::field(
            "deadline",
            "ticket-filter-deadline",
            vec![],
        )),
    }
}

/// The nearest running deadline: owning's while it runs (it comes first), else resolving's.
pub(super) fn nearest_deadline() -> SimpleExpr {
    Func::coalesce([
        Expr::col(ticket::Column::TtoDeadline),
        Expr::col(ticket::Column::TtrDeadline),
    ])
    .into()
}

/// What a sort word orders by: a column, or an expression (priority by rank, the nearest
/// running deadline).
fn sort_key(word: &str) -> Option<SimpleExpr> {
    Some(match word {
        "updated" => Expr::col(ticket::Column::UpdatedAt),
        "created" => Expr::col(ticket::Column::CreatedAt),
        "ref" => Expr::col(ticket::Column::Id),
        "title" => Expr::col(ticket::Column::Title),
        "status" => Expr::col(ticket::Column::Status),
        "priority" => CaseStatement::new()
            .case(ticket::Column::Priority.eq(ticket::Priority::Critical), 4)
            .case(ticket::Column::Priority.eq(ticket::Priority::High), 3)
            .case(ticket::Column::Priority.eq(ticket::Priority::Medium), 2)
            .finally(1)
            .into(),
        "deadline" => nearest_deadline(),
        _ => return None,
    })
}

/// A sort word's key and whether it runs ascending (the default sort when none is asked).
pub(super) fn ordering(sort: Option<&str>) -> ServiceResult<(&str, SimpleExpr, bool)> {
    let sort = sort.filter(|s| !s.is_empty()).unwrap_or("updated");
    let (word, reversed) = match sort.strip_prefix('-') {
        Some(word) => (word, true),
        None => (sort, false),
    };
    let key =
        sort_key(word).ok_or_else(|| ServiceError::field("sort", "ticket-filter-sort", vec![]))?;
    let ascending = matches!(word, "title" | "status" | "deadline") != reversed;
    Ok((word, key, ascending))
}

/// The list in the order asked, from an allow-list of sort words; the id breaks ties. Dates and
/// priorities come newest or highest first, the deadline nearest first (none last), text in
/// alphabetical order; `-` reverses.
pub fn sorted(
    query: Select<ticket::Entity>,
    sort: Option<&str>,
) -> ServiceResult<Select<ticket::Entity>> {
    let (word, key, ascending) = ordering(sort)?;
    let order = if ascending { Order::Asc } else { Order::Desc };
    let query = if word == "deadline" {
        // No deadline (paused or stopped clocks) after every running one, both ways.
        query.order_by(nearest_deadline().is_null(), Order::Asc)
    } else {
        query
    };
    Ok(query
        .order_by(key, order.clone())
        .order_by(ticket::Column::Id, order))
}
