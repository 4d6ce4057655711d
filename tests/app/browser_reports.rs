//! The report pages and the ticket list's bulk form in headless Chromium, in French and in
//! English, at a desktop (1366 px) and a phone (390 px) width: each renders, nothing overflows
//! sideways, and a screenshot is left in the temporary directory for a person to look at.

use crate::{
    browser::{Driver, Person},
    support::TestApp,
};

const PAGES: [&str; 9] = [
    "/desk/reports/volumes/offer",
    "/desk/reports/volumes/month",
    "/desk/reports/times",
    "/desk/reports/satisfaction",
    "/desk/reports/pipeline",
    "/desk/reports/sla",
    "/desk/reports/deflection",
    "/desk/reports/availability",
    "/desk/tickets?status=open",
];

#[tokio::test]
async fn reports_read_in_both_languages_at_both_widths() {
    let app = TestApp::with_demo().await;
    let driver = Driver::start();
    let browser = driver.browser().await;
    let person = Person {
        browser: &browser,
        app: &app,
    };
    person.sign_in("coordination@demo.guichet").await;
    let shots = std::env::temp_dir().join("guichet-reports");
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["fr", "en"] {
        person.open(&format!("/lang?to={lang}&next=/desk")).await;
        for width in [1366u32, 390] {
            browser.set_window_size(width, 900).await.unwrap();
            for path in PAGES {
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
