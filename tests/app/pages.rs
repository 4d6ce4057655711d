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

#[tokio::test]
async fn a_refused_token_form_comes_back_as_typed_with_its_errors_in_the_readers_language() {
    let app = TestApp::with_demo().await;
    let agent = crate::support::browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let page = agent
        .get(app.url("/account/tokens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::support::csrf_of(&page);
    for (lang, title, reason) in [
        ("fr", "Erreur : ", "doit être un nombre entier"),
        ("en", "Error: ", "must be a whole number"),
    ] {
        agent
            .get(app.url(&format!("/lang?to={lang}&next=/account/tokens")))
            .send()
            .await
            .unwrap();
        let response = agent
            .post(app.url("/account/tokens"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Intégration SI"),
                ("days", "beaucoup"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let doc = Html::parse_document(&response.text().await.unwrap());
        let page_title = select(&doc, "title")[0].text().collect::<String>();
        assert!(page_title.starts_with(title), "{page_title}");
        let summary = select(&doc, "#error-summary[role=alert] a[href='#days']");
        assert!(summary[0].text().collect::<String>().contains(reason));
        let days = select(&doc, "input#days")[0].value();
        assert_eq!(days.attr("value"), Some("beaucoup"));
        assert_eq!(days.attr("aria-invalid"), Some("true"));
        assert_eq!(days.attr("aria-describedby"), Some("days-error"));
        let name = select(&doc, "input#name")[0].value().attr("value");
        assert_eq!(name, Some("Intégration SI"));
        // Inside the normal layout: the navigation is there.
        assert_eq!(select(&doc, "form[action='/logout']").len(), 1);
    }
}
