//! The homes' dashboards: every figure is a link to a list, and that list shows the same count;
//! each demo role finds something on its home.

use reqwest::{Client, StatusCode};

use crate::support::{TestApp, browser_signed_in};

/// Every counted link of a home: (href, count).
fn counted_links(page: &str) -> Vec<(String, u64)> {
    let doc = scraper::Html::parse_document(page);
    let mut links = Vec::new();
    let widgets = scraper::Selector::parse("a.widget").unwrap();
    let count = scraper::Selector::parse(".count").unwrap();
    for a in doc.select(&widgets) {
        let n = a.select(&count).next().unwrap().text().collect::<String>();
        links.push((
            a.value().attr("href").unwrap().to_owned(),
            n.trim().parse().unwrap(),
        ));
    }
    // The charts' figures, from their data tables (the same links as their bars).
    let cells = scraper::Selector::parse("table.chart-data a, table a.counted").unwrap();
    for a in doc.select(&cells) {
        let n = a.text().collect::<String>();
        links.push((
            a.value().attr("href").unwrap().to_owned(),
            n.trim().parse().unwrap(),
        ));
    }
    links
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
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn every_home_figure_is_the_count_of_the_list_it_links_to() {
    let app = TestApp::with_demo().await;
    let homes = [
        ("agent.geforp@demo.guichet", "/desk"),
        ("coordination@demo.guichet", "/desk"),
        ("admin@demo.guichet", "/desk"),
        ("comite@demo.guichet", "/desk"),
        ("copil@demo.guichet", "/desk"),
        ("contact@univ-toulon.demo.guichet", "/portal"),
        ("contact@univ-larochelle.demo.guichet", "/portal"),
    ];
    for (email, home) in homes {
        let browser = browser_signed_in(&app, email, "demo").await;
        let page = html(&browser, &app, home).await;
        let links = counted_links(&page);
        assert!(
            links.iter().any(|(_, n)| *n > 0),
            "{email} sees figures on its home: {links:?}"
        );
        for (href, count) in links {
            let list = html(&browser, &app, &href.replace("&amp;", "&")).await;
            assert_eq!(list_total(&list), count, "{email}: {href}");
        }
    }
}

#[tokio::test]
async fn the_coordinators_home_draws_the_incident_dashboard_accessibly() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let page = html(&browser, &app, "/desk").await;
    let doc = scraper::Html::parse_document(&page);
    let svg = scraper::Selector::parse("#fortnight svg[role=group]").unwrap();
    let chart = doc.select(&svg).next().expect("the fortnight chart");
    let labelled = chart.value().attr("aria-labelledby").unwrap();
    assert_eq!(labelled, "fortnight-title fortnight-desc");
    for part in ["title#fortnight-title", "desc#fortnight-desc", "pattern"] {
        let selector = scraper::Selector::parse(part).unwrap();
        assert!(chart.select(&selector).next().is_some(), "{part}");
    }
    // Fourteen days, written the French way, in the data table behind the disclosure.
    let rows = scraper::Selector::parse("#fortnight details table tbody tr").unwrap();
    assert_eq!(doc.select(&rows).count(), 14);
    assert!(
        page.contains(" décembre ") || page.contains(" novembre ") || page.contains(" janvier ")
    );
    // Agents and contacts get no such dashboard, and contacts no desk at all.
    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    assert!(
        !html(&agent, &app, "/desk")
            .await
            .contains("id=\"fortnight\"")
    );
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let response = contact.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_answers_the_dashboards_of_the_roles_held() {
    let app = TestApp::with_demo().await;
    let agent = app.token("agent.geforp@demo.guichet").await;
    let response = app
        .api(reqwest::Method::GET, "/api/v1/dashboard", &agent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["agent"]["widgets"].as_array().unwrap().len() >= 5);
    assert!(body["coordinator"].is_null() && body["contact"].is_null());
    let contact = app.token("contact@univ-toulon.demo.guichet").await;
    let body: serde_json::Value = app
        .api(reqwest::Method::GET, "/api/v1/dashboard", &contact)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["agent"].is_null());
    assert_eq!(body["contact"]["widgets"].as_array().unwrap().len(), 3);
    // The figures of the API are the lists' totals too.
    let open = &body["contact"]["widgets"][0];
    let query = open["href"].as_str().unwrap().split_once('?').unwrap().1;
    let list: serde_json::Value = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/tickets?{query}"),
            &contact,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], open["count"]);
}

#[tokio::test]
async fn ticket_lists_sort_by_their_headers_and_keep_the_page_size() {
    let app = TestApp::with_demo().await;
    let browser = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let page = html(&browser, &app, "/desk/tickets?status=open&per_page=20").await;
    let doc = scraper::Html::parse_document(&page);
    let headers = scraper::Selector::parse("thead th a").unwrap();
    let links: Vec<String> = doc
        .select(&headers)
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 6, "{links:?}");
    for link in &links {
        assert!(
            link.contains("status=open") && link.contains("per_page=20"),
            "{link}"
        );
        let sorted = html(&browser, &app, link).await;
        assert_eq!(list_total(&sorted), list_total(&page), "{link}");
    }
    // The current order is said, and a second click reverses it.
    let by_priority = html(&browser, &app, "/desk/tickets?status=open&sort=priority").await;
    assert!(by_priority.contains("aria-sort=\"descending\""));
    assert!(by_priority.contains("sort=-priority"));
    let reversed = html(&browser, &app, "/desk/tickets?status=open&sort=-priority").await;
    assert!(reversed.contains("aria-sort=\"ascending\""));
    // A column outside the allow-list is refused with the field named.
    let response = browser
        .get(app.url("/desk/tickets?sort=password"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
