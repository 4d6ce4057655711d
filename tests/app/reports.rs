//! The desk's reports: every figure is the count of the list it links to; a coordinator reads
//! only the offers of their provider; the API answers the same rows as JSON or CSV.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    TestApp, browser_signed_in,
    builders::{Builder, Offer, Person},
    call,
};

/// Every counted link of a report page (its table and its charts' tables): (href, count).
fn counted_links(page: &str) -> Vec<(String, u64)> {
    let doc = scraper::Html::parse_document(page);
    let links = scraper::Selector::parse(".report-table td a, table.chart-data a").unwrap();
    doc.select(&links)
        .filter_map(|a| {
            let n = a.text().collect::<String>().trim().parse().ok()?;
            Some((a.value().attr("href")?.to_owned(), n))
        })
        .collect()
}

/// The total a list page shows.
fn list_total(page: &str) -> u64 {
    let doc = scraper::Html::parse_document(page);
    let total = scraper::Selector::parse(".list-total").unwrap();
    doc.select(&total)
        .next()
        .expect("a list total")
        .value()
        .attr("data-total")
        .unwrap()
        .parse()
        .unwrap()
}

async fn html(browser: &Client, app: &TestApp, path: &str) -> String {
    let response = browser.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    text
}

const REPORTS: [&str; 9] = [
    "/desk/reports/volumes/offer",
    "/desk/reports/volumes/subcategory",
    "/desk/reports/volumes/organisation",
    "/desk/reports/volumes/month",
    "/desk/reports/times",
    "/desk/reports/satisfaction",
    "/desk/reports/pipeline",
    "/desk/reports/sla",
    "/desk/reports/deflection",
];

#[tokio::test]
async fn every_report_figure_is_the_count_of_the_list_it_links_to() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let mut checked = 0;
    for path in REPORTS {
        let page = html(&browser, &app, path).await;
        assert!(page.contains("<select name=\"offer\">"), "{path}");
        for (href, count) in counted_links(&page) {
            let list = html(&browser, &app, &href.replace("&amp;", "&")).await;
            assert_eq!(list_total(&list), count, "{path}: {href}");
            checked += 1;
        }
        // The same table as CSV, for French spreadsheets.
        let csv = browser
            .get(app.url(&format!("{path}?format=csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), StatusCode::OK, "{path}");
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let text = csv.text().await.unwrap();
        assert!(text.starts_with('\u{feff}'), "{path}: a byte order mark");
    }
    assert!(checked > 20, "the demo data gives figures: {checked}");

    // Months are chosen among named months; a month that is not one is a 422 naming the field.
    let page = html(&browser, &app, "/desk/reports/volumes/month").await;
    assert!(page.contains("<select name=\"from\">") && page.contains("décembre"));
    let bad = browser
        .get(app.url("/desk/reports/times?from=2026-13"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = browser
        .get(app.url("/desk/reports/volumes/weather"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// A provider with a coordinator, an agent, an offer under a round-the-clock SLA that measures
/// incidents of low priority, and an establishment subscribing to it with a contact.
struct Provider {
    coordinator: Person,
    agent: Person,
    team: i64,
    contact: Person,
    offer: Offer,
    establishment: String,
}

async fn provider(builder: &Builder<'_>, app: &TestApp, code: &str) -> Provider {
    let org = builder.provider(&format!("P-{code}")).await;
    let coordinator = builder.account(org, &["coordinator"]).await;
    let agent = builder.account(org, &["agent"]).await;
    let team = builder.team(org, &[&agent]).await;
    let offer = builder.offer(code, org, team).await;
    let intervals: Vec<Value> = (0..7)
        .map(|day| json!({ "weekday": day, "start": "00:00", "end": "24:00" }))
        .collect();
    let (status, sla) = call(
        app,
        Method::POST,
        "/api/v1/slas",
        &builder.admin,
        Some(json!({ "name": format!("SLA {code}"), "provider_id": org,
            "targets": [
                {"kind": "incident", "priority": "low", "metric": "tto", "minutes": 600},
                {"kind": "incident", "priority": "low", "metric": "ttr", "minutes": 6000}],
            "coverage_window": {"time_zone": "Europe/Paris", "intervals": intervals, "holidays": []} })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sla}");
    let establishment = format!("E-{code}");
    let client = builder.establishment(&establishment, None).await;
    builder
        .convention(client, org, &[&offer], sla["id"].as_i64())
        .await;
    let contact = builder.account(client, &["contact"]).await;
    let (status, sub) = call(
        app,
        Method::POST,
        &format!("/api/v1/offers/{code}/subcategories"),
        &builder.admin,
        Some(json!({ "name": "Évolution", "kind": "evolution", "default_team_id": team })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    Provider {
        coordinator,
        agent,
        team,
        contact,
        offer,
        establishment: format!("Organisation {establishment}"),
    }
}

/// Files an incident, assigns, resolves and closes it with a rating.
async fn worked_ticket(builder: &Builder<'_>, app: &TestApp, p: &Provider, rating: i64) {
    let ticket = builder
        .ticket(&p.contact, p.offer.incident, "Lenteurs")
        .await;
    let path = format!(
        "/api/v1/tickets/{}/actions",
        ticket["ref"].as_str().unwrap()
    );
    for (action, token, body) in [
        (
            "assign",
            &p.agent.token,
            json!({"team": p.team, "agent": p.agent.id}),
        ),
        ("resolve", &p.agent.token, json!({"solution": "Cache vidé"})),
        ("close", &p.contact.token, json!({"satisfaction": rating})),
    ] {
        let (status, answer) = call(
            app,
            Method::POST,
            &format!("{path}/{action}"),
            token,
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{action}: {answer}");
    }
}

async fn rows(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let (status, rows) = call(app, Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {rows}");
    rows.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_coordinator_reads_only_the_reports_of_their_providers_offers() {
    let app = TestApp::spawn().await;
    let builder = app.builder().await;
    let first = provider(&builder, &app, "PREMIERE").await;
    let second = provider(&builder, &app, "SECONDE").await;
    worked_ticket(&builder, &app, &first, 2).await;
    worked_ticket(&builder, &app, &first, 4).await;
    builder
        .ticket(&first.contact, first.offer.request, "Compte à créer")
        .await;
    worked_ticket(&builder, &app, &second, 1).await;
    builder
        .evolution(&first.contact, &first.offer, "Export des notes")
        .await;
    builder
        .evolution(&second.contact, &second.offer, "Import des notes")
        .await;

    let me = &first.coordinator.token;
    let volumes = rows(&app, "/api/v1/reports/volumes/offer", me).await;
    assert_eq!(volumes.len(), 1, "{volumes:?}");
    assert_eq!(volumes[0]["label"], "PREMIERE");
    assert_eq!(
        (
            &volumes[0]["tickets"],
            &volumes[0]["incidents"],
            &volumes[0]["open"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );
    let organisations = rows(&app, "/api/v1/reports/volumes/organisation", me).await;
    assert_eq!(organisations.len(), 1);
    assert_eq!(organisations[0]["label"], first.establishment.as_str());
    let months = rows(&app, "/api/v1/reports/volumes/month", me).await;
    assert_eq!(months.len(), 1, "{months:?}");
    assert_eq!(months[0]["tickets"], 3);

    let times = rows(&app, "/api/v1/reports/times", me).await;
    assert_eq!(times.len(), 1, "{times:?}");
    assert_eq!(
        (&times[0]["tto_measured"], &times[0]["ttr_measured"]),
        (&json!(2), &json!(2))
    );
    assert!(times[0]["ttr_p90_minutes"].is_number(), "{times:?}");
    assert!(times[0]["tto_mean_minutes"].is_number(), "{times:?}");

    let ratings = rows(&app, "/api/v1/reports/satisfaction", me).await;
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0]["rated"], 2);
    assert_eq!(ratings[0]["satisfied_percent"], 50.0);
    assert_eq!(ratings[0]["mean"], 3.0);

    let pipeline = rows(&app, "/api/v1/reports/pipeline", me).await;
    assert_eq!(pipeline.len(), 1);
    assert_eq!(
        (&pipeline[0]["offer"], &pipeline[0]["total"]),
        (&json!("PREMIERE"), &json!(1))
    );

    let sla = rows(&app, "/api/v1/reports/sla", me).await;
    assert!(sla.iter().all(|r| r["offer"] == "PREMIERE"), "{sla:?}");

    // Naming the other provider's offer finds nothing; its coordinator sees only its own.
    for report in ["volumes/offer", "times", "satisfaction", "pipeline", "sla"] {
        let theirs = rows(&app, &format!("/api/v1/reports/{report}?offer=SECONDE"), me).await;
        assert!(theirs.is_empty(), "{report}: {theirs:?}");
        let own = rows(
            &app,
            &format!("/api/v1/reports/{report}"),
            &second.coordinator.token,
        )
        .await;
        assert!(
            own.iter().all(|r| !r.to_string().contains("PREMIERE")),
            "{report}: {own:?}"
        );
    }

    // The CSV holds the same rows, nothing of the other provider's.
    let csv = app
        .api(Method::GET, "/api/v1/reports/volumes/organisation", me)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.contains(&first.establishment), "{text}");
    assert!(!text.contains(&second.establishment), "{text}");
    assert!(text.lines().count() == 2, "a header and one row: {text}");

    // Agents and contacts have no reports beyond service levels: the pages do not exist.
    for token in [&first.agent.token, &first.contact.token] {
        for report in ["volumes/offer", "times", "satisfaction", "pipeline"] {
            let (status, _) = call(
                &app,
                Method::GET,
                &format!("/api/v1/reports/{report}"),
                token,
                None,
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{report}");
        }
    }
}
