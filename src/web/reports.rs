//! Desk reports: volumes, times, satisfaction, the evolution pipeline, service levels and
//! deflection. Every report is one page (filters, charts, the table) and the same table as CSV
//! with `?format=csv`.

use axum::{
    extract::{Path, Query},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{Datelike, Months};
use chrono_tz::Europe::Paris;
use serde_json::{Value, json};

use crate::{
    db::Ctx,
    error::AppError,
    services::{
        faqs::deflection,
        reports::{
            self, ReportFilter,
            period::Period,
            pipeline, satisfaction,
            table::Table,
            times,
            volumes::{self, Dimension},
        },
        tickets::{self, TicketFilter},
    },
    view::Page,
    web::charts,
};

/// The reports, as the tabs of every report page show them: address under `/desk/reports/`
/// and title key.
const REPORTS: [(&str, &str); 9] = [
    ("volumes/offer", "report-volumes-offer"),
    ("volumes/subcategory", "report-volumes-subcategory"),
    ("volumes/organisation", "report-volumes-organisation"),
    ("volumes/month", "report-volumes-month"),
    ("times", "report-times-title"),
    ("satisfaction", "report-satisfaction-title"),
    ("pipeline", "report-pipeline-title"),
    ("sla", "report-sla-title"),
    ("deflection", "report-deflection-title"),
];

/// How far back the month choices go.
const MONTHS_OFFERED: u32 = 36;

/// One report page's parts.
struct Report {
    /// Its address under `/desk/reports/`.
    path: String,
    /// Title key.
    title: &'static str,
    /// The table, also the CSV.
    table: Table,
    /// Charts, each `{kind, id, chart, title, desc}` for the template.
    charts: Vec<Value>,
    /// Whether the period applies (the pipeline is a snapshot).
    period: bool,
    /// More for the template.
    extra: Value,
}

/// The month choices: `YYYY-MM`, this month first, three years back.
fn month_choices(now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let today = now.with_timezone(&Paris).date_naive();
    let first = today.with_day(1).unwrap_or(today);
    (0..MONTHS_OFFERED)
        .filter_map(|back| first.checked_sub_months(Months::new(back)))
        .map(|m| m.format("%Y-%m").to_string())
        .collect()
}

/// The report as a page, or as CSV when the filter asks for it.
async fn respond(ctx: &Ctx, filter: &ReportFilter, report: Report) -> Result<Response, AppError> {
    if filter.format.as_deref() == Some("csv") {
        let bytes = report
            .table
            .csv(ctx.caller().language, filter.sep.as_deref())?;
        let name = format!("{}.csv", report.path.replace('/', "-"));
        return crate::http::csv_document(&name, bytes);
    }
    let period = Period::of(filter, ctx.now())?;
    let shown = json!({
        "from": period.months.first().map(reports::period::Month::label),
        "to": period.months.last().map(reports::period::Month::label),
        "offer": filter.offer_code(),
    });
    let mut csv: Vec<(&str, String)> = vec![("format", "csv".to_owned())];
    if report.period {
        csv.extend(shown["from"].as_str().map(|m| ("from", m.to_owned())));
        csv.extend(shown["to"].as_str().map(|m| ("to", m.to_owned())));
    }
    csv.extend(filter.offer_code().map(|o| ("offer", o)));
    let csv_href = format!(
        "/desk/reports/{}?{}",
        report.path,
        serde_html_form::to_string(&csv).unwrap_or_default()
    );
    Ok(Page::new(
        "desk/report.html",
        json!({
            "current": report.path, "title": report.title, "table": report.table,
            "figures": report.charts, "period": report.period, "extra": report.extra,
            "filter": shown, "months": month_choices(ctx.now()),
            "offers": super::evolutions::offer_codes(ctx).await?,
            "reports": REPORTS.map(|(path, title)| json!({ "path": path, "title": title })),
            "csv_href": csv_href,
        }),
    )
    .into_response())
}

/// A chart for the template.
fn chart(kind: &str, id: &str, chart: impl serde::Serialize, title: &str, desc: &str) -> Value {
    json!({ "kind": kind, "id": id, "chart": chart, "title": title, "desc": desc })
}

/// `GET /desk/reports`: the first report.
pub async fn index() -> Redirect {
    Redirect::to("/desk/reports/volumes/offer")
}

/// `GET /desk/reports/volumes/{by}`: tickets filed by offer, subcategory, organisation or
/// month.
pub async fn volumes(
    ctx: Ctx,
    Path(by): Path<String>,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let by = Dimension::parse(&by)?;
    let rows = volumes::volumes(&ctx, &filter, by).await?;
    let bars = charts::ranked(
        rows.iter()
            .map(|r| (r.label.clone(), r.tickets, r.list.clone())),
    );
    let path = format!("volumes/{}", by.as_str());
    let title = REPORTS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("report-volumes-offer", |(_, t)| t);
    let report = Report {
        charts: vec![chart(
            "horizontal",
            "volumes",
            bars,
            title,
            "report-volumes-desc",
        )],
        table: volumes::table(&rows, by),
        path,
        title,
        period: true,
        extra: Value::Null,
    };
    respond(&ctx, &filter, report).await
}

/// `GET /desk/reports/times`: mean and 90th-percentile business times to own and resolve.
pub async fn times(ctx: Ctx, Query(filter): Query<ReportFilter>) -> Result<Response, AppError> {
    let rows = times::times(&ctx, &filter).await?;
    let report = Report {
        path: "times".to_owned(),
        title: "report-times-title",
        table: times::table(&rows),
        charts: Vec::new(),
        period: true,
        extra: Value::Null,
    };
    respond(&ctx, &filter, report).await
}

/// `GET /desk/reports/satisfaction`: ratings by offer.
pub async fn satisfaction(
    ctx: Ctx,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = satisfaction::satisfaction(&ctx, &filter).await?;
    let report = Report {
        path: "satisfaction".to_owned(),
        title: "report-satisfaction-title",
        table: satisfaction::table(&rows),
        charts: Vec::new(),
        period: true,
        extra: Value::Null,
    };
    respond(&ctx, &filter, report).await
}

/// `GET /desk/reports/pipeline`: evolution requests by offer and state.
pub async fn pipeline(ctx: Ctx, Query(filter): Query<ReportFilter>) -> Result<Response, AppError> {
    let rows = pipeline::pipeline(&ctx, &filter).await?;
    let bars = charts::ranked(
        rows.iter()
            .map(|r| (r.offer.clone(), r.total, r.list.clone())),
    );
    let report = Report {
        path: "pipeline".to_owned(),
        title: "report-pipeline-title",
        table: pipeline::table(&rows),
        charts: vec![chart(
            "horizontal",
            "pipeline",
            bars,
            "report-pipeline-title",
            "report-pipeline-desc",
        )],
        period: false,
        extra: Value::Null,
    };
    respond(&ctx, &filter, report).await
}

/// `GET /desk/reports/sla`: service levels by offer and month, the six months' trend, and how
/// many open tickets no service level covers.
pub async fn sla(ctx: Ctx, Query(filter): Query<ReportFilter>) -> Result<Response, AppError> {
    let rows = reports::sla(&ctx, &filter).await?;
    let trend = reports::sla_trend(&rows, &filter, ctx.now())?;
    // A report counts exactly (a list stops counting at a thousand past its page).
    let uncovered = sea_orm::PaginatorTrait::count(
        tickets::list::filtered(
            &ctx,
            &TicketFilter {
                status: Some("open".to_owned()),
                sla: Some("none".to_owned()),
                ..TicketFilter::default()
            },
        )
        .await?,
        &ctx,
    )
    .await?;
    let report = Report {
        path: "sla".to_owned(),
        title: "report-sla-title",
        table: reports::sla_table(&rows),
        charts: vec![chart(
            "trend",
            "sla-trend",
            charts::trend(&trend),
            "report-sla-trend",
            "report-sla-trend-desc",
        )],
        period: true,
        extra: json!({ "uncovered": uncovered }),
    };
    respond(&ctx, &filter, report).await
}

/// `GET /desk/reports/deflection`: suggestions shown, questions answered by a FAQ, tickets
/// filed anyway, by offer and month, and the six months' trend.
pub async fn deflection(
    ctx: Ctx,
    Query(filter): Query<ReportFilter>,
) -> Result<Response, AppError> {
    let rows = deflection::report(&ctx, &filter).await?;
    let trend = deflection::trend(&rows, &filter, ctx.now())?;
    let report = Report {
        path: "deflection".to_owned(),
        title: "report-deflection-title",
        table: deflection::table(&rows),
        charts: vec![chart(
            "trend",
            "deflection-trend",
            charts::trend(&trend),
            "report-deflection-trend",
            "report-deflection-trend-desc",
        )],
        period: true,
        extra: Value::Null,
    };
    respond(&ctx, &filter, report).await
}
