//! The HTML side: layout, languages, error pages, embedded assets.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::support::TestApp;

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

#[tokio::test]
async fn the_login_page_is_french_by_default_and_accessible() {
    let app = TestApp::spawn().await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("fr"));
    assert_eq!(
        select(&doc, "h1")[0].text().collect::<String>(),
        "Connexion"
    );
    // Landmarks and labels.
    assert_eq!(select(&doc, "main#main").len(), 1);
    assert_eq!(select(&doc, "header nav[aria-label]").len(), 1);
    assert!(!select(&doc, "body > footer").is_empty());
    assert_eq!(select(&doc, "a.skip-link[href='#main']").len(), 1);
    for input in select(&doc, "form input:not([type=hidden])") {
        let id = input.value().attr("id").unwrap();
        assert_eq!(select(&doc, &format!("label[for='{id}']")).len(), 1, "{id}");
    }
    // No inline script: every script has a src under /static.
    for script in select(&doc, "script") {
        assert!(script.value().attr("src").unwrap().starts_with("/static/"));
    }
}

#[tokio::test]
async fn accept_language_and_the_switcher_choose_english() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("en"));
    assert_eq!(select(&doc, "h1")[0].text().collect::<String>(), "Sign in");

    // The switcher's choice is remembered and wins over Accept-Language.
    let switched = app.get("/lang?to=en&next=/login").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/login");
    let cookie = switched.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let response = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("en"));
}

#[tokio::test]
async fn the_switcher_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    let response = app.get("/lang?to=en&next=//evil.example/").await;
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn unknown_pages_get_an_html_404_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        select(&doc, "h1")[0].text().collect::<String>(),
        "Page not found"
    );

    let response = app.client.delete(app.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let doc = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        select(&doc, "h1")[0].text().collect::<String>(),
        "Méthode non autorisée"
    );
}

#[tokio::test]
async fn vendored_assets_are_embedded_and_served() {
    let app = TestApp::spawn().await;
    for (path, mime) in [
        ("/static/vendor/htmx.min.js", "javascript"),
        ("/static/vendor/pico.min.css", "text/css"),
        ("/static/app.css", "text/css"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(content_type.contains(mime), "{path}: {content_type}");
    }
    assert_eq!(
        app.get("/static/vendor/VERSIONS").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/static/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );
}
