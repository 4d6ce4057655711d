//! Forms that never lose what was typed, and the filing form's suggestions, in a real browser:
//! a form sent back keeps its text, says what is wrong in French beside each field and in a
//! summary that takes the focus; Enter in the title never presses a suggestion's button.

use fantoccini::{Client, Locator, key::Key};

use crate::{
    browser::{Driver, Person, TOULON},
    support::{TestApp, call},
};

/// Opens the filing form of the subcategory whose link reads `link`.
async fn filing_form(me: &Person<'_>, link: &str) {
    me.open("/portal/new").await;
    me.browser
        .find(Locator::LinkText(link))
        .await
        .expect(link)
        .click()
        .await
        .expect("click");
    me.css("input[name=title]").await;
}

async fn value_of(browser: &Client, selector: &str) -> String {
    browser
        .find(Locator::Css(selector))
        .await
        .expect(selector)
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

async fn focused_id(browser: &Client) -> String {
    let active = browser.active_element().await.expect("a focused element");
    active.attr("id").await.ok().flatten().unwrap_or_default()
}

async fn deflections(app: &TestApp) -> serde_json::Value {
    let agent = app.token("agent.smsu@demo.guichet").await;
    let (_, report) = call(
        app,
        reqwest::Method::GET,
        "/api/v1/reports/deflection",
        &agent,
        None,
    )
    .await;
    report
}

/// A ticket of the caller's, on GEFORP, not closed.
async fn open_ticket(app: &TestApp, token: &str) -> String {
    let (_, list) = call(
        app,
        reqwest::Method::GET,
        "/api/v1/tickets?per_page=100",
        token,
        None,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] != "closed" && t["offer"]["name"] == "GEFORP")
        .and_then(|t| t["ref"].as_str())
        .unwrap_or_else(|| panic!("an open GEFORP ticket: {list}"))
        .to_owned()
}

#[tokio::test]
async fn a_form_sent_back_keeps_the_text_and_says_what_is_wrong_in_french() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    me.sign_in(TOULON).await;
    filing_form(&me, "Déclarer un incident sur GEFORP").await;
    let long_title = format!("Jurys {}", "introuvables ".repeat(25));
    me.type_in("input[name=title]", &long_title).await;
    me.type_in("textarea[name=description]", "La liste est vide.")
        .await;
    me.type_in("input[name=page_url]", "pas une url").await;
    me.click("form button[type=submit]:not(.outline)").await;

    me.css("#error-summary").await;
    let title = browser.title().await.unwrap();
    assert!(title.starts_with("Erreur : "), "{title}");
    assert_eq!(
        focused_id(&browser).await,
        "error-summary",
        "the summary has the focus"
    );
    let summary = me.css("#error-summary").await.text().await.unwrap();
    assert!(
        summary.contains("Titre : ne doit pas dépasser 300 caractères"),
        "{summary}"
    );
    assert_eq!(
        value_of(&browser, "#title").await,
        long_title,
        "the title as typed"
    );
    assert_eq!(value_of(&browser, "#page_url").await, "pas une url");
    assert_eq!(
        value_of(&browser, "#description").await,
        "La liste est vide."
    );
    let url_error = me.css("#page_url-error").await.text().await.unwrap();
    assert!(url_error.contains("adresse web complète"), "{url_error}");
    let field = me.css("#page_url").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        field.attr("aria-describedby").await.unwrap().as_deref(),
        Some("page_url-error")
    );

    // A ticket's empty comment: the workspace again, its error beside the box, focused summary.
    let token = app.token(TOULON).await;
    let reference = open_ticket(&app, &token).await;
    me.open(&format!("/portal/tickets/{reference}")).await;
    me.type_in("#body", "   ").await;
    me.click("form.log-form button[type=submit]").await;
    me.css("#error-summary").await;
    assert_eq!(focused_id(&browser).await, "error-summary");
    let error = me.css("#body-error").await.text().await.unwrap();
    assert!(error.contains("est obligatoire"), "{error}");
    assert_eq!(value_of(&browser, "#body").await, "   ", "what was typed");
    assert!(browser.title().await.unwrap().starts_with("Erreur : "));
    // The page around it is the normal one: the navigation is there.
    me.css("form[action='/logout']").await;
    browser.close().await.expect("closing the browser");
}

#[tokio::test]
async fn enter_in_the_title_never_presses_a_suggestion_and_one_word_is_enough() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    me.sign_in(TOULON).await;
    filing_form(&me, "Effectuer une demande de service concernant SMS-U").await;
    // One word of an FAQ and one of none: the FAQ is still suggested.
    me.type_in("input[name=title]", "quota xylophone").await;
    let suggestion = me.css("#faq-suggestions li.suggestion a").await;
    let text = suggestion.text().await.unwrap();
    assert!(text.contains("SMS-429"), "{text}");
    let button = me.css("#faq-suggestions button.deflect").await;
    assert_eq!(
        button.attr("type").await.unwrap().as_deref(),
        Some("button")
    );

    // Enter in the title: the request form is checked (nothing is filed without a
    // description), no deflection is counted, and the typed title is still there.
    me.css("input[name=title]")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    me.css("#error-summary").await;
    let url = browser.current_url().await.unwrap();
    assert!(url.path().starts_with("/portal/new/"), "{url}");
    assert_eq!(value_of(&browser, "#title").await, "quota xylophone");
    let report = deflections(&app).await;
    let deflected: i64 = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["deflected"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(deflected, 0, "{report}");
    browser.close().await.expect("closing the browser");
}

/// Screenshots of the ticket workspace (desk and portal), a form with errors and the portal,
/// at 1366 and 390 px, into `target/screenshots/` (run with `--ignored` to look at them).
#[tokio::test]
#[ignore = "writes pictures for people to look at; asserts nothing"]
async fn screenshots_of_the_main_pages() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let token = app.token(TOULON).await;
    let reference = open_ticket(&app, &token).await;
    let shoot = |name: String| {
        let browser = browser.clone();
        let path = dir.join(format!("{name}.png"));
        async move {
            let png = browser.screenshot().await.unwrap();
            std::fs::write(path, png).unwrap();
        }
    };
    for (account, pages) in [
        (
            TOULON,
            vec![
                ("portal-home", "/portal".to_owned()),
                ("portal-ticket", format!("/portal/tickets/{reference}")),
            ],
        ),
        (
            "agent.geforp@demo.guichet",
            vec![("desk-ticket", format!("/desk/tickets/{reference}"))],
        ),
    ] {
        me.sign_in(account).await;
        for width in [1366, 390] {
            browser.set_window_size(width, 1400).await.unwrap();
            for (name, path) in &pages {
                me.open(path).await;
                shoot(format!("{name}-{width}")).await;
            }
        }
        browser.set_window_size(1366, 900).await.unwrap();
        me.sign_out().await;
    }
    me.sign_in(TOULON).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 1400).await.unwrap();
        filing_form(&me, "Déclarer un incident sur GEFORP").await;
        me.type_in("input[name=page_url]", "pas une url").await;
        me.click("form button[type=submit]:not(.outline)").await;
        me.css("#error-summary").await;
        shoot(format!("form-errors-{width}")).await;
    }
    browser.close().await.expect("closing the browser");
}

/// Presses `key` on the keyboard (whatever has the focus, a file field included).
async fn press(browser: &Client, key: Key) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let value: char = key.into();
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value })
        .then(KeyAction::Up { value });
    browser.perform_actions(keys).await.expect("a key press");
}

/// Presses Tab until the focused element matches `selector`, then `key` (Enter, Space…).
async fn tab_to(browser: &Client, selector: &str, key: Key) {
    for _ in 0..300 {
        let here = browser
            .execute(
                "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
                vec![serde_json::json!(selector)],
            )
            .await
            .unwrap_or_default();
        if here == serde_json::json!(true) {
            press(browser, key).await;
            return;
        }
        press(browser, Key::Tab).await;
    }
    panic!("{selector} was never reached with Tab");
}

/// Waits for the page that confirms the step (the page being left may still be read first).
async fn confirmation(me: &Person<'_>, expected: &str) {
    let mut notice = String::new();
    for _ in 0..50 {
        if let Ok(found) = me
            .browser
            .find(Locator::Css("p[role=status].notice-ok"))
            .await
        {
            notice = found.text().await.unwrap_or_default();
            if notice.contains(expected) {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("no confirmation {expected:?}: {notice:?}");
}

#[tokio::test]
async fn a_ticket_is_filed_with_a_file_and_worked_with_the_keyboard_alone() {
    let driver = Driver::start();
    let app = TestApp::with_demo().await;
    let browser = driver.browser().await;
    let me = Person {
        browser: &browser,
        app: &app,
    };
    let screenshot = tempfile::NamedTempFile::with_suffix(".txt").unwrap();
    std::fs::write(screenshot.path(), "Erreur 500 à 09:12 sur /jurys").unwrap();

    me.sign_in(TOULON).await;
    filing_form(&me, "Déclarer un incident sur GEFORP").await;
    me.type_in("input[name=title]", "Jurys introuvables").await;
    me.type_in("textarea[name=description]", "La liste est vide.")
        .await;
    for (name, value) in [("affected_version", "2.4"), ("module", "Inscriptions")] {
        me.css(&format!("select[name={name}]"))
            .await
            .select_by_value(value)
            .await
            .expect(name);
    }
    me.type_in("input[name=page_url]", "https://geforp.example/jurys")
        .await;
    me.type_in("input[type=file]", &screenshot.path().display().to_string())
        .await;
    tab_to(&browser, "form[enctype] button[type=submit]", Key::Enter).await;
    me.css("mark.status-new").await;
    let file = me
        .css(".timeline .attachments a")
        .await
        .text()
        .await
        .unwrap();
    assert!(file.ends_with(".txt"), "{file}");
    let reference = browser
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    me.sign_out().await;

    me.sign_in("agent.geforp@demo.guichet").await;
    me.open(&format!("/desk/tickets/{reference}")).await;
    // Assign: the small form opens from its button; the agent is proposed first.
    tab_to(
        &browser,
        "details:has(> form.action-assign) > summary",
        Key::Enter,
    )
    .await;
    tab_to(
        &browser,
        "form.action-assign button[type=submit]",
        Key::Enter,
    )
    .await;
    confirmation(&me, "Ticket assigné à Gaston Geforp").await;
    // A private note.
    me.type_in("#body", "Index des jurys à reconstruire.").await;
    tab_to(&browser, "input[name=private]", Key::Space).await;
    tab_to(&browser, "form.log-form button[type=submit]", Key::Enter).await;
    confirmation(&me, "Message ajouté").await;
    let note = me.css(".timeline .private").await.text().await.unwrap();
    assert!(note.contains("Index des jurys"), "{note}");
    // Resolve.
    tab_to(
        &browser,
        "details:has(> form.action-resolve) > summary",
        Key::Enter,
    )
    .await;
    me.type_in("#solution", "Index reconstruit.").await;
    tab_to(
        &browser,
        "form.action-resolve button[type=submit]",
        Key::Enter,
    )
    .await;
    confirmation(&me, "Ticket résolu").await;
    me.css("mark.status-resolved").await;
    browser.close().await.expect("closing the browser");
}
