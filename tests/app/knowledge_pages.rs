//! The knowledge base's pages, driven through their forms: the portal's FAQ and its feedback,
//! the suggestions fragment and "Cela répond à ma question", the desk's FAQ management with
//! preview, a ticket turned into an FAQ, the search page and the deflection report.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, browser_signed_in, call, csrf_of, subcategory};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const SMSU_AGENT: &str = "agent.smsu@demo.guichet";
const GEFORP_AGENT: &str = "agent.geforp@demo.guichet";

async fn page(browser: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = browser.get(app.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    doc.select(&scraper::Selector::parse(selector).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

async fn faq_id(app: &TestApp, token: &str, q: &str) -> i64 {
    let (_, found) = call(
        app,
        Method::GET,
        &format!("/api/v1/faqs?q={q}"),
        token,
        None,
    )
    .await;
    found["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{q}: {found}"))
}

#[tokio::test]
async fn contacts_browse_search_and_rate_the_faq() {
    let app = TestApp::with_demo().await;
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let (status, html) = page(&toulon, &app, "/portal/faqs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&html, "aside li")
            .iter()
            .any(|c| c.starts_with("Envoi de SMS")),
        "{html}"
    );
    let (_, html) = page(&toulon, &app, "/portal/faqs?q=navigateurs").await;
    let titles = texts(&html, "article.faq-hit h3 a");
    assert_eq!(
        titles.first().map(String::as_str),
        Some("Navigateurs pris en charge"),
        "{titles:?}"
    );
    assert!(html.contains("<mark>"), "hits are marked");
    // The agents-only procedure is not the contact's, in the list or by address.
    let (_, html) = page(&toulon, &app, "/portal/faqs?q=passerelle").await;
    assert!(texts(&html, "article.faq-hit").is_empty());

    let token = app.token(TOULON).await;
    let id = faq_id(&app, &token, "navigateurs").await;
    let (status, html) = page(&toulon, &app, &format!("/portal/faqs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&html);
    let response = toulon
        .post(app.url(&format!("/faqs/{id}/feedback")))
        .form(&[("_csrf", csrf.as_str()), ("helpful", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, seen) = call(
        &app,
        Method::GET,
        &format!("/api/v1/faqs/{id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        (seen["helpful"].as_i64(), seen["my_feedback"].as_bool()),
        (Some(1), Some(true))
    );
    // Without the token, nothing is recorded.
    let response = toulon
        .post(app.url(&format!("/faqs/{id}/feedback")))
        .form(&[("helpful", "no")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Rennes 2 (no convention on SMS-U) gets 404 on a subscribers' FAQ page.
    let smsu = app.token(SMSU_AGENT).await;
    let quota = faq_id(&app, &smsu, "SMS-429").await;
    let rennes = browser_signed_in(&app, RENNES, "demo").await;
    let (status, _) = page(&rennes, &app, &format!("/portal/faqs/{quota}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(&toulon, &app, &format!("/portal/faqs/{quota}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn suggestions_appear_under_the_title_and_a_deflection_files_nothing() {
    let app = TestApp::with_demo().await;
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let token = app.token(TOULON).await;
    let sub = subcategory(&app, &token, "SMS-U", "demande de service").await;
    let (_, form) = page(&toulon, &app, &format!("/portal/new/{sub}")).await;
    assert!(
        form.contains("hx-get=\"&#x2f;portal&#x2f;faq-suggestions")
            || form.contains("hx-get=\"/portal/faq-suggestions"),
        "{form}"
    );
    assert!(
        form.contains("href=\"&#x2f;portal&#x2f;faqs\"") || form.contains("href=\"/portal/faqs\""),
        "the plain search link"
    );

    let (status, fragment) = page(
        &toulon,
        &app,
        &format!("/portal/faq-suggestions?subcategory={sub}&title=quota%20d%C3%A9pass"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    let titles = texts(&fragment, "li.suggestion a");
    assert!(titles.iter().any(|t| t.contains("SMS-429")), "{fragment}");
    // Another establishment's contact gets 404 on GEFORP suggestions (La Rochelle: SMS-U only).
    let rochelle = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    let geforp_sub = subcategory(&app, &token, "GEFORP", "demande de service").await;
    let (status, _) = page(
        &rochelle,
        &app,
        &format!("/portal/faq-suggestions?subcategory={geforp_sub}&title=inscription"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // "Cela répond à ma question" posts the request's form to the deflection.
    let (_, before) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?per_page=1",
        &token,
        None,
    )
    .await;
    let smsu = app.token(SMSU_AGENT).await;
    let quota = faq_id(&app, &smsu, "SMS-429").await;
    let csrf = csrf_of(&form);
    let response = toulon
        .post(app.url(&format!("/portal/faqs/{quota}/deflect")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title", "quota dépassé"),
            ("description", ""),
            ("impact", "person"),
            ("urgency", "low"),
            ("deflect_offer", "SMS-U"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, after) = call(
        &app,
        Method::GET,
        "/api/v1/tickets?per_page=1",
        &token,
        None,
    )
    .await;
    assert_eq!(before["total"], after["total"], "no ticket filed");
    let (_, report) = call(&app, Method::GET, "/api/v1/reports/deflection", &smsu, None).await;
    assert_eq!(
        (report[0]["shown"].as_i64(), report[0]["deflected"].as_i64()),
        (Some(1), Some(1)),
        "{report}"
    );
    let desk = browser_signed_in(&app, SMSU_AGENT, "demo").await;
    let (status, html) = page(&desk, &app, "/desk/reports/deflection").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&html, ".report-table tbody td")
            .first()
            .is_some_and(|c| c == "SMS-U"),
        "{html}"
    );
}

#[tokio::test]
async fn the_desk_writes_previews_and_versions_faqs() {
    let app = TestApp::with_demo().await;
    let desk = browser_signed_in(&app, SMSU_AGENT, "demo").await;
    let (status, form) = page(&desk, &app, "/desk/faqs/new").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&form);
    // Preview: rendered and sanitised.
    let preview = desk
        .post(app.url("/desk/faqs/preview"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("body", "**gras** <script>x</script>"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(preview.trim(), "<p><strong>gras</strong> </p>");
    // Bad input: the form again with the reasons, nothing written.
    let fields = |title: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("title", title.to_owned()),
            ("summary", String::new()),
            ("body", "Réponse.".to_owned()),
            ("keywords", String::new()),
            ("error_code", String::new()),
            ("offer", "SMS-U".to_owned()),
            ("category", String::new()),
            ("visibility", "everyone".to_owned()),
            ("status", "published".to_owned()),
        ]
    };
    let refused = desk
        .post(app.url("/desk/faqs"))
        .form(&fields(""))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!texts(&refused.text().await.unwrap(), ".field-error").is_empty());
    let created = desk
        .post(app.url("/desk/faqs"))
        .form(&fields("Horaires du support SMS-U"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = page(&desk, &app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "article h1"), ["Horaires du support SMS-U"]);
    // An edit is a second version.
    let csrf = csrf_of(&html);
    let mut edit = fields("Horaires du support SMS-U (été)");
    edit[0].1 = csrf;
    edit.push(("revision", "1".to_owned()));
    let edited = desk
        .post(app.url(&location))
        .form(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&desk, &app, &location).await;
    assert_eq!(texts(&html, "table tbody tr").len(), 2, "two versions");
    // Stale: 409, and the page says so.
    let stale = desk
        .post(app.url(&location))
        .form(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    // Another provider's agent reads it (for everyone) but may not change it.
    let other = browser_signed_in(&app, GEFORP_AGENT, "demo").await;
    let (status, html) = page(&other, &app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&html, "form[method=post] textarea").is_empty(),
        "no form for a reader"
    );
}

#[tokio::test]
async fn a_resolved_ticket_becomes_an_faq_and_search_finds_only_ones_own() {
    let app = TestApp::with_demo().await;
    let token = app.token(TOULON).await;
    let agent = app.token(GEFORP_AGENT).await;
    let sub = subcategory(&app, &token, "GEFORP", "demande de service").await;
    let (_, ticket) = call(&app, Method::POST, "/api/v1/tickets", &token, Some(json!({
        "subcategory": sub, "title": "Changer le logo des attestations", "description": "Nouveau logo.",
        "impact": "person", "urgency": "low"
    }))).await;
    let reference = ticket["ref"].as_str().unwrap().to_owned();
    call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/actions/resolve"),
        &agent,
        Some(
            json!({ "revision": ticket["revision"], "solution": "Paramétrage > Modèles > Logo." }),
        ),
    )
    .await;
    let desk = browser_signed_in(&app, GEFORP_AGENT, "demo").await;
    let (_, html) = page(&desk, &app, &format!("/desk/tickets/{reference}")).await;
    assert!(
        html.contains("form method=\"post\" action=\"&#x2f;tickets&#x2f;")
            || html.contains("class=\"from-ticket\"")
    );
    let csrf = csrf_of(&html);
    let made = desk
        .post(app.url(&format!("/tickets/{reference}/faq")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&desk, &app, made.headers()["location"].to_str().unwrap()).await;
    assert_eq!(
        texts(&html, "article h1"),
        ["Changer le logo des attestations"]
    );

    // The search page: the requester finds the ticket; another establishment does not.
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let (status, html) = page(&toulon, &app, "/search?q=logo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&html, "article.ticket-hit h3 a").contains(&reference),
        "{html}"
    );
    let rochelle = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    let (_, html) = page(&rochelle, &app, "/search?q=logo").await;
    assert!(texts(&html, "article.ticket-hit").is_empty());
    assert!(
        texts(&html, "h2").iter().any(|h| h.contains("(0)")),
        "the count says 0 too"
    );
    let (status, _) = page(&rochelle, &app, &format!("/search?q={}", "x".repeat(300))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn coordinators_add_categories_and_agents_may_not() {
    let app = TestApp::with_demo().await;
    let coordination = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let (_, html) = page(&coordination, &app, "/desk/faqs").await;
    let csrf = csrf_of(&html);
    let made = coordination
        .post(app.url("/desk/faq-categories"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Sécurité"),
            ("offer", "SMS-U"),
            ("position", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&coordination, &app, "/desk/faqs").await;
    assert!(
        texts(&html, "details li")
            .iter()
            .any(|c| c.starts_with("Sécurité")),
        "{html}"
    );

    let agent = browser_signed_in(&app, SMSU_AGENT, "demo").await;
    let (_, html) = page(&agent, &app, "/desk/faqs").await;
    assert!(texts(&html, "form[action='/desk/faq-categories']").is_empty());
    let csrf = csrf_of(&html);
    let refused = agent
        .post(app.url("/desk/faq-categories"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Intrus"),
            ("offer", ""),
            ("position", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_search_page_pages_its_results() {
    let app = TestApp::with_demo().await;
    let token = app.token(TOULON).await;
    let sub = subcategory(&app, &token, "GEFORP", "demande de service").await;
    for n in 1..=21 {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/tickets",
            &token,
            Some(json!({
                "subcategory": sub, "title": format!("Imprimante du bureau {n} hors service"),
                "description": "Plus rien ne sort.", "impact": "person", "urgency": "low"
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let (_, html) = page(&toulon, &app, "/search?q=imprimante%20hors").await;
    assert_eq!(texts(&html, "article.ticket-hit").len(), 20);
    assert!(
        texts(&html, "h2").iter().any(|h| h.contains("(21)")),
        "{html}"
    );
    let next = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("section nav.pager a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .next()
        .unwrap_or_else(|| panic!("a link to page 2: {html}"));
    assert_eq!(next, "/search?q=imprimante%20hors&page=2");
    let (status, html) = page(&toulon, &app, &next).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "article.ticket-hit").len(), 1);
}
