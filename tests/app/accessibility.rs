//! Every page of every demo role through axe-core (WCAG 2.1 A and AA rules) in Chromium at
//! 1366 px, then the same page narrowed to 390 px, where the document may not be wider than the
//! screen (the page's script labels table cells whatever the width, so narrowing a loaded page
//! shows what loading it narrow would).
//!
//! The pages come from the router's source (`src/web/mod.rs`): each GET route is visited with
//! the first link to it found while crawling the role's pages, and a route that no role reaches
//! fails the test unless it is listed in [`NOT_PAGES`] with the reason it is not a page.

use std::collections::{BTreeMap, BTreeSet};

use fantoccini::{Client, Locator};

use crate::{
    browser::{Driver, Person},
    support::TestApp,
};

/// axe-core 4.11.0 from the npm registry (see `tests/app/vendor/VERSIONS`).
const AXE: &str = include_str!("vendor/axe-core-4.11.0.min.js");
const ROUTER: &str = include_str!("../../src/web/mod.rs");

/// One account per role of the demo.
const ROLES: [&str; 6] = [
    "contact@univ-toulon.demo.guichet",
    "agent.geforp@demo.guichet",
    "coordination@demo.guichet",
    "comite@demo.guichet",
    "copil@demo.guichet",
    "admin@demo.guichet",
];

/// GET routes that answer something other than a page.
const NOT_PAGES: [(&str, &str); 9] = [
    ("/", "redirects to the caller's home"),
    ("/lang", "sets the language and redirects"),
    ("/static/{*path}", "assets"),
    ("/attachments/{id}", "file downloads"),
    (
        "/portal/faq-suggestions",
        "an htmx fragment inside the filing form",
    ),
    ("/desk/sessions/{id}/minutes.md", "a Markdown download"),
    (
        "/password/reset",
        "reached from the e-mailed link only, with its token",
    ),
    ("/status/feed.atom", "an Atom feed for feed readers"),
    (
        "/login/sso",
        "redirects to the establishment's identity provider",
    ),
];

/// The GET routes of the router, as written in its source.
fn get_routes() -> Vec<String> {
    let mut routes = Vec::new();
    for chunk in ROUTER.split(".route(").skip(1) {
        let Some(path) = chunk.split('"').nth(1) else {
            continue;
        };
        let call = chunk.split(".route(").next().unwrap_or_default();
        let call = call.split(".merge(").next().unwrap_or_default();
        if call.contains("get(") {
            routes.push(path.to_owned());
        }
    }
    routes
}

/// Whether `path` (no query) is an instance of `route` (`{name}` matches one segment).
fn matches(route: &str, path: &str) -> bool {
    let (r, p): (Vec<_>, Vec<_>) = (route.split('/').collect(), path.split('/').collect());
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(r, p)| (r.starts_with('{') && !p.is_empty()) || r == p)
}

async fn links(browser: &Client) -> Vec<String> {
    let found = browser
        .execute(
            "return Array.from(document.querySelectorAll('a[href^=\"/\"]'))\
             .map(a => a.getAttribute('href').split('#')[0].split('?')[0]);",
            vec![],
        )
        .await
        .unwrap_or_default();
    serde_json::from_value(found).unwrap_or_default()
}

/// The WCAG 2.1 A/AA violations of the page in the browser, one line each.
async fn violations(browser: &Client) -> Vec<String> {
    browser.execute(AXE, vec![]).await.expect("axe-core loads");
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { runOnly: { type: 'tag',\
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },\
               resultTypes: ['violations'] })\
               .then(r => done(r.violations.map(v => v.id + ': ' +\
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    serde_json::from_value(found).expect("axe-core's list of violations")
}

async fn overflow(browser: &Client) -> Option<i64> {
    let width = browser
        .execute(
            "const d = document.documentElement;\
             return d.scrollWidth > window.innerWidth ? d.scrollWidth : null;",
            vec![],
        )
        .await
        .ok()?;
    width.as_i64()
}

/// The pages a role reaches: the router's GET routes, those with parameters through the
/// first link to them met on the role's other pages. Each page is checked as it is reached,
/// its problems added to `problems`: by axe-core in a window 1366 px wide, then narrowed to a
/// phone's 390 px, where the document may not be wider than the window. Loading every page
/// again for each check made this test the suite's longest.
async fn pages_of(
    me: &Person<'_>,
    account: &str,
    routes: &[String],
    problems: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    let mut seen_links = BTreeSet::new();
    let mut queue: Vec<String> = routes
        .iter()
        .filter(|r| !r.contains('{') && !NOT_PAGES.iter().any(|(n, _)| n == *r))
        .cloned()
        .collect();
    while let Some(path) = queue.pop() {
        let Some(route) = routes.iter().find(|r| matches(r, &path)) else {
            continue;
        };
        if pages.contains_key(route) || NOT_PAGES.iter().any(|(n, _)| n == route) {
            continue;
        }
        if route == "/desk/committee" {
            // The criteria are linked from the committee queue filtered on an offer.
            queue.insert(0, "/desk/offers/GEFORP/criteria".to_owned());
        }
        me.open(&path).await;
        // An error page (another role's page, a refused action) is not this role's page.
        if me.browser.find(Locator::Css("main h1")).await.is_err()
            || me.browser.find(Locator::Css(".error-page")).await.is_ok()
        {
            continue;
        }
        for v in violations(me.browser).await {
            problems.push(format!("{account} {path}: {v}"));
        }
        me.browser.set_window_size(390, 844).await.unwrap();
        let inner = me
            .browser
            .execute("return window.innerWidth;", vec![])
            .await;
        assert_eq!(inner.unwrap(), 390, "the window is as narrow as a phone");
        if let Some(width) = overflow(me.browser).await {
            problems.push(format!("{account} {path}: {width} px wide at 390 px"));
        }
        me.browser.set_window_size(1366, 900).await.unwrap();
        pages.insert(route.clone(), path);
        for link in links(me.browser).await {
            if seen_links.insert(link.clone()) && link != "/logout" {
                queue.insert(0, link);
            }
        }
    }
    pages
}

#[tokio::test]
async fn every_page_of_every_role_passes_axe_core_and_fits_a_phone() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    // The demo holds no committee session: one is recorded, so that its page is seen too.
    let committee = app.token("comite@demo.guichet").await;
    let (status, _) = crate::support::call(
        &app,
        reqwest::Method::POST,
        "/api/v1/committee-sessions",
        &committee,
        Some(
            serde_json::json!({ "committee": "project", "held_on": "2026-11-20",
            "title": "Comité de projet de novembre", "decisions": "Aucune." }),
        ),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    // Nor a mailbox nor a webhook (each would reach out to a server): one of each is set up,
    // never read nor sent to here, so that their pages are seen too.
    let coordination = app.token("coordination@demo.guichet").await;
    for (path, body) in [
        (
            "/api/v1/mailboxes",
            serde_json::json!({ "label": "Support", "host": "imap.example.org", "port": 993,
                "security": "imaps", "username": "support", "password": "secret" }),
        ),
        (
            "/api/v1/webhooks",
            serde_json::json!({ "url": "https://hooks.example.org/guichet",
                "kinds": ["received"] }),
        ),
    ] {
        let (status, made) =
            crate::support::call(&app, reqwest::Method::POST, path, &coordination, Some(body))
                .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{made}");
    }
    // Nor any maintenance window: one is announced on SMS-U for next month, so that its page
    // (edit and cancel) is seen too.
    let smsu_agent = app.token("agent.smsu@demo.guichet").await;
    let starts = chrono::Utc::now() + chrono::Duration::days(30);
    let (status, made) = crate::support::call(
        &app,
        reqwest::Method::POST,
        "/api/v1/offers/SMS-U/maintenance",
        &smsu_agent,
        Some(
            serde_json::json!({ "starts_at": starts, "ends_at": starts + chrono::Duration::hours(2),
            "message": "Mise à jour de la passerelle SMS" }),
        ),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{made}");
    // Nor any identity provider: one is added, so that its edit page and the sign-in page's
    // establishment button are seen too.
    let admin = app.token("admin@demo.guichet").await;
    let (_, orgs) = crate::support::call(
        &app,
        reqwest::Method::GET,
        "/api/v1/organisations?per_page=200",
        &admin,
        None,
    )
    .await;
    let toulon = orgs["items"]
        .as_array()
        .and_then(|items| items.iter().find(|o| o["code"] == "UTLN"))
        .map(|o| o["id"].clone())
        .expect("Toulon");
    let (status, _) = crate::support::call(
        &app,
        reqwest::Method::POST,
        "/api/v1/identity-providers",
        &admin,
        Some(
            serde_json::json!({ "organisation_id": toulon, "kind": "cas",
            "label": "Université de Toulon", "server_url": "https://cas.univ-tln.fr/cas",
            "email_domains": ["univ-tln.fr"] }),
        ),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    let routes = get_routes();
    assert!(routes.len() > 40, "routes read from the router: {routes:?}");
    let mut reached = BTreeSet::new();
    let mut problems = Vec::new();
    for account in ROLES {
        browser.set_window_size(1366, 900).await.unwrap();
        me.sign_in(account).await;
        let pages = pages_of(&me, account, &routes, &mut problems).await;
        eprintln!("{account}: {} pages", pages.len());
        reached.extend(pages.into_keys());
        me.sign_out().await;
    }
    // The pages seen before signing in.
    for path in ["/login", "/password/forgot"] {
        me.open(path).await;
        for v in violations(&browser).await {
            problems.push(format!("anonymous {path}: {v}"));
        }
        reached.insert(path.to_owned());
    }
    // The check itself finds what it should: an image without a text alternative.
    browser
        .execute(
            "document.querySelector('main').insertAdjacentHTML('beforeend', \
             '<img src=\"/static/missing.png\">');",
            vec![],
        )
        .await
        .unwrap();
    let found = violations(&browser).await;
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "{found:?}"
    );
    // And a page that fits at 1366 px but not at 390 px is seen to overflow once narrowed
    // (the width set through the DOM: the security policy ignores style attributes).
    browser
        .execute(
            "const wide = document.createElement('div');\
             wide.style.width = '600px';\
             wide.style.height = '1px';\
             document.body.append(wide);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow(&browser).await, None, "it fits at 1366 px");
    browser.set_window_size(390, 844).await.unwrap();
    assert!(overflow(&browser).await.is_some(), "it overflows at 390 px");
    let unreached: Vec<_> = routes
        .iter()
        .filter(|r| !reached.contains(*r) && !NOT_PAGES.iter().any(|(n, _)| n == *r))
        .collect();
    browser.close().await.expect("closing the browser");
    assert!(
        unreached.is_empty() && problems.is_empty(),
        "pages no role reached: {unreached:?}\n{}",
        problems.join("\n")
    );
}
