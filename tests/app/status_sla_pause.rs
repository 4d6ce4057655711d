//! An SLA that pauses its clocks during the announced maintenance of its offer: Paris 1's SLA
//! (Monday to Friday 08:00–18:00, French public holidays) measures SMS-U's tickets. A ticket
//! filed just before a maintenance window has its time-to-resolve deadline pushed by the
//! window's business-time overlap when the SLA chooses it, and only then; editing and
//! cancelling the window plan it again. The clock is the test's.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use guichet::domain::{business_time::Calendar, holidays::PublicHolidays, sla::CoverageWindow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    status::{AGENT, OTHER_AGENT, TOULON},
    support::{TestApp, browser_signed_in, call, subcategory},
};

fn paris(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Paris
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn instant(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("an instant: {value}"))
        .parse()
        .unwrap()
}

/// The ticket as Toulon reads it.
async fn ticket(app: &TestApp, reference: &str) -> Value {
    let toulon = app.token(TOULON).await;
    let path = format!("/api/v1/tickets/{reference}");
    let (status, body) = call(app, Method::GET, &path, &toulon, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_maintenance_window_pushes_the_deadline_by_its_business_overlap_only_when_the_sla_says_so()
 {
    let app = TestApp::with_demo().await;
    // Next month's Tuesday between the 16th and the 22nd (never a French public holiday), 09:00.
    let today = Utc::now().with_timezone(&Paris).date_naive();
    let next_month = today
        .with_day(1)
        .unwrap()
        .checked_add_months(Months::new(1))
        .unwrap();
    let tuesday = (16..=22)
        .map(|d| next_month.with_day(d).unwrap())
        .find(|d| d.weekday() == chrono::Weekday::Tue)
        .unwrap();
    let filed_at = paris(tuesday, 9, 0);
    app.state.clock.set(Some(filed_at));

    let toulon = app.token(TOULON).await;
    let incident = subcategory(&app, &toulon, "SMS-U", "incident").await;
    let (status, filed) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &toulon,
        Some(json!({
            "subcategory": incident, "title": "Envois lents", "description": "Depuis 8 h 30.",
            "impact": "establishment", "urgency": "high", "affected_version": "5.1",
            "module": "Envoi", "page_url": "https://smsu.example/envoi"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let reference = filed["ref"].as_str().unwrap().to_owned();
    let due = instant(&filed["ttr_deadline"]);
    assert!(due > paris(tuesday, 12, 0), "due {due}");

    // A window 10:00–12:00 the same morning; the SLA does not pause yet: nothing moves.
    let agent = app.token(AGENT).await;
    let window = json!({"starts_at": paris(tuesday, 10, 0), "ends_at": paris(tuesday, 12, 0),
                        "message": "Mise à jour de la passerelle"});
    let (status, published) = call(
        &app,
        Method::POST,
        "/api/v1/offers/SMS-U/maintenance",
        &agent,
        Some(window),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    assert_eq!(
        instant(&ticket(&app, &reference).await["ttr_deadline"]),
        due
    );

    // The SLA chooses to pause; another provider's agent cannot change it.
    let sla_path = format!("/api/v1/slas/{}", filed["sla_id"]);
    let admin = app.token("admin@demo.guichet").await;
    let (status, sla) = call(&app, Method::GET, &sla_path, &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{sla}");
    assert_eq!(sla["pause_during_maintenance"], false);
    let mut input = sla.clone();
    input.as_object_mut().unwrap().remove("id");
    input["pause_during_maintenance"] = json!(true);
    let other = app.token(OTHER_AGENT).await;
    assert_ne!(
        call(&app, Method::PUT, &sla_path, &other, Some(input.clone()))
            .await
            .0,
        StatusCode::OK
    );
    let (status, saved) = call(&app, Method::PUT, &sla_path, &admin, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["pause_during_maintenance"], true);

    // Editing the window plans the open tickets again: the deadline moves by the 120 business
    // minutes of the window, no more.
    let mut office = CoverageWindow::business_days();
    office.public_holidays = PublicHolidays::France;
    let office = Calendar::new(&office).unwrap();
    let pushed = office.add(due, 120).unwrap();
    let window_path = format!("/api/v1/maintenance-windows/{}", published["id"]);
    let edit = json!({"revision": 1, "starts_at": paris(tuesday, 10, 0),
                      "ends_at": paris(tuesday, 12, 0), "message": "Mise à jour, précisée"});
    let (status, edited) = call(&app, Method::PATCH, &window_path, &agent, Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        instant(&ticket(&app, &reference).await["ttr_deadline"]),
        pushed
    );

    // The ticket's explanation says so.
    let desk = browser_signed_in(&app, AGENT, guichet::demo::PASSWORD).await;
    let page = desk
        .get(app.url(&format!("/desk/tickets/{reference}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("sla-maintenance"), "{page}");

    // A ticket filed afterwards, during the window's morning, is planned with it at once.
    app.state.clock.set(Some(paris(tuesday, 9, 30)));
    let (status, second) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &toulon,
        Some(json!({
            "subcategory": incident, "title": "Envois lents (2)", "description": "Idem.",
            "impact": "establishment", "urgency": "high", "affected_version": "5.1",
            "module": "Envoi", "page_url": "https://smsu.example/envoi"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let minutes = second["ttr_target_minutes"].as_i64().unwrap();
    assert_eq!(
        instant(&second["ttr_deadline"]),
        office.add(paris(tuesday, 9, 30), minutes + 120).unwrap()
    );

    // Cancelled before it starts: the pause goes, the first deadline comes back.
    let (status, cancelled) = call(&app, Method::DELETE, &window_path, &agent, None).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(
        instant(&ticket(&app, &reference).await["ttr_deadline"]),
        due
    );
}
