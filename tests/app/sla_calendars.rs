//! SLA calendars for real services (issue 19): a round-the-clock SLA counts real time, windows
//! up to 24:00 and across midnight are accepted as typed, and the "what if" calculator answers
//! what a real ticket gets — for its provider's coordinators only.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use entity::{account, ticket};
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call, csrf_of, subcategory};

const COORDINATOR: &str = "coordination@demo.guichet";
const CONTACT: &str = "contact@univ-toulon.demo.guichet";

fn paris(text: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    Paris
        .from_local_datetime(&local)
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

/// The reason a 422 gives for `field`.
fn reason<'a>(error: &'a Value, field: &str) -> Option<&'a str> {
    error["error"]["details"]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["field"] == field)?["reason"]
        .as_str()
}

/// GEFORP's SLA (Aix-Marseille Université's), as the coordinator reads it.
async fn geforp_sla(app: &TestApp, token: &str) -> Value {
    let (status, list) = call(app, Method::GET, "/api/v1/slas?per_page=100", token, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "SLA Aix-Marseille Université")
        .cloned()
        .unwrap()
}

/// Files a GEFORP incident at `at` as the Toulon contact.
async fn file(app: &TestApp, at: &str, urgency: &str) -> Value {
    let contact = app.token(CONTACT).await;
    let incident = subcategory(app, &contact, "GEFORP", "incident").await;
    app.state.clock.set(Some(paris(at)));
    let (status, ticket) = call(app, Method::POST, "/api/v1/tickets", &contact, Some(json!({
        "subcategory": incident, "title": "Jury bloqué", "description": "…", "impact": "establishment",
        "urgency": urgency, "affected_version": "2.4", "module": "Jurys", "page_url": "https://geforp.example/"
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    ticket
}

/// The SLA `id` as the API shows it.
async fn read_sla(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, sla) = call(app, Method::GET, &format!("/api/v1/slas/{id}"), token, None).await;
    assert_eq!(status, StatusCode::OK, "{sla}");
    sla
}

/// Posts a desk form; answers the status and the page.
async fn post_form(
    client: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = client.post(url).form(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The stored row of a ticket (its 75 % instants are not in the API's view).
async fn row(app: &TestApp, reference: &str) -> ticket::Model {
    Unscoped::find::<ticket::Entity>()
        .filter(ticket::Column::Reference.eq(reference))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_round_the_clock_sla_counts_real_time_and_windows_go_up_to_midnight() {
    let app = TestApp::with_demo().await;
    let coordination = app.token(COORDINATOR).await;
    let sla = geforp_sla(&app, &coordination).await;
    let path = format!("/api/v1/slas/{}", sla["id"]);
    let body = |revision: &Value, window: Value| {
        json!({ "revision": revision, "name": sla["name"], "provider_id": sla["provider_id"],
                "targets": [
                    {"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 30},
                    {"kind": "incident", "priority": "critical", "metric": "ttr", "minutes": 240}],
                "coverage_window": window })
    };

    // 24:00 is a closing time; 24:30 is refused with a reason that says what is accepted, and
    // nothing changes.
    let (status, error) = call(&app, Method::PUT, &path, &coordination, Some(body(&sla["revision"], json!({
        "time_zone": "Europe/Paris", "intervals": [{"weekday": 0, "start": "08:00", "end": "24:30"}],
        "holidays": []})))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(
        reason(&error, "intervals[0]"),
        Some("heures au format HH:MM, de 00:00 à 24:00")
    );
    // A window to midnight, an overnight shift and a 23:59 closing are kept as typed.
    let intervals = json!([
        {"weekday": 0, "start": "08:00", "end": "24:00"},
        {"weekday": 4, "start": "22:00", "end": "06:00"},
        {"weekday": 2, "start": "08:00", "end": "23:59"}]);
    let (status, saved) = call(
        &app,
        Method::PUT,
        &path,
        &coordination,
        Some(body(
            &sla["revision"],
            json!({
        "time_zone": "Europe/Paris", "intervals": intervals, "public_holidays": "alsace_moselle",
        "holidays": ["2026-12-28"]}),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["coverage_window"]["intervals"], intervals);
    assert_eq!(
        saved["coverage_window"]["public_holidays"],
        "alsace_moselle"
    );
    assert_eq!(saved["coverage_window"]["round_the_clock"], false);

    // Round the clock, no holidays.
    let (status, saved) = call(
        &app,
        Method::PUT,
        &path,
        &coordination,
        Some(body(
            &saved["revision"],
            json!({
        "time_zone": "Europe/Paris", "round_the_clock": true, "intervals": [], "holidays": []}),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["coverage_window"]["round_the_clock"], true);

    // A critical incident filed on Sunday 29 November 2026 at 03:00: owned by 03:30, resolved
    // by 07:00, in real time.
    let ticket = file(&app, "2026-11-29 03:00", "critical").await;
    assert_eq!(ticket["priority"], "critical");
    assert_eq!(ticket["tto_deadline"], json!(paris("2026-11-29 03:30")));
    assert_eq!(ticket["ttr_deadline"], json!(paris("2026-11-29 07:00")));
    // Across the autumn change (Sunday 25 October 2026, 01:30 summer time): four real hours.
    let ticket = file(&app, "2026-10-25 01:30", "critical").await;
    let start = paris("2026-10-25 01:30");
    assert_eq!(
        instant(&ticket["ttr_deadline"]),
        start + chrono::Duration::hours(4)
    );
}

#[tokio::test]
async fn the_what_if_answer_is_what_a_real_ticket_gets() {
    let app = TestApp::with_demo().await;
    let coordination = app.token(COORDINATOR).await;
    let agent = app.token("agent.geforp@demo.guichet").await;
    let sla = geforp_sla(&app, &coordination).await;

    // Friday 27 November 2026, 17:30; high priority (60 minutes to own, 480 to resolve);
    // waiting from Monday 09:00 to Tuesday 10:00.
    let (start, from, to) = (
        paris("2026-11-27 17:30"),
        paris("2026-11-30 09:00"),
        paris("2026-12-01 10:00"),
    );
    let question = json!({ "start": start, "kind": "incident", "priority": "high",
                           "pauses": [{"from": from, "to": to}] });
    let (status, answer) = call(
        &app,
        Method::POST,
        &format!("/api/v1/slas/{}/simulate", sla["id"]),
        &coordination,
        Some(question.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // The real ticket, with the same start and pause.
    let ticket = file(&app, "2026-11-27 17:30", "high").await;
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    let created = row(&app, &reference).await;
    let act = |action: &'static str, at: DateTime<Utc>, body: Value| {
        let (app, agent, reference) = (&app, agent.clone(), reference.clone());
        async move {
            app.state.clock.set(Some(at));
            let (status, ticket) = call(
                app,
                Method::POST,
                &format!("/api/v1/tickets/{reference}/actions/{action}"),
                &agent,
                Some(body),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{action}: {ticket}");
        }
    };
    let (_, me) = call(&app, Method::GET, "/api/v1/me", &agent, None).await;
    act(
        "assign",
        paris("2026-11-30 08:15"),
        json!({"team": me["teams"][0]["id"], "agent": me["id"]}),
    )
    .await;
    act("pend", from, json!({"reason": "Capture demandée"})).await;
    act("resume", to, json!({})).await;
    let resumed = row(&app, &reference).await;

    let at = |field: &str| {
        answer[field]
            .as_str()
            .map(|t| t.parse::<DateTime<Utc>>().unwrap())
    };
    assert_eq!(at("tto_deadline"), created.tto_deadline);
    assert_eq!(at("tto_warning_at"), created.tto_warn_at);
    assert_eq!(at("ttr_deadline"), resumed.ttr_deadline);
    assert_eq!(at("ttr_warning_at"), resumed.ttr_warn_at);
    // By hand: owned by Monday 08:30; 90 minutes before the pause, 390 after it from Tuesday
    // 10:00, so resolved by 16:30; 75 % (360 minutes) at 14:30.
    assert_eq!(at("tto_deadline"), Some(paris("2026-11-30 08:30")));
    assert_eq!(at("ttr_deadline"), Some(paris("2026-12-01 16:30")));
    assert_eq!(at("ttr_warning_at"), Some(paris("2026-12-01 14:30")));
    assert_eq!(
        answer["days"],
        json!([
            {"date": "2026-11-27", "tto_minutes": 30, "ttr_minutes": 30},
            {"date": "2026-11-30", "tto_minutes": 30, "ttr_minutes": 60},
            {"date": "2026-12-01", "tto_minutes": 0, "ttr_minutes": 390}])
    );
    let explained = &answer["explanation"];
    assert_eq!(explained["sla_name"], "SLA Aix-Marseille Université");
    assert_eq!(explained["ttr_target_minutes"], 480);
    // Monday 09:00–18:00 and Tuesday 08:00–10:00.
    assert_eq!(explained["pauses"][0]["business_minutes"], 540 + 120);
    assert_eq!(explained["coverage_window"], sla["coverage_window"]);

    // The same SLA being edited, not saved: the same answer.
    let mut draft = question.clone();
    draft["sla"] = json!({ "targets": sla["targets"], "coverage_window": sla["coverage_window"] });
    let (status, drafted) = call(
        &app,
        Method::POST,
        "/api/v1/slas/simulate",
        &coordination,
        Some(draft),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    for field in [
        "tto_deadline",
        "tto_warning_at",
        "ttr_deadline",
        "ttr_warning_at",
        "days",
    ] {
        assert_eq!(drafted[field], answer[field], "{field}");
    }
}

#[tokio::test]
async fn only_the_providers_coordinators_ask_what_if() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    let coordination = app.token(COORDINATOR).await;
    let sla = geforp_sla(&app, &coordination).await;
    let path = format!("/api/v1/slas/{}/simulate", sla["id"]);
    let question =
        json!({ "start": "2026-11-27T16:30:00Z", "kind": "incident", "priority": "high" });

    // A coordinator of another organisation (Université Paris 1, SMS-U's provider), made for
    // the test with the demo password.
    let (_, orgs) = call(
        &app,
        Method::GET,
        "/api/v1/organisations?per_page=200",
        &admin,
        None,
    )
    .await;
    let up1 = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "UP1")
        .unwrap()["id"]
        .clone();
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v1/accounts",
        &admin,
        Some(json!({
        "email": "coordination@univ-paris1.example", "display_name": "Coordination Paris 1",
        "organisation_id": up1, "roles": ["coordinator"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let hash = Unscoped::find::<account::Entity>()
        .filter(account::Column::Email.eq(COORDINATOR))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    Unscoped::update_many::<account::Entity>()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .filter(account::Column::Email.eq("coordination@univ-paris1.example"))
        .exec(&app.conn)
        .await
        .unwrap();
    let paris1 = app.token("coordination@univ-paris1.example").await;

    // The contact reads the SLA its convention names, the GEFORP agent works under it: neither
    // may ask, nor may another provider's coordinator or agent.
    for email in [
        CONTACT,
        "agent.geforp@demo.guichet",
        "agent.smsu@demo.guichet",
    ] {
        let token = app.token(email).await;
        let (status, body) = call(&app, Method::POST, &path, &token, Some(question.clone())).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email}: {body}");
        let mut draft = question.clone();
        draft["sla"] = json!({ "targets": [], "coverage_window": sla["coverage_window"] });
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/slas/simulate",
            &token,
            Some(draft),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email}");
    }
    let (status, _) = call(&app, Method::POST, &path, &paris1, Some(question.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/slas/999999/simulate",
        &coordination,
        Some(question.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for token in [&coordination, &admin] {
        let (status, answer) = call(&app, Method::POST, &path, token, Some(question.clone())).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        // Friday 17:30 Paris + 60 business minutes: Monday 08:30.
        assert_eq!(answer["tto_deadline"], json!(paris("2026-11-30 08:30")));
    }

    // Bad questions: a clear 422 naming the field, never a 5xx.
    let cases = [
        (
            json!({ "start": "2026-11-27T16:30:00Z", "kind": "incident", "priority": "high",
                 "pauses": [{"from": "2026-11-30T10:00:00Z", "to": "2026-11-30T09:00:00Z"}] }),
            "pauses[0]",
        ),
        (
            json!({ "start": "2026-11-27T16:30:00Z", "kind": "incident", "priority": "high",
                 "sla": {"targets": [], "coverage_window": sla["coverage_window"]} }),
            "sla",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = call(&app, Method::POST, &path, &coordination, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(reason(&error, field).is_some(), "{error}");
    }
    let mut draft = question.clone();
    draft["sla"] = json!({ "targets": [], "coverage_window": {
        "time_zone": "Mars/Olympus", "intervals": [{"weekday": 0, "start": "08:00", "end": "08:00"}], "holidays": []}});
    let (status, error) = call(
        &app,
        Method::POST,
        "/api/v1/slas/simulate",
        &paris1,
        Some(draft),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(
        reason(&error, "sla.time_zone"),
        Some("n’est pas un fuseau horaire IANA connu")
    );
    assert_eq!(
        reason(&error, "sla.intervals[0]"),
        Some("l’ouverture et la fermeture doivent différer")
    );
    for body in [
        json!({"start": "hier", "kind": "incident", "priority": "high"}),
        json!("x"),
    ] {
        let (status, _) = call(&app, Method::POST, &path, &coordination, Some(body)).await;
        assert!(status.is_client_error(), "{status}");
    }
}

#[tokio::test]
async fn the_desk_edits_a_week_grid_and_answers_what_if() {
    let app = TestApp::with_demo().await;
    let coordination = app.token(COORDINATOR).await;
    let sla = geforp_sla(&app, &coordination).await;
    let id = sla["id"].as_i64().unwrap();
    let desk = browser_signed_in(&app, COORDINATOR, "demo").await;
    let get = |path: String| {
        let desk = desk.clone();
        let url = app.url(&path);
        async move {
            let response = desk.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    // The editor shows the grid (Monday 08:00–18:00, typed 23:59 kept as typed) and the
    // closed days of the next twelve months.
    let (status, html) = get(format!("/desk/slas/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"name="from0_0" value="08:00""#), "{html}");
    assert!(html.contains("Jours fermés des douze prochains mois"));
    assert!(html.contains("Simulateur « et si »"));
    let csrf = csrf_of(&html);
    let provider = sla["provider_id"].to_string();
    let revision = sla["revision"].to_string();
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("revision", revision.as_str()),
        ("name", "SLA Aix-Marseille Université"),
        ("provider_id", provider.as_str()),
        ("time_zone", "Europe/Paris"),
        ("day0", "hours"),
        ("from0_0", "08:00"),
        ("to0_0", "12:00"),
        ("from0_1", "14:00"),
        ("to0_1", "24:00"),
        ("day4", "hours"),
        ("from4_0", "22:00"),
        ("to4_0", "6h"),
        ("public_holidays", "alsace_moselle"),
        ("closures", "2026-12-28..2026-12-31"),
        ("tto_incident_critical", "30"),
        ("unit_tto_incident_critical", "min"),
        ("ttr_incident_critical", "4"),
        ("unit_ttr_incident_critical", "h"),
        ("action", "save"),
    ];
    // A bad time: 422, the message in French next to the day, everything typed kept, nothing
    // saved.
    let url = app.url(&format!("/desk/slas/{id}"));
    let (status, html) = post_form(&desk, url.clone(), &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Heures au format HH:MM, de 00:00 à 24:00."),
        "{html}"
    );
    assert!(html.contains(r#"name="to4_0" value="6h""#));
    assert!(html.contains(r#"name="to0_1" value="24:00""#));
    assert!(html.contains("2026-12-28..2026-12-31"));
    let unchanged = read_sla(&app, &coordination, id).await;
    assert_eq!(unchanged["revision"], sla["revision"]);

    // The preview lists the closed days the typed rules give, without saving.
    let preview: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| match k {
            "to4_0" => (k, "06:00"),
            "action" => (k, "preview"),
            _ => (k, v),
        })
        .collect();
    let (status, html) = post_form(&desk, url.clone(), &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Fermeture ponctuelle") && html.contains("Saint-Étienne"),
        "{html}"
    );

    // The what-if of the values typed, before saving: a critical incident filed Friday
    // 27 November 2026 at 23:00, in the night shift, waiting Saturday 02:00–03:00: owned by
    // 23:30; resolved after 60 minutes on Friday, 120 on Saturday before the pause and 60
    // after it, so by Saturday 04:00.
    let mut asked: Vec<(&str, &str)> = preview
        .iter()
        .map(|&(k, v)| {
            if k == "action" {
                (k, "simulate")
            } else {
                (k, v)
            }
        })
        .collect();
    asked.extend([
        ("start", "2026-11-27T23:00"),
        ("kind", "incident"),
        ("priority", "critical"),
        ("pause_from_0", "2026-11-28T02:00"),
        ("pause_to_0", "2026-11-28T03:00"),
    ]);
    let (status, html) = post_form(&desk, url.clone(), &asked).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("échéance 27 nov. 2026 à 23:30"), "{html}");
    assert!(html.contains("échéance 28 nov. 2026 à 04:00"));
    assert!(html.contains(r#"name="start" type="datetime-local" value="2026-11-27T23:00""#));
    let unchanged = read_sla(&app, &coordination, id).await;
    assert_eq!(unchanged["revision"], sla["revision"], "nothing saved");

    // Saved: the API reads the window the grid describes.
    for pair in &mut form {
        if pair.0 == "to4_0" {
            pair.1 = "06:00";
        }
    }
    let (status, _) = post_form(&desk, url, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let saved = read_sla(&app, &coordination, id).await;
    assert_eq!(
        saved["coverage_window"]["intervals"],
        json!([
            {"weekday": 0, "start": "08:00", "end": "12:00"},
            {"weekday": 0, "start": "14:00", "end": "24:00"},
            {"weekday": 4, "start": "22:00", "end": "06:00"}])
    );
    assert_eq!(
        saved["coverage_window"]["public_holidays"],
        "alsace_moselle"
    );
    assert_eq!(
        saved["coverage_window"]["holidays"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        saved["targets"],
        json!([
            {"kind": "incident", "priority": "critical", "metric": "tto", "minutes": 30},
            {"kind": "incident", "priority": "critical", "metric": "ttr", "minutes": 240}])
    );

    // The saved SLA's calculator page says what the API answers, which is what the editor
    // answered before saving.
    let query = "start=2026-11-27T23:00&kind=incident&priority=critical\
                 &pause_from_0=2026-11-28T02:00&pause_to_0=2026-11-28T03:00";
    let (status, html) = get(format!("/desk/slas/{id}/simulate?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (_, answer) = call(&app, Method::POST, &format!("/api/v1/slas/{id}/simulate"), &coordination,
        Some(json!({"start": paris("2026-11-27 23:00"), "kind": "incident", "priority": "critical",
                    "pauses": [{"from": paris("2026-11-28 02:00"), "to": paris("2026-11-28 03:00")}]}))).await;
    assert_eq!(answer["tto_deadline"], json!(paris("2026-11-27 23:30")));
    assert_eq!(answer["ttr_deadline"], json!(paris("2026-11-28 04:00")));
    assert!(html.contains("échéance 27 nov. 2026 à 23:30"), "{html}");
    assert!(html.contains("échéance 28 nov. 2026 à 04:00"));
    assert!(
        html.contains("En attente du 28 nov. 2026 à 02:00 au 28 nov. 2026 à 03:00 : 60 minutes")
    );
    assert!(html.contains("Jours fériés français et d&#x27;Alsace–Moselle"));
    // A time that does not exist is named, not a 5xx.
    let (status, html) = get(format!(
        "/desk/slas/{id}/simulate?start=2026-03-29T02:30&kind=incident&priority=critical"
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Une date et une heure existantes"));

    // Neither a contact nor an agent reaches the calculator.
    for email in [CONTACT, "agent.geforp@demo.guichet"] {
        let other = browser_signed_in(&app, email, "demo").await;
        let response = other
            .get(app.url(&format!("/desk/slas/{id}/simulate")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{email}");
    }
}

#[tokio::test]
async fn an_sla_stored_before_calendars_keeps_its_meaning() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement};

    let app = TestApp::with_demo().await;
    let coordination = app.token(COORDINATOR).await;
    let id = geforp_sla(&app, &coordination).await["id"]
        .as_i64()
        .unwrap();
    // Back to the schema before calendars, with the text an SLA could hold then: Monday to
    // Friday 00:00–23:59 (the old stand-in for a whole day), a typed holiday.
    let db = &app.conn;
    let migrations = Migrator::migrations();
    let calendars = migrations
        .iter()
        .position(|m| m.name() == "m20261206_000014_sla_calendars")
        .unwrap();
    let steps = u32::try_from(migrations.len() - calendars).unwrap();
    Migrator::down(db, Some(steps)).await.unwrap();
    let intervals: Vec<Value> = (0..5)
        .map(|d| json!({"weekday": d, "start": "00:00", "end": "23:59"}))
        .collect();
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE sla SET intervals = $1, holidays = $2 WHERE id = $3"
            }
            _ => "UPDATE sla SET intervals = ?, holidays = ? WHERE id = ?",
        },
        [
            json!(intervals).to_string().into(),
            r#"["2026-12-25"]"#.into(),
            id.into(),
        ],
    ))
    .await
    .unwrap();
    Migrator::up(db, None).await.unwrap();

    let sla = read_sla(&app, &coordination, id).await;
    let window = &sla["coverage_window"];
    assert_eq!(window["intervals"], json!(intervals), "23:59 stays 23:59");
    assert_eq!(window["holidays"], json!(["2026-12-25"]));
    assert_eq!(window["round_the_clock"], false);
    assert_eq!(window["public_holidays"], "none");
    // And it measures as before: Friday 23:30 + 60 minutes (high incident, time to own) is
    // Monday 00:31, the minute a day 23:59 always lost.
    let (status, answer) = call(
        &app,
        Method::POST,
        &format!("/api/v1/slas/{id}/simulate"),
        &coordination,
        Some(json!({"start": paris("2026-11-27 23:30"), "kind": "incident", "priority": "high"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["tto_deadline"], json!(paris("2026-11-30 00:31")));
}
