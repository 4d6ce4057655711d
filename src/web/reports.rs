//! Desk reports: service levels by offer and month.

use axum::extract::Query;
use serde_json::json;

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        reports::{self, ReportFilter},
        tickets::{self, TicketFilter},
    },
    view::Page,
};

/// `GET /desk/reports/sla`: the table, and how many open tickets no service level covers.
pub async fn sla(ctx: Ctx, Query(filter): Query<ReportFilter>) -> Result<Page, AppError> {
    let rows = reports::sla(&ctx, &filter).await?;
    let uncovered = tickets::list(
        &ctx,
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
