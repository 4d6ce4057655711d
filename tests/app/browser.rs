//! The incident walk in a real browser: headless Chromium driven through ChromeDriver (Debian's
//! `chromium` and `chromium-driver`, installed by `.ci/run`), clicking and typing in the portal
//! and the desk as people do.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::StatusCode;

use crate::support::{TestApp, browser_signed_in, smtp::free_port};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub(crate) const TOULON: &str = "contact@univ-toulon.demo.guichet";
const AGENT: &str = "agent.geforp@demo.guichet";

/// ChromeDriver, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// ChromeDriver on a free port.
    pub(crate) fn start() -> Driver {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists(),
            "{CHROMEDRIVER} is missing: `apt-get install chromium chromium-driver` (.ci/run \
             does), or run the tests without `--features browser`"
        );
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            port,
            _profile: tempfile::tempdir().expect("profile dir"),
        }
    }

    pub(crate) async fn browser(&self) -> Client {
        let profile = format!("--user-data-dir={}", self._profile.path().display());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                // Without the background-networking flags Chromium keeps calling home, and this
                // machine's closed network refuses it.
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", profile],
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a browser session")
    }
}

/// A person at the browser.
pub(crate) struct Person<'a> {
    pub(crate) browser: &'a Client,
    pub(crate) app: &'a TestApp,
}

impl Person<'_> {
    pub(crate) async fn open(&self, path: &str) {
        self.browser.goto(&self.app.url(path)).await.expect("page");
    }

    pub(crate) async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.browser
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    pub(crate) async fn type_in(&self, selector: &str, text: &str) {
        self.css(selector)
            .await
            .send_keys(text)
            .await
            .expect("typing");
    }

    pub(crate) async fn click(&self, selector: &str) {
        self.css(selector).await.click().await.expect("click");
    }

    pub(crate) async fn sign_in(&self, email: &str) {
        self.open("/login").await;
        self.type_in("input[name=email]", email).await;
        self.type_in("input[name=password]", "demo").await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.css("form[action='/logout']").await;
    }

    pub(crate) async fn sign_out(&self) {
        self.click("form[action='/logout'] button").await;
        self.css("input[name=email]").await;
    }

    /// Fills an action's form on the ticket page and sends it; waits for the new status.
    /// An action that needs input opens its small form first.
    pub(crate) async fn act(&self, action: &str, fields: &[(&str, &str)], then: &str) {
        let opener = format!("details:not([open]):has(> form.action-{action}) > summary");
        if let Ok(summary) = self.browser.find(Locator::Css(&opener)).await {
            summary.click().await.expect("opening the action's form");
        }
        for (name, text) in fields {
            self.type_in(&format!("form.action-{action} [name={name}]"), text)
                .await;
        }
        self.click(&format!("form.action-{action} button[type=submit]"))
            .await;
        self.css(&format!("mark.status-{then}")).await;
    }
}

#[tokio::test]
async fn an_incident_is_walked_in_a_real_browser() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };

    // The Toulon contact files an incident from the portal.
    me.sign_in(TOULON).await;
    me.open("/portal/new").await;
    browser
        .find(Locator::LinkText("Déclarer un incident sur GEFORP"))
        .await
        .expect("the GEFORP incident link")
        .click()
        .await
        .expect("click");
    me.type_in("input[name=title]", "Jurys introuvables").await;
    me.type_in(
        "textarea[name=description]",
        "La liste des jurys est vide depuis ce matin.",
    )
    .await;
    me.css("select[name=impact]")
        .await
        .select_by_value("establishment")
        .await
        .expect("impact");
    me.css("select[name=urgency]")
        .await
        .select_by_value("high")
        .await
        .expect("urgency");
    // Version and module are chosen from the offer's lists.
    for (name, value) in [("affected_version", "2.4"), ("module", "Inscriptions")] {
        me.css(&format!("select[name={name}]"))
            .await
            .select_by_value(value)
            .await
            .expect(name);
    }
    me.type_in("input[name=page_url]", "https://geforp.example/jurys")
        .await;
    me.click("form button[type=submit]:not(.outline)").await;
    me.css("mark.status-new").await;
    let url = browser.current_url().await.expect("url");
    let reference = url.path().rsplit('/').next().unwrap().to_owned();
    assert!(reference.starts_with("I-"), "{url}");
    let heading = me.css("hgroup p").await.text().await.unwrap();
    assert!(
        heading.contains("Haute"),
        "priority from the matrix: {heading}"
    );
    me.sign_out().await;

    // The agent of the providing team works it from the desk.
    let desk = format!("/desk/tickets/{reference}");
    let portal = format!("/portal/tickets/{reference}");
    me.sign_in(AGENT).await;
    me.open(&desk).await;
    me.act("assign", &[], "assigned").await;
    me.act("pend", &[("reason", "Capture d'écran demandée")], "pending")
        .await;
    me.act("resume", &[], "assigned").await;
    me.act(
        "resolve",
        &[("solution", "Cache des jurys vidé")],
        "resolved",
    )
    .await;
    me.sign_out().await;

    // The contact reopens it; the agent resolves again; the contact closes with a rating.
    me.sign_in(TOULON).await;
    me.open(&portal).await;
    me.act(
        "reopen",
        &[("comment", "Toujours vide pour la L3")],
        "assigned",
    )
    .await;
    me.sign_out().await;
    me.sign_in(AGENT).await;
    me.open(&desk).await;
    me.act(
        "resolve",
        &[("solution", "Jurys de L3 réindexés")],
        "resolved",
    )
    .await;
    me.sign_out().await;
    me.sign_in(TOULON).await;
    me.open(&portal).await;
    me.click("details:has(> form.action-close) > summary").await;
    me.click("form.action-close input[name=satisfaction][value='1']")
        .await;
    me.act("close", &[("comment", "Merci !")], "closed").await;
    me.sign_out().await;

    // The history, on the desk, tells each step and who took it.
    me.sign_in(AGENT).await;
    me.open(&desk).await;
    me.click("#history-title + details > summary").await;
    let rows = browser
        .find_all(Locator::Css("#history-title + details table tbody tr"))
        .await
        .expect("history rows");
    let mut steps = Vec::new();
    for row in rows {
        let text = row.text().await.unwrap();
        if text.contains("Statut") {
            steps.push(text);
        }
    }
    let who: Vec<bool> = steps.iter().map(|s| s.contains("Thomas Toulon")).collect();
    // new (contact), assigned, pending, assigned, resolved (agent), assigned (contact's
    // reopening), resolved (agent), closed (contact).
    assert_eq!(
        who,
        [true, false, false, false, false, true, false, true],
        "{steps:#?}"
    );
    assert!(steps.iter().filter(|s| s.contains("Gaston Geforp")).count() == 5);
    browser.close().await.expect("closing the browser");

    // La Rochelle's contact gets 404 on it.
    let outsider = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    let response = outsider.get(app.url(&portal)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn typing_a_title_suggests_faqs_and_one_answers_the_question() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let token = app.token(TOULON).await;
    let (_, before) = crate::support::call(
        &app,
        reqwest::Method::GET,
        "/api/v1/tickets?per_page=1",
        &token,
        None,
    )
    .await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    me.sign_in(TOULON).await;
    me.open("/portal/new").await;
    browser
        .find(Locator::LinkText(
            "Effectuer une demande de service concernant SMS-U",
        ))
        .await
        .expect("the SMS-U request link")
        .click()
        .await
        .expect("click");
    // Typed as a person does; htmx asks for suggestions once the typing pauses.
    me.type_in("input[name=title]", "Les SMS sont refusés, quota dépa")
        .await;
    let suggestion = me.css("#faq-suggestions li.suggestion a").await;
    let first = suggestion.text().await.unwrap();
    assert!(first.contains("SMS-429"), "{first}");
    let url_before = browser.current_url().await.unwrap();
    assert!(
        url_before.path().starts_with("/portal/new/"),
        "no page reload yet"
    );
    me.click("#faq-suggestions button.deflect").await;
    let notice = me.css("p.notice").await.text().await.unwrap();
    assert!(notice.contains("Tant mieux"), "{notice}");
    browser.close().await.expect("closing the browser");

    // One deflection, no ticket.
    let (_, after) = crate::support::call(
        &app,
        reqwest::Method::GET,
        "/api/v1/tickets?per_page=1",
        &token,
        None,
    )
    .await;
    assert_eq!(before["total"], after["total"]);
    let agent = app.token("agent.smsu@demo.guichet").await;
    let (_, report) = crate::support::call(
        &app,
        reqwest::Method::GET,
        "/api/v1/reports/deflection",
        &agent,
        None,
    )
    .await;
    assert_eq!(report[0]["deflected"], 1, "{report}");
}

#[tokio::test]
async fn a_request_is_supported_from_the_portal_and_a_release_ranked_with_the_keyboard() {
    use fantoccini::key::Key;
    use reqwest::Method;
    use serde_json::json;

    use crate::support::call;

    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    // Two qualified requests from Toulon, in a draft release (set up through the API).
    let toulon = app.token(TOULON).await;
    let committee = app.token("comite@demo.guichet").await;
    let mut refs = Vec::new();
    for title in ["Campagnes multilingues", "Limite horaire par composante"] {
        let (_, filed) = call(
            &app,
            Method::POST,
            "/api/v1/evolutions",
            &toulon,
            Some(json!({
            "offer": "SMS-U", "title": title, "description": "Besoin partagé." })),
        )
        .await;
        let reference = filed["ref"].as_str().unwrap().to_owned();
        let (_, reviewed) = call(
            &app,
            Method::POST,
            &format!("/api/v1/evolutions/{reference}/actions/review"),
            &committee,
            Some(json!({ "revision": filed["revision"] })),
        )
        .await;
        let (_, assessed) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/evolutions/{reference}/assessment"),
            &committee,
            Some(json!({ "value": 3, "clarity": 3, "complexity_days": 4, "regulatory": false })),
        )
        .await;
        let (_, qualified) = call(
            &app,
            Method::POST,
            &format!("/api/v1/evolutions/{reference}/actions/qualify"),
            &committee,
            Some(json!({ "revision": assessed["revision"] })),
        )
        .await;
        assert_eq!(qualified["state"], "qualified", "{reviewed} {qualified}");
        refs.push(reference);
    }
    let (_, release) = call(
        &app,
        Method::POST,
        "/api/v1/releases",
        &committee,
        Some(json!({
        "offer": "SMS-U", "version": "5.0.0", "kind": "major", "capacity_days": 10 })),
    )
    .await;
    let id = release["id"].as_i64().unwrap();
    call(
        &app,
        Method::PUT,
        &format!("/api/v1/releases/{id}/items"),
        &committee,
        Some(json!({ "revision": release["revision"], "items": refs })),
    )
    .await;

    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    // La Rochelle supports the first request from the portal.
    me.sign_in("contact@univ-larochelle.demo.guichet").await;
    me.open(&format!("/portal/evolutions/{}", refs[0])).await;
    me.click("button.support").await;
    // The withdraw button is on the page that follows only: reading before it shows would read
    // the page being left.
    me.css(&format!(
        "form[action='/evolutions/{}/withdraw'] button",
        refs[0]
    ))
    .await;
    let supporters = me.css("#supporters").await.text().await.unwrap();
    assert!(supporters.ends_with(": 2"), "{supporters}");
    me.sign_out().await;

    // The committee moves the first request down with the keyboard alone: Tab to the button,
    // Enter to press it.
    me.sign_in("comite@demo.guichet").await;
    me.open(&format!("/desk/releases/{id}")).await;
    let down = format!("down-{}", refs[0]);
    me.css(&format!("#{down}")).await;
    let mut focused = String::new();
    for _ in 0..200 {
        // A page still settling can swap the focused element under us: ask again.
        let Ok(active) = browser.active_element().await else {
            continue;
        };
        if active.send_keys(&Key::Tab.to_string()).await.is_err() {
            continue;
        }
        if let Ok(active) = browser.active_element().await {
            focused = active.attr("id").await.ok().flatten().unwrap_or_default();
        }
        if focused == down {
            break;
        }
    }
    assert_eq!(focused, down, "the move-down button is reached with Tab");
    browser
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    me.css(&format!(
        "tr.item[data-ref='{}'] + tr.item[data-ref='{}']",
        refs[1], refs[0]
    ))
    .await;
    browser.close().await.expect("closing the browser");
    let (_, now) = call(
        &app,
        Method::GET,
        &format!("/api/v1/releases/{id}"),
        &committee,
        None,
    )
    .await;
    let order: Vec<&str> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"].as_str().unwrap())
        .collect();
    assert_eq!(order, [refs[1].as_str(), refs[0].as_str()]);
    let (_, supported) = call(
        &app,
        Method::GET,
        &format!("/api/v1/evolutions/{}", refs[0]),
        &toulon,
        None,
    )
    .await;
    assert_eq!(supported["supporting_organisations"], 2);
}

#[tokio::test]
async fn a_contact_sees_the_major_incident_first_on_new_request_and_joins_it_in_one_click() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    // Toulon's incident on SMS-U, declared major by SMS-U's agent.
    let (master, _) = crate::status::sms_u_major_incident(&app).await;

    // La Rochelle's contact opens New request: the outage comes before the forms to file.
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    me.sign_in("contact@univ-larochelle.demo.guichet").await;
    me.open("/portal/new").await;
    let shown = me.css("article.major-incident").await.text().await.unwrap();
    assert!(shown.contains("Plus aucun SMS ne part"), "{shown}");
    let first = browser
        .execute(
            "const major = document.querySelector('article.major-incident');
             const file = document.querySelector('a[href^=\"/portal/new/\"]');
             return (major.compareDocumentPosition(file) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;",
            vec![],
        )
        .await
        .expect("a script");
    assert_eq!(
        first,
        serde_json::json!(true),
        "the major incident is shown first"
    );

    // One click: the establishment's own incident, linked to the master.
    me.click("button.join-major").await;
    me.css("mark.status-new").await;
    let url = browser.current_url().await.unwrap();
    assert!(url.path().starts_with("/portal/tickets/I-"), "{url}");
    assert!(!url.path().ends_with(&master));
    let page = me.css("main").await.text().await.unwrap();
    assert!(page.contains(&master) && page.contains("Plus aucun SMS ne part"));
    // Coming back, the offer says the establishment joined instead of offering to join again.
    me.open("/portal/new").await;
    let shown = me.css("article.major-incident").await.text().await.unwrap();
    assert!(shown.contains("I-"), "{shown}");
    assert!(
        browser
            .find(Locator::Css("button.join-major"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn each_demo_role_clicks_a_home_figure_and_finds_as_many_in_the_list() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    let homes = [
        (AGENT, "/desk"),
        ("coordination@demo.guichet", "/desk"),
        ("admin@demo.guichet", "/desk"),
        ("comite@demo.guichet", "/desk"),
        ("copil@demo.guichet", "/desk"),
        (TOULON, "/portal"),
    ];
    for (email, home) in homes {
        me.sign_in(email).await;
        me.open(home).await;
        let mut clicked = None;
        for widget in browser
            .find_all(Locator::Css("a.widget"))
            .await
            .expect("widgets")
        {
            let count: u64 = widget
                .find(Locator::Css(".count"))
                .await
                .expect("a count")
                .text()
                .await
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            if count > 0 {
                widget.click().await.expect("click");
                clicked = Some(count);
                break;
            }
        }
        let count = clicked.unwrap_or_else(|| panic!("{email} has a non-empty widget"));
        let total = me
            .css(".list-total")
            .await
            .attr("data-total")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(total, count.to_string(), "{email}");
        me.open(home).await;
        me.sign_out().await;
    }
}
