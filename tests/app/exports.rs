//! CSV exports of the ticket list: what French spreadsheets open as is, cells that cannot run,
//! and nothing of another organisation's or another provider's.

use reqwest::{Method, StatusCode};

use crate::support::{
    TestApp,
    builders::{Offer, Person},
};

/// The export's text, checked to be a UTF-8 CSV with a byte order mark.
async fn export(app: &TestApp, token: &str, query: &str, accept_csv: bool) -> String {
    let mut request = app.api(Method::GET, &format!("/api/v1/tickets?{query}"), token);
    if accept_csv {
        request = request.header("accept", "text/csv");
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte order mark");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

struct World {
    first: Person,
    second: Person,
    agent: Person,
    offer: Offer,
}

#[tokio::test]
async fn exports_hold_only_the_readers_rows_with_formulas_neutralised() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    // Two providers, whose agents must not see each other's tickets, and two establishments
    // that must not see each other's; the first subscribes to both providers' offers.
    let provider = b.provider("FOURNISSEUR").await;
    let agent = b.account(provider, &["agent"]).await;
    let team = b.team(provider, &[&agent]).await;
    let offer = b.offer("OFFRE", provider, team).await;
    let other = b.provider("AUTRE-FOURNISSEUR").await;
    let other_agent = b.account(other, &["agent"]).await;
    let other_team = b.team(other, &[&other_agent]).await;
    let other_offer = b.offer("AUTRE", other, other_team).await;
    let a = b.establishment("ETAB-A", None).await;
    let second_establishment = b.establishment("ETAB-B", None).await;
    b.convention(a, provider, &[&offer], None).await;
    b.convention(a, other, &[&other_offer], None).await;
    b.convention(second_establishment, provider, &[&offer], None)
        .await;
    let world = World {
        first: b.account(a, &["contact"]).await,
        second: b.account(second_establishment, &["contact"]).await,
        agent,
        offer,
    };
    b.ticket(
        &world.first,
        world.offer.incident,
        "=HYPERLINK(\"http://x\")",
    )
    .await;
    b.ticket(
        &world.first,
        other_offer.incident,
        "Chez l'autre fournisseur",
    )
    .await;
    b.ticket(&world.second, world.offer.incident, "Secret de B")
        .await;

    let first = export(&app, &world.first.token, "format=csv", false).await;
    let header = first.lines().next().unwrap();
    assert!(header.starts_with("Référence;"), "{header}");
    assert!(first.contains("'=HYPERLINK"), "{first}");
    assert!(!first.contains(";=HYPERLINK"), "{first}");
    assert!(first.contains("Chez l'autre fournisseur"));
    assert!(!first.contains("Secret de B"), "{first}");
    assert_eq!(first.lines().count(), 3);

    let second = export(&app, &world.second.token, "", true).await;
    assert!(second.contains("Secret de B"));
    assert!(!second.contains("HYPERLINK") && !second.contains("autre fournisseur"));

    let agent = export(&app, &world.agent.token, "format=csv&sep=,", false).await;
    assert!(agent.lines().next().unwrap().starts_with("Référence,"));
    assert!(agent.contains("Secret de B") && agent.contains("HYPERLINK"));
    assert!(!agent.contains("autre fournisseur"), "{agent}");

    let theirs = export(&app, &other_agent.token, "format=csv", false).await;
    assert!(theirs.contains("autre fournisseur"));
    assert!(!theirs.contains("Secret de B") && !theirs.contains("HYPERLINK"));

    // Filtered and sorted as the list: the same rows in the same order.
    let list: serde_json::Value = app
        .api(
            Method::GET,
            "/api/v1/tickets?sort=-ref&q=secret",
            &world.agent.token,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let filtered = export(
        &app,
        &world.agent.token,
        "format=csv&sort=-ref&q=secret",
        false,
    )
    .await;
    assert_eq!(
        filtered.lines().count() as u64 - 1,
        list["total"].as_u64().unwrap()
    );
    // A bad filter is refused before anything is sent.
    let response = app
        .api(
            Method::GET,
            "/api/v1/tickets?format=csv&sep=|",
            &world.agent.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The references of a list, page after page of 200, as `token` reads it sorted by `sort`.
async fn listed(app: &TestApp, token: &str, sort: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for page in 1.. {
        let list: serde_json::Value = app
            .api(
                Method::GET,
                &format!("/api/v1/tickets?sort={sort}&per_page=200&page={page}"),
                token,
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = list["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        refs.extend(items.iter().map(|t| t["ref"].as_str().unwrap().to_owned()));
    }
    refs
}

#[tokio::test]
async fn a_long_export_follows_the_lists_order_in_every_sort_across_chunks() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    let world = b.two_establishments().await;
    b.ticket(&world.first, world.offer.incident, "Modèle").await;
    let backend = app.conn.get_database_backend();
    let template = app
        .conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT requester_id, organisation_id, offer_id, subcategory_id, team_id FROM ticket",
        ))
        .await
        .unwrap()
        .unwrap();
    let id = |column: &str| template.try_get::<i64>("", column).unwrap();
    let team = template
        .try_get::<Option<i64>>("", "team_id")
        .unwrap()
        .map_or("NULL".to_owned(), |t| t.to_string());
    // 1 200 tickets (more than two export chunks) with many ties on every sort key, so that
    // the chunks' boundaries fall inside runs of equal keys.
    let priorities = ["low", "medium", "high", "critical"];
    let statuses = ["new", "assigned", "pending", "resolved", "closed"];
    let rows: Vec<String> = (0..1200)
        .map(|n| {
            let deadline = if n % 3 == 0 {
                "NULL".to_owned()
            } else {
                format!("'2026-12-{:02} 10:00:00'", 10 + n % 5)
            };
            format!(
                "('Z-{n:06}', 'incident', 'T{}', 'x', {}, {}, {}, {}, 'person', 'low', '{}', \
                 'api', '{}', {team}, NULL, 'organisation', '2026-11-{:02} 09:00:00', \
                 '2026-11-{:02} 09:00:00', 1, {deadline}, {deadline})",
                n % 13,
                id("requester_id"),
                id("organisation_id"),
                id("offer_id"),
                id("subcategory_id"),
                priorities[n % 4],
                statuses[n % 5],
                1 + n % 7,
                1 + n % 11,
            )
        })
        .collect();
    for chunk in rows.chunks(200) {
        app.conn
            .execute_unprepared(&format!(
                "INSERT INTO ticket (ref, kind, title, description, requester_id, \
                 organisation_id, offer_id, subcategory_id, impact, urgency, priority, origin, \
                 status, team_id, agent_id, visibility, created_at, updated_at, revision, \
                 tto_deadline, ttr_deadline) VALUES {}",
                chunk.join(", ")
            ))
            .await
            .unwrap();
    }
    for sort in [
        "updated",
        "-updated",
        "created",
        "ref",
        "-ref",
        "title",
        "-title",
        "status",
        "priority",
        "-priority",
        "deadline",
        "-deadline",
    ] {
        let exported: Vec<String> = export(
            &app,
            &world.agent.token,
            &format!("format=csv&sort={sort}"),
            false,
        )
        .await
        .lines()
        .skip(1)
        .map(|line| line.split(';').next().unwrap().to_owned())
        .collect();
        let expected = listed(&app, &world.agent.token, sort).await;
        assert_eq!(expected.len(), 1201, "{sort}");
        assert!(
            exported == expected,
            "{sort}: the export differs from the list"
        );
    }
}
