//! Desk reports: service levels by offer and month.

use axum::extract::{Query, State};
use serde_json::json;

use crate::{
    auth::Signed,
    db::Scoped,
    error::AppError,
    services::{
        reports::{self, ReportFilter},
        tickets::{self, TicketFilter},
    },
    state::AppState,
    view::Page,
};

/// `GET /desk/reports/sla`: the table, and how many open tickets no service level covers.
pub async fn sla(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<ReportFilter>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    let rows = reports::sla(&db, &filter, state.clock.now()).await?;
    let uncovered = tickets::list(
        &db,
        &caller,
        &TicketFilter {
            status: Some("open".to_owned()),
            sla: Some("none".to_owned()),
            per_page: Some(1),
            ..TicketFilter::default()
        },
    )
    .await?
    .total;
    Ok(Page::new(
        "desk/sla_report.html",
        json!({ "rows": rows, "filter": { "from": filter.from, "to": filter.to, "offer": filter.offer },
                "uncovered": uncovered }),
    ))
}
