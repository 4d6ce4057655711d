//! Availability per month from SMS-U's status history, at a fixed clock: minutes in each status
//! in real time and in the business time of Paris 1's SLA (the demo's only SLA of SMS-U's
//! provider: Monday to Friday 08:00–18:00, French public holidays), on the offer's status page
//! and in the availability report; another provider's coordinator does not see it.

use chrono::{DateTime, Datelike, Duration, DurationRound, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use guichet::domain::{business_time::Calendar, holidays::PublicHolidays, sla::CoverageWindow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    status::{AGENT, RENNES, TOULON},
    support::{TestApp, call},
};

/// Paris wall-clock time on a day, as an instant.
fn paris(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Paris
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// Sets SMS-U's status at the instant `at`.
async fn set_at(app: &TestApp, at: DateTime<Utc>, status: &str) {
    app.state.clock.set(Some(at));
    let agent = app.token(AGENT).await;
    let body = json!({"status": status, "message": format!("État {status}")});
    let path = "/api/v1/offers/SMS-U/status";
    let (code, answer) = call(app, Method::PUT, path, &agent, Some(body)).await;
    assert_eq!(code, StatusCode::OK, "{answer}");
}

fn minutes(month: &Value, measure: &str, status: &str) -> i64 {
    month[measure][status]
        .as_i64()
        .unwrap_or_else(|| panic!("{measure} {status}: {month}"))
}

#[tokio::test]
async fn a_known_history_gives_exact_minutes_per_month_in_real_and_business_time() {
    let app = TestApp::with_demo().await;
    let now = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    let this_month = now.with_timezone(&Paris).date_naive().with_day(1).unwrap();
    let last_month = this_month.checked_sub_months(Months::new(1)).unwrap();
    // A Tuesday between the 16th and the 22nd: never a French public holiday.
    let tuesday = (16..=22)
        .map(|d| last_month.with_day(d).unwrap())
        .find(|d| d.weekday() == chrono::Weekday::Tue)
        .unwrap();
    // Degraded 90 minutes, then down 30, then operational, all in the office hours.
    set_at(&app, paris(tuesday, 10, 0), "degraded").await;
    set_at(&app, paris(tuesday, 11, 30), "major_outage").await;
    set_at(&app, paris(tuesday, 12, 0), "operational").await;
    app.state.clock.set(Some(now));

    let toulon = app.token(TOULON).await;
    let path = "/api/v1/offers/SMS-U/availability?months=2";
    let (status, months) = call(&app, Method::GET, path, &toulon, None).await;
    assert_eq!(status, StatusCode::OK, "{months}");
    let [current, previous] = months.as_array().unwrap().as_slice() else {
        panic!("two months: {months}")
    };
    assert_eq!(previous["month"], last_month.format("%Y-%m").to_string());
    assert_eq!(previous["sla"], "SLA Université Paris 1");
    let month_minutes = (paris(this_month, 0, 0) - paris(last_month, 0, 0)).num_minutes();
    assert_eq!(minutes(previous, "minutes", "degraded"), 90);
    assert_eq!(minutes(previous, "minutes", "major_outage"), 30);
    assert_eq!(
        minutes(previous, "minutes", "operational"),
        month_minutes - 120
    );
    let mut window = CoverageWindow::business_days();
    window.public_holidays = PublicHolidays::France;
    let office = Calendar::new(&window).unwrap();
    let open = office.between(paris(last_month, 0, 0), paris(this_month, 0, 0));
    assert_eq!(minutes(previous, "business_minutes", "degraded"), 90);
    assert_eq!(minutes(previous, "business_minutes", "major_outage"), 30);
    assert_eq!(
        minutes(previous, "business_minutes", "operational"),
        open - 120
    );
    // The month under way is counted up to now, all operational.
    let so_far = (now - paris(this_month, 0, 0)).num_minutes();
    assert_eq!(minutes(current, "minutes", "operational"), so_far);
    assert_eq!(minutes(current, "minutes", "degraded"), 0);

    // Rennes 2 does not subscribe to SMS-U: 404.
    let rennes = app.token(RENNES).await;
    assert_eq!(
        call(&app, Method::GET, path, &rennes, None).await.0,
        StatusCode::NOT_FOUND
    );

    // The report, for the provider's side: the same figures, and as CSV.
    let coordinator = app.token("coordination@demo.guichet").await;
    let month = last_month.format("%Y-%m").to_string();
    let report = format!("/api/v1/reports/availability?from={month}&to={month}&offer=SMS-U");
    let (status, rows) = call(&app, Method::GET, &report, &coordinator, None).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    assert_eq!(rows[0]["offer"], "SMS-U");
    assert_eq!(
        minutes(&rows[0]["months"][0], "business_minutes", "degraded"),
        90
    );
    let csv = app
        .api(Method::GET, &format!("{report}&format=csv"), &coordinator)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    let line = format!("SMS-U;{month};Temps réel;{};90;0;30;0", month_minutes - 120);
    assert!(text.contains(&line), "{line} in {text}");

    // Another provider's coordinator: SMS-U is not in its report, and naming it is 404; a
    // contact is told the report does not exist.
    let builder = app.builder().await;
    let (_, organisations) = call(
        &app,
        Method::GET,
        "/api/v1/organisations?per_page=200",
        &builder.admin,
        None,
    )
    .await;
    let amu = organisations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "AMU")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other = builder.account(amu, &["coordinator"]).await;
    let (status, theirs) = call(
        &app,
        Method::GET,
        "/api/v1/reports/availability",
        &other.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["offer"] != "SMS-U"),
        "{theirs}"
    );
    assert_eq!(
        call(&app, Method::GET, &report, &other.token, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, Method::GET, &report, &toulon, None).await.0,
        StatusCode::NOT_FOUND
    );
}
