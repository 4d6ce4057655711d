//! The lists other than tickets (issue 16): sort by a shown column from an allow-list, filters
//! as selects, numbered pages with a page size, and CSV exports exactly as filtered and sorted,
//! holding only what the caller reads.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call};

/// The CSV a list answers, checked for its byte order mark, as lines.
async fn csv(app: &TestApp, token: &str, path: &str, accept: bool) -> Vec<String> {
    let mut request = app.api(Method::GET, path, token);
    if accept {
        request = request.header("accept", "text/csv");
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte order mark");
    String::from_utf8(bytes[3..].to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn conventions_and_offers_sort_filter_page_and_export_only_what_the_caller_reads() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    // Two providers, and two establishments, none of which may see another's conventions.
    let first_provider = b.provider("PREMIER").await;
    let first_agent = b.account(first_provider, &["agent"]).await;
    let first_team = b.team(first_provider, &[&first_agent]).await;
    let first_offer = b.offer("PREM", first_provider, first_team).await;
    let second_provider = b.provider("SECOND").await;
    let second_agent = b.account(second_provider, &["agent"]).await;
    let second_team = b.team(second_provider, &[&second_agent]).await;
    let second_offer = b.offer("SECO", second_provider, second_team).await;
    let a = b.establishment("ETAB-A", None).await;
    let other = b.establishment("ETAB-B", None).await;
    let a_first = b.convention(a, first_provider, &[&first_offer], None).await;
    let a_second = b
        .convention(a, second_provider, &[&second_offer], None)
        .await;
    let other_first = b
        .convention(other, first_provider, &[&first_offer], None)
        .await;
    let a_contact = b.account(a, &["contact"]).await;
    let other_contact = b.account(other, &["contact"]).await;
    // A title a spreadsheet would run.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/conventions",
        &b.admin,
        Some(
            json!({ "kind": "usage", "title": "=SOMME(A1)", "client_id": other,
                     "provider_id": first_provider, "offers": ["PREM"], "status": "draft",
                     "start_date": "2026-01-01", "end_date": "2026-06-30" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let (_, page) = call(
        &app,
        Method::GET,
        "/api/v1/conventions?sort=start",
        &a_contact.token,
        None,
    )
    .await;
    let mut seen = ids(&page);
    seen.sort_unstable();
    assert_eq!(seen, [a_first, a_second], "the first establishment's own");
    let (_, page) = call(
        &app,
        Method::GET,
        "/api/v1/conventions",
        &second_agent.token,
        None,
    )
    .await;
    assert_eq!(ids(&page), [a_second], "the second provider's own");

    // Each export holds what its list holds, nothing of another scope.
    let lines = csv(
        &app,
        &a_contact.token,
        "/api/v1/conventions?format=csv",
        false,
    )
    .await;
    assert!(
        lines[0].starts_with("Titre;Type;Client;Prestataire;"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("ETAB-B") && !l.contains("SOMME"))
    );
    let lines = csv(
        &app,
        &other_contact.token,
        "/api/v1/conventions?sep=,",
        true,
    )
    .await;
    assert!(lines[0].starts_with("Titre,Type,"), "{lines:?}");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("'=SOMME(A1)")),
        "{lines:?}"
    );
    let lines = csv(
        &app,
        &second_agent.token,
        "/api/v1/conventions?format=csv",
        false,
    )
    .await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].contains("SECO"), "{lines:?}");

    // Sorted, filtered and paged as asked; the export in the same order.
    let (_, by_title) = call(
        &app,
        Method::GET,
        &format!("/api/v1/conventions?provider={first_provider}&sort=-title&per_page=2"),
        &first_agent.token,
        None,
    )
    .await;
    assert_eq!(by_title["total"], 3);
    assert_eq!(by_title["per_page"], 2);
    let mut expected = titles(&by_title);
    let path =
        format!("/api/v1/conventions?provider={first_provider}&sort=-title&per_page=2&page=2");
    let (_, second_page) = call(&app, Method::GET, &path, &first_agent.token, None).await;
    expected.extend(titles(&second_page));
    assert_eq!(expected.len(), 3, "two pages of 2 hold the 3");
    let exported: Vec<String> = csv(
        &app,
        &first_agent.token,
        &format!("/api/v1/conventions?provider={first_provider}&sort=-title&format=csv"),
        false,
    )
    .await
    .iter()
    .skip(1)
    .map(|l| {
        l.split(';')
            .next()
            .unwrap()
            .trim_start_matches('\'')
            .to_owned()
    })
    .collect();
    assert_eq!(exported, expected);
    let (_, by_offer) = call(
        &app,
        Method::GET,
        "/api/v1/conventions?offer=seco",
        &b.admin,
        None,
    )
    .await;
    assert_eq!(ids(&by_offer), [a_second]);
    let (_, by_client) = call(
        &app,
        Method::GET,
        &format!("/api/v1/conventions?client={other}&sort=client"),
        &b.admin,
        None,
    )
    .await;
    assert_eq!(by_client["total"], 2);

    // Sort words come from an allow-list; page sizes are capped; all before any byte.
    for bad in [
        "sort=title;DROP TABLE convention",
        "sort=description",
        "per_page=201",
        "format=csv&sep=|",
        "format=csv&sort=nope",
    ] {
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("/api/v1/conventions?{bad}"),
            &b.admin,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    // Offers: a contact reads those its organisation files on, in its list and its export.
    let codes = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, offers) = call(
        &app,
        Method::GET,
        "/api/v1/offers?sort=-code",
        &b.admin,
        None,
    )
    .await;
    assert_eq!(codes(&offers), ["SECO", "PREM"]);
    let (_, offers) = call(
        &app,
        Method::GET,
        &format!("/api/v1/offers?provider={second_provider}&status=production"),
        &b.admin,
        None,
    )
    .await;
    assert_eq!(codes(&offers), ["SECO"]);
    let (_, offers) = call(
        &app,
        Method::GET,
        "/api/v1/offers?status=obsolete",
        &b.admin,
        None,
    )
    .await;
    assert_eq!(offers["total"], 0);
    let lines = csv(&app, &other_contact.token, "/api/v1/offers", true).await;
    assert!(lines[0].starts_with("Code;"), "{lines:?}");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("PREM;"), "{lines:?}");
    let lines = csv(
        &app,
        &b.admin,
        "/api/v1/offers?format=csv&sort=-provider&sep=,",
        false,
    )
    .await;
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[1].starts_with("SECO,") && lines[2].starts_with("PREM,"),
        "{lines:?}"
    );
    for bad in ["sort=description", "status=vendue", "format=csv&sep=|"] {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/offers?{bad}"),
            &b.admin,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SECO",
        &other_contact.token,
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another provider's offer it does not file on"
    );

    // Another organisation's convention is not found.
    for (token, id) in [
        (&a_contact.token, other_first),
        (&second_agent.token, a_first),
    ] {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/conventions/{id}"),
            token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_desk_convention_list_sorts_by_its_headers_pages_and_exports() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let get = |path: String| {
        let browser = browser.clone();
        let url = app.url(&path);
        async move {
            let response = browser.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, page) = get("/desk/conventions?sort=-title&per_page=1".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&page);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let total: u64 = doc
        .select(&select(".list-total"))
        .next()
        .unwrap()
        .value()
        .attr("data-total")
        .unwrap()
        .parse()
        .unwrap();
    assert!(total > 1, "the demo has conventions");
    let sorted = doc.select(&select("th[aria-sort]")).next().unwrap();
    assert_eq!(sorted.value().attr("aria-sort"), Some("descending"));
    assert_eq!(doc.select(&select("tbody tr")).count(), 1);
    assert!(
        doc.select(&select("nav.pager a")).any(|a| a
            .value()
            .attr("href")
            .unwrap()
            .contains("sort=-title&per_page=1&page=2")),
        "{page}"
    );
    for choice in [
        "select#client option",
        "select#provider option",
        "select#offer option",
    ] {
        assert!(doc.select(&select(choice)).count() > 1, "{choice}");
    }
    let (status, csv) = get("/desk/conventions?sort=-title&format=csv".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv.trim_start_matches('\u{feff}').lines().count() as u64,
        total + 1
    );
    let (status, _) = get("/desk/conventions?sort=secret".to_owned()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The offers' list, on the same machinery.
    let (status, page) = get("/desk/offers?sort=-name&per_page=1".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&page);
    assert_eq!(doc.select(&select("tbody tr")).count(), 1);
    assert!(doc.select(&select("select#provider option")).count() > 1);
    assert!(doc.select(&select("select#status option")).count() == 4);
    assert!(
        doc.select(&select("nav.pager a")).any(|a| a
            .value()
            .attr("href")
            .unwrap()
            .contains("sort=-name&per_page=1&page=2")),
        "{page}"
    );
    let (status, csv) = get("/desk/offers?format=csv&sep=,".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.trim_start_matches('\u{feff}').starts_with("Code,"),
        "{csv}"
    );
}
