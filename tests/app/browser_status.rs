//! The service status pages this last pieces changed, in headless Chromium, in French
//! and in English, at a desktop (1366 px) and a phone (390 px) width: the offer's status page
//! (availability in real and business time), the board with its "open a major incident" link,
//! the form that opens one and a maintenance window's page (the availability report is with
//! the other reports, in `browser_reports`). Each
//! renders, nothing overflows sideways, and a screenshot is left in the temporary directory for
//! a person to look at.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    browser::{Driver, Person},
    status::AGENT,
    support::{TestApp, call},
};

#[tokio::test]
async fn status_pages_read_in_both_languages_at_both_widths() {
    let app = TestApp::with_demo().await;
    let agent = app.token(AGENT).await;
    let starts = Utc::now() + Duration::days(3);
    let body = json!({"starts_at": starts, "ends_at": starts + Duration::hours(2),
                      "message": "Mise à jour de la passerelle SMS"});
    let path = "/api/v1/offers/SMS-U/maintenance";
    let (status, window) = call(&app, Method::POST, path, &agent, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{window}");
    let outage = json!({"status": "degraded", "message": "Envois retardés"});
    let path = "/api/v1/offers/SMS-U/status";
    assert_eq!(
        call(&app, Method::PUT, path, &agent, Some(outage)).await.0,
        StatusCode::OK
    );
    let window_page = format!("/status/SMS-U/maintenance/{}", window["id"]);

    let driver = Driver::start();
    let shots = std::env::temp_dir().join("guichet-status");
    std::fs::create_dir_all(&shots).unwrap();
    for (email, pages) in [(
        AGENT,
        vec![
            "/status",
            "/status/SMS-U",
            "/status/SMS-U/major",
            window_page.as_str(),
        ],
    )] {
        let browser = driver.browser().await;
        let person = Person {
            browser: &browser,
            app: &app,
        };
        person.sign_in(email).await;
        for lang in ["fr", "en"] {
            person.open(&format!("/lang?to={lang}&next=/status")).await;
            for width in [1366u32, 390] {
                browser.set_window_size(width, 900).await.unwrap();
                for path in &pages {
                    person.open(path).await;
                    person.css("main h1").await;
                    let overflow = browser
                        .execute(
                            "return document.documentElement.scrollWidth - window.innerWidth;",
                            vec![],
                        )
                        .await
                        .unwrap();
                    assert!(
                        overflow.as_i64().unwrap_or(0) <= 0,
                        "{path} in {lang} at {width} px overflows by {overflow}"
                    );
                    let name = format!(
                        "{lang}-{width}-{}.png",
                        path.trim_start_matches('/')
                            .replace(['/', '?', '=', '&'], "-")
                    );
                    std::fs::write(shots.join(name), browser.screenshot().await.unwrap()).unwrap();
                }
            }
        }
        browser.close().await.unwrap();
    }
}
