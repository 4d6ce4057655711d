//! The SLA clock on a demo SLA (Monday–Friday 08:00–18:00 Europe/Paris, French holidays), at
//! fixed clock times, against deadlines computed by hand; escalations raised by the leased job.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use entity::notification;
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{TestApp, call, subcategory};

fn paris(text: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    Paris
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// Escalation notifications of `kind` about the ticket `reference`.
async fn escalations(app: &TestApp, kind: &str, reference: &str) -> u64 {
    Unscoped::find::<notification::Entity>()
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::Subject.contains(reference))
        .count(&app.conn)
        .await
        .unwrap()
}

/// The SLA report's GEFORP row for November 2026 (zeros when there is none).
async fn geforp_november(app: &TestApp, token: &str) -> Value {
    let (status, rows) = call(
        app,
        Method::GET,
        "/api/v1/reports/sla?from=2026-11&to=2026-11&offer=GEFORP",
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    rows.as_array()
        .unwrap()
        .first()
        .cloned()
        .unwrap_or_else(|| json!({}))
}

#[tokio::test]
async fn deadlines_move_with_pauses_and_outcomes_are_measured_in_business_time() {
    let app = TestApp::with_demo().await;
    let contact = app.token("contact@univ-toulon.demo.guichet").await;
    let agent = app.token("agent.geforp@demo.guichet").await;
    let incident = subcategory(&app, &contact, "GEFORP", "incident").await;

    let report_before = geforp_november(&app, &agent).await;
    // Friday 27 November 2026, 17:30 in Paris: establishment × high = high priority, whose
    // targets are 60 minutes to own and 480 to resolve.
    app.state.clock.set(Some(paris("2026-11-27 17:30")));
    let (status, ticket) = call(&app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Jury bloqué", "description": "…", "impact": "establishment",
        "urgency": "high", "affected_version": "2.4", "module": "Jurys", "page_url": "https://geforp.example/"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["priority"], "high");
    assert!(ticket["sla_id"].is_i64());
    // 30 minutes on Friday, then Monday from 08:00: owned by 08:30, resolved by 15:30.
    assert_eq!(ticket["tto_deadline"], json!(paris("2026-11-30 08:30")));
    assert_eq!(ticket["ttr_deadline"], json!(paris("2026-11-30 15:30")));
    let reference = ticket["ref"].as_str().unwrap().to_owned();

    // The SLA it names is readable by the contact, in the documented shape.
    let (status, sla) = call(
        &app,
        Method::GET,
        &format!("/api/v1/slas/{}", ticket["sla_id"]),
        &contact,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{sla}");
    assert_eq!(sla["coverage_window"]["time_zone"], "Europe/Paris");
    assert_eq!(
        sla["coverage_window"]["intervals"][0],
        json!({"weekday": 0, "start": "08:00", "end": "18:00"})
    );
    assert!(
        sla["targets"].as_array().unwrap().iter().any(|t| t
            == &json!({"kind": "incident", "priority": "high", "metric": "ttr", "minutes": 480}))
    );

    let act = |action: &'static str, at: &'static str, body: Value| {
        let app = &app;
        let agent = agent.clone();
        let reference = reference.clone();
        async move {
            app.state.clock.set(Some(paris(at)));
            let (status, ticket) = call(
                app,
                Method::POST,
                &format!("/api/v1/tickets/{reference}/actions/{action}"),
                &agent,
                Some(body),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{action}: {ticket}");
            ticket
        }
    };
    let (_, me) = call(&app, Method::GET, "/api/v1/me", &agent, None).await;
    // Owned Monday 08:15: 45 business minutes of 60.
    let ticket = act(
        "assign",
        "2026-11-30 08:15",
        json!({"team": me["teams"][0]["id"], "agent": me["id"]}),
    )
    .await;
    assert_eq!(ticket["tto_outcome"], "met");
    assert_eq!(ticket["tto_overrun_minutes"], 0);
    assert_eq!(ticket["tto_deadline"], Value::Null);
    // Pending from Monday 09:00 (90 minutes spent) to Tuesday 10:00: the clock stops…
    let ticket = act(
        "pend",
        "2026-11-30 09:00",
        json!({"reason": "Capture demandée"}),
    )
    .await;
    assert_eq!(ticket["ttr_deadline"], Value::Null);
    // …and 390 minutes are left from Tuesday 10:00: due 16:30.
    let ticket = act("resume", "2026-12-01 10:00", json!({})).await;
    assert_eq!(ticket["ttr_deadline"], json!(paris("2026-12-01 16:30")));
    // At 11:00 on Tuesday, 330 business minutes are left; at 17:00, it is 30 minutes late.
    for (at, left) in [("2026-12-01 11:00", 330), ("2026-12-01 17:00", -30)] {
        app.state.clock.set(Some(paris(at)));
        let (_, seen) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}"),
            &agent,
            None,
        )
        .await;
        assert_eq!(seen["ttr_left_minutes"], left, "{at}");
    }
    let desk = crate::support::browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let page = desk
        .get(app.url(&format!("/desk/tickets/{reference}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("en retard de 30 min ouvrées"), "{page}");
    app.state.clock.set(Some(paris("2026-12-01 11:00")));
    let page = desk
        .get(app.url(&format!("/desk/tickets/{reference}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("reste 5 h 30 min ouvrées"));

    // Escalations: 75 % (360 minutes) at Tuesday 14:30, raised once; 100 % at 16:30.
    let before = escalations(&app, "sla75", &reference).await;
    app.run_jobs_at(paris("2026-12-01 14:00")).await;
    assert_eq!(escalations(&app, "sla75", &reference).await, before);
    app.run_jobs_at(paris("2026-12-01 14:45")).await;
    let raised = escalations(&app, "sla75", &reference).await;
    assert!(raised > before, "the team and the coordinators are told");
    app.run_jobs_at(paris("2026-12-01 15:45")).await;
    assert_eq!(escalations(&app, "sla75", &reference).await, raised, "once");
    assert_eq!(escalations(&app, "sla100", &reference).await, 0);
    app.run_jobs_at(paris("2026-12-01 16:45")).await;
    assert!(escalations(&app, "sla100", &reference).await > 0);

    // Resolved Wednesday 09:00: 90 + 480 (Tuesday 10:00–18:00) + 60 = 630 minutes, 150 over.
    let ticket = act(
        "resolve",
        "2026-12-02 09:00",
        json!({"solution": "Index reconstruit"}),
    )
    .await;
    assert_eq!(ticket["ttr_outcome"], "passed");
    assert_eq!(ticket["ttr_overrun_minutes"], 150);
    assert_eq!(ticket["ttr_deadline"], Value::Null);

    // The report counts it in November, for GEFORP: owned in time, resolved late (the demo's
    // own tickets may share the month, hence the difference with the count taken before).
    let after = geforp_november(&app, &agent).await;
    let counts = |row: &Value| {
        [
            "tickets",
            "tto_measured",
            "tto_met",
            "ttr_measured",
            "ttr_met",
        ]
        .map(|k| row[k].as_i64().unwrap_or(0))
    };
    let (before, after) = (counts(&report_before), counts(&after));
    let added: Vec<i64> = before.iter().zip(after).map(|(b, a)| a - b).collect();
    assert_eq!(
        added,
        [1, 1, 1, 1, 0],
        "tickets, owned, owned in time, resolved, in time"
    );
    let smsu = app.token("agent.smsu@demo.guichet").await;
    let (_, theirs) = call(
        &app,
        Method::GET,
        "/api/v1/reports/sla?from=2026-11&to=2026-11&offer=GEFORP",
        &smsu,
        None,
    )
    .await;
    assert_eq!(
        theirs,
        json!([]),
        "another provider's tickets are not counted"
    );
    let (status, refused) = call(
        &app,
        Method::GET,
        "/api/v1/reports/sla?from=2026-13",
        &agent,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // The pages say it: the ticket's service level box, the desk's report.
    let browser =
        crate::support::browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let page = browser
        .get(app.url(&format!("/desk/tickets/{reference}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("respecté") && page.contains("dépassé de 2 h 30 min ouvrées"),
        "{page}"
    );
    assert!(
        page.contains("résolution en 480 minutes ouvrées") && page.contains("lundi 08:00–18:00"),
        "the deadline explained"
    );
    let report = browser
        .get(app.url("/desk/reports/sla?from=2026-11&to=2026-12"))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    assert!(
        report
            .text()
            .await
            .unwrap()
            .contains(">GEFORP</td><td data-label=\"Mois\">2026-11</td>")
    );

    // Another provider's agent and another establishment's contact read none of it.
    for email in [
        "agent.smsu@demo.guichet",
        "contact@univ-larochelle.demo.guichet",
    ] {
        let outsider = app.token(email).await;
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}"),
            &outsider,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email}");
    }
}
