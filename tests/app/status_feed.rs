//! The personal service status feed: a contact's Atom feed shows the status changes and major
//! incidents of its offers and never another establishment's; an address that is no one's, or
//! was replaced or removed, is a 404.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    status::{AGENT, RENNES, TOULON, set_status, sms_u_major_incident},
    support::{TestApp, browser_signed_in, call, csrf_of},
};

/// The feed at `path` (no session: a feed reader's request): its status and text.
async fn read_feed(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = crate::support::client()
        .get(app.url(path))
        .send()
        .await
        .unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("application/atom+xml"), "{kind}");
    }
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_contacts_feed_shows_its_offers_events_and_never_another_establishments() {
    let app = TestApp::with_demo().await;
    let agent = app.token(AGENT).await;
    let outage = "Passerelle SMS en panne, relance en cours";
    let body = json!({ "status": "major_outage", "message": outage });
    assert_eq!(set_status(&app, &agent, body).await.0, StatusCode::OK);
    sms_u_major_incident(&app).await;

    // Toulon (subscriber) makes its feed address through the API: its offers' events are there.
    let toulon = app.token(TOULON).await;
    let path = "/api/v1/status/feed-token";
    let (status, link) = call(&app, Method::POST, path, &toulon, None).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let first = link["path"].as_str().unwrap().to_owned();
    let (status, text) = read_feed(&app, &first).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let feed: atom_syndication::Feed = text.parse().expect("an Atom feed");
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.title.value.as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("[SMS-U] Panne majeure")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("Incident majeur")),
        "{titles:?}"
    );
    assert!(text.contains(outage) && text.contains("Plus aucun SMS ne part"));

    // Rennes 2 (no convention on SMS-U) makes its address on the status page: none of it.
    let browser = browser_signed_in(&app, RENNES, guichet::demo::PASSWORD).await;
    let page = browser.get(app.url("/status")).send().await.unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let made = browser
        .post(app.url("/status/feed"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    let html = made.text().await.unwrap();
    let shown = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("#feed-link").unwrap())
        .next()
        .and_then(|input| input.value().attr("value").map(str::to_owned))
        .expect("the address shown");
    let address = &shown[shown
        .find("/status/feed.atom?token=")
        .expect("a feed address")..];
    let (status, theirs) = read_feed(&app, address).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !theirs.contains("SMS-U") && !theirs.contains(outage),
        "{theirs}"
    );

    // An address that is no one's, a replaced one, a removed one: 404.
    for wrong in ["/status/feed.atom?token=gfd_nothing", "/status/feed.atom"] {
        assert_eq!(read_feed(&app, wrong).await.0, StatusCode::NOT_FOUND);
    }
    let (_, replaced) = call(&app, Method::POST, path, &toulon, None).await;
    let second = replaced["path"].as_str().unwrap();
    assert_ne!(second, first);
    assert_eq!(read_feed(&app, &first).await.0, StatusCode::NOT_FOUND);
    assert_eq!(read_feed(&app, second).await.0, StatusCode::OK);
    let (status, _) = call(&app, Method::DELETE, path, &toulon, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(read_feed(&app, second).await.0, StatusCode::NOT_FOUND);
}
