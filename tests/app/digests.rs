//! Digests with the application's clock fixed: a contact on a daily digest of an offer gets
//! no single mail of it, then one mail the next morning with the day's events, nothing more
//! from a second run, and nothing on a quiet day; on a weekly digest, one mail on Monday
//! morning with the week's events, and nothing after a quiet week.

use chrono::{DateTime, Utc};
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::json;

use crate::support::{TestApp, call, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The mails written so far to `to` that name `reference` (the test transport keeps each as
/// a file; the demo's own mail to the same contact is left out this way).
fn mails_about(app: &TestApp, to: &str, reference: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(app.state.config.data_dir.join("mail")) else {
        return Vec::new();
    };
    dir.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|m| m.lines().any(|l| l.starts_with("To:") && l.contains(to)))
        .filter(|m| m.contains(reference))
        .collect()
}

/// The digests sent to `account` so far.
async fn digests_sent(app: &TestApp, email: &str) -> usize {
    let account = Unscoped::find::<entity::account::Entity>()
        .filter(entity::account::Column::Email.eq(email))
        .one(&app.conn)
        .await
        .unwrap()
        .unwrap();
    Unscoped::find::<entity::digest_sent::Entity>()
        .filter(entity::digest_sent::Column::AccountId.eq(account.id))
        .all(&app.conn)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_daily_digest_gathers_the_day_once_and_a_quiet_day_sends_nothing() {
    let app = TestApp::with_demo().await;
    // Monday 7 December 2026, 10:00 in Paris.
    let monday = utc("2026-12-07T09:00:00Z");
    app.state.clock.set(Some(monday));
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;

    // The choice, per offer: only offers the contact reads; only the three words.
    let (status, chosen) = call(
        &app,
        Method::PUT,
        "/api/v1/me/digests/GEFORP",
        &contact,
        Some(json!({"frequency": "daily"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{chosen}");
    assert_eq!(chosen["frequency"], "daily");
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/me/digests/GEFORP",
        &contact,
        Some(json!({"frequency": "hourly"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let build = app.builder().await;
    let provider = build.provider("AUTRE-FOURNISSEUR").await;
    let other_agent = build.account(provider, &["agent"]).await;
    let team = build.team(provider, &[&other_agent]).await;
    build.offer("HORS-CONVENTION", provider, team).await;
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/me/digests/HORS-CONVENTION",
        &contact,
        Some(json!({"frequency": "daily"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an offer beyond reach");
    let (status, list) = call(&app, Method::GET, "/api/v1/me/digests", &contact, None).await;
    assert_eq!(status, StatusCode::OK);
    let geforp = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["offer"] == "GEFORP")
        .expect("GEFORP listed");
    assert_eq!(geforp["frequency"], "daily");
    assert!(!list.to_string().contains("HORS-CONVENTION"));

    // The day's events: a ticket of the contact's on GEFORP, answered twice by the agent.
    let request = subcategory(&app, &contact, "GEFORP", "demande de service").await;
    let (status, filed) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &contact,
        Some(json!({"subcategory": request, "title": "Export bloqué",
                    "description": "L'export ne part pas.", "impact": "person", "urgency": "medium"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let reference = filed["ref"].as_str().unwrap().to_owned();
    for body in ["Pouvez-vous joindre le fichier ?", "Nous regardons."] {
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/tickets/{reference}/log"),
            &agent,
            Some(json!({"body": body})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // Held: no single mail to the contact, and this morning's digest (due at 07:00, before
    // the events) carries none of them.
    app.run_jobs_at(utc("2026-12-07T09:05:00Z")).await;
    assert!(
        mails_about(&app, TOULON, &reference).is_empty(),
        "held for the digest"
    );
    assert_eq!(digests_sent(&app, TOULON).await, 0);

    // Tuesday 07:05 in Paris: one mail with the day's two events.
    app.run_jobs_at(utc("2026-12-08T06:05:00Z")).await;
    let mails = mails_about(&app, TOULON, &reference);
    assert_eq!(mails.len(), 1, "one digest");
    assert_eq!(digests_sent(&app, TOULON).await, 1);
    let digest = &mails[0];
    // Each event's line and link name the ticket: two events, four mentions.
    assert!(digest.matches(&reference).count() >= 4, "{digest}");
    // A second run in the same period sends nothing more.
    app.run_jobs_at(utc("2026-12-08T06:20:00Z")).await;
    assert_eq!(mails_about(&app, TOULON, &reference).len(), 1);
    assert_eq!(digests_sent(&app, TOULON).await, 1);
    // Two runs at once (two servers) send nothing more either.
    let platform = app.state.platform_at(utc("2026-12-08T06:30:00Z"));
    let at = chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap();
    let base = app.state.config.base_url();
    let (a, b) = tokio::join!(
        guichet::services::digests::send_due(&platform, &app.state.mailer, &base, at),
        guichet::services::digests::send_due(&platform, &app.state.mailer, &base, at)
    );
    assert_eq!(a.unwrap().digests + b.unwrap().digests, 0);
    assert_eq!(mails_about(&app, TOULON, &reference).len(), 1);
    assert_eq!(digests_sent(&app, TOULON).await, 1);

    // A quiet day: nothing on Wednesday morning.
    app.run_jobs_at(utc("2026-12-09T06:05:00Z")).await;
    assert_eq!(
        digests_sent(&app, TOULON).await,
        1,
        "nothing when nothing happened"
    );
    assert_eq!(mails_about(&app, TOULON, &reference).len(), 1);

    // Back to single mails: the next answer is mailed at once.
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v1/me/digests/GEFORP",
        &contact,
        Some(json!({"frequency": "single"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        &agent,
        Some(json!({"body": "C'est réparé."})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    app.run_jobs_at(utc("2026-12-09T06:10:00Z")).await;
    assert_eq!(mails_about(&app, TOULON, &reference).len(), 2);
    assert_eq!(digests_sent(&app, TOULON).await, 1);
}

/// The agent's public answer on `reference`, at the clock's instant.
async fn answer(app: &TestApp, agent: &str, reference: &str, body: &str) {
    let (status, _) = call(
        app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        agent,
        Some(json!({"body": body})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_weekly_digest_gathers_the_week_on_monday_morning_and_a_quiet_week_sends_nothing() {
    let app = TestApp::with_demo().await;
    // Monday 7 December 2026, 10:00 in Paris: after this week's digest hour.
    app.state.clock.set(Some(utc("2026-12-07T09:00:00Z")));
    let contact = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let (status, chosen) = call(
        &app,
        Method::PUT,
        "/api/v1/me/digests/GEFORP",
        &contact,
        Some(json!({"frequency": "weekly"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{chosen}");
    assert_eq!(chosen["frequency"], "weekly");

    // The week's events: an answer on Monday, another on Wednesday.
    let request = subcategory(&app, &contact, "GEFORP", "demande de service").await;
    let (status, filed) = call(
        &app,
        Method::POST,
        "/api/v1/tickets",
        &contact,
        Some(json!({"subcategory": request, "title": "Import refusé",
                    "description": "Le fichier est refusé.", "impact": "person", "urgency": "medium"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let reference = filed["ref"].as_str().unwrap().to_owned();
    answer(&app, &agent, &reference, "Quel est le format du fichier ?").await;
    // Tuesday morning: a daily digest would go, a weekly one waits for Monday.
    app.run_jobs_at(utc("2026-12-08T06:05:00Z")).await;
    app.state.clock.set(Some(utc("2026-12-09T14:00:00Z")));
    answer(&app, &agent, &reference, "Le format est corrigé.").await;
    // Sunday evening, then Monday just before 07:00 in Paris: still nothing.
    for early in ["2026-12-13T19:00:00Z", "2026-12-14T05:55:00Z"] {
        app.run_jobs_at(utc(early)).await;
        assert!(
            mails_about(&app, TOULON, &reference).is_empty(),
            "held until the set day and hour ({early})"
        );
        assert_eq!(digests_sent(&app, TOULON).await, 0);
    }

    // Monday 14 December, 07:05 in Paris: one mail with the week's two events.
    app.run_jobs_at(utc("2026-12-14T06:05:00Z")).await;
    let mails = mails_about(&app, TOULON, &reference);
    assert_eq!(mails.len(), 1, "one digest");
    assert_eq!(digests_sent(&app, TOULON).await, 1);
    // Each event's line and link name the ticket: two events, four mentions.
    assert!(mails[0].matches(&reference).count() >= 4, "{}", mails[0]);
    app.run_jobs_at(utc("2026-12-14T06:30:00Z")).await;
    assert_eq!(digests_sent(&app, TOULON).await, 1, "once a week");

    // A quiet week: nothing on the next Monday.
    app.run_jobs_at(utc("2026-12-21T06:05:00Z")).await;
    assert_eq!(
        digests_sent(&app, TOULON).await,
        1,
        "nothing when nothing happened"
    );
    assert_eq!(mails_about(&app, TOULON, &reference).len(), 1);
}
