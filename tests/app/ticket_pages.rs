//! The ticket walk through the pages, as people click it: a contact files from the portal,
//! the agent works it from the desk, the contact reopens then closes with a rating.

use reqwest::{Client, StatusCode};

use crate::support::{TestApp, browser_signed_in, csrf_of};

async fn html(browser: &Client, app: &TestApp, path: &str) -> String {
    let response = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

fn attr(page: &str, css: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    doc.select(&scraper::Selector::parse(css).unwrap())
        .next()
        .unwrap_or_else(|| panic!("{css} in page"))
        .value()
        .attr(name)
        .unwrap()
        .to_owned()
}

async fn post(
    browser: &Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    browser.post(app.url(path)).form(form).send().await.unwrap()
}

#[tokio::test]
async fn an_incident_is_walked_through_the_portal_and_the_desk() {
    let app = TestApp::with_demo().await;
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let new_page = html(&contact, &app, "/portal/new").await;
    let doc = scraper::Html::parse_document(&new_page);
    let link = doc
        .select(&scraper::Selector::parse("a[href^='/portal/new/']").unwrap())
        .find(|a| a.text().collect::<String>() == "Déclarer un incident sur GEFORP")
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let form = html(&contact, &app, &link).await;
    let csrf = csrf_of(&form);
    // Missing extra fields come back next to their inputs.
    let response = post(
        &contact,
        &app,
        &link,
        &[
            ("_csrf", &csrf),
            ("title", "Inscriptions bloquées"),
            ("description", "Erreur à la validation"),
            ("impact", "establishment"),
            ("urgency", "high"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"affected_version-error\"")
    );
    let response = post(
        &contact,
        &app,
        &link,
        &[
            ("_csrf", &csrf),
            ("title", "Inscriptions bloquées"),
            ("description", "Erreur à la validation"),
            ("impact", "establishment"),
            ("urgency", "high"),
            ("affected_version", "2.4"),
            ("module", "Inscriptions"),
            ("page_url", "https://geforp.example/i"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let ticket_path = response.headers()["location"].to_str().unwrap().to_owned();
    let reference = ticket_path.rsplit('/').next().unwrap().to_owned();
    let page = html(&contact, &app, &ticket_path).await;
    assert!(page.contains("Inscriptions bloquées") && page.contains("Haute"));

    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let list = html(&agent, &app, "/desk/tickets?status=open").await;
    assert!(list.contains(&reference));
    assert!(
        list.contains("Déconnexion (Gaston Geforp)"),
        "the page frame survives the list's data"
    );
    let desk_path = format!("/desk/tickets/{reference}");
    let act = |action: &'static str, extra: Vec<(&'static str, String)>| {
        let app = &app;
        let agent = agent.clone();
        let desk_path = desk_path.clone();
        let reference = reference.clone();
        async move {
            let page = html(&agent, app, &desk_path).await;
            let mut form = vec![
                ("_csrf", csrf_of(&page)),
                (
                    "revision",
                    attr(
                        &page,
                        &format!("form.action-{action} input[name=revision]"),
                        "value",
                    ),
                ),
            ];
            form.extend(extra);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(
                &agent,
                app,
                &format!("/tickets/{reference}/actions/{action}"),
                &form,
            )
            .await
        }
    };
    let page = html(&agent, &app, &desk_path).await;
    let assignment = attr(&page, "select[name=assignment] option", "value");
    assert_eq!(
        act("assign", vec![("assignment", assignment)])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act("pend", vec![("reason", "Journaux demandés".to_owned())])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(act("resume", vec![]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        act("resolve", vec![("solution", "Cache vidé".to_owned())])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let contact_act = |action: &'static str, extra: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let contact = contact.clone();
        let ticket_path = ticket_path.clone();
        let reference = reference.clone();
        async move {
            let page = html(&contact, app, &ticket_path).await;
            let csrf = csrf_of(&page);
            let revision = attr(
                &page,
                &format!("form.action-{action} input[name=revision]"),
                "value",
            );
            let mut form = vec![("_csrf", csrf.as_str()), ("revision", revision.as_str())];
            form.extend(extra);
            post(
                &contact,
                app,
                &format!("/tickets/{reference}/actions/{action}"),
                &form,
            )
            .await
        }
    };
    assert_eq!(
        contact_act("reopen", vec![("comment", "Toujours bloqué")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(
            "resolve",
            vec![("solution", "Index reconstruit".to_owned())]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        contact_act("close", vec![("satisfaction", "2"), ("comment", "Merci")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let page = html(&contact, &app, &ticket_path).await;
    assert!(
        page.contains("Clôturé") && page.contains("Satisfait") && page.contains("Toujours bloqué")
    );
    let desk_page = html(&agent, &app, &desk_path).await;
    let doc = scraper::Html::parse_document(&desk_page);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("#history-title + details table tbody tr").unwrap())
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .filter(|row| row.contains("|Statut :"))
        .collect();
    assert_eq!(rows.len(), 8, "{rows:#?}");
    assert!(
        rows[0].contains("Thomas Toulon")
            && rows[1].contains("Gaston Geforp")
            && rows[7].contains("Thomas Toulon")
    );

    // The other establishment's contact and another provider's agent see none of it.
    for (email, path) in [
        ("contact@univ-larochelle.demo.guichet", ticket_path.clone()),
        ("agent.smsu@demo.guichet", desk_path.clone()),
    ] {
        let outsider = browser_signed_in(&app, email, "demo").await;
        assert_eq!(
            outsider.get(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{email}"
        );
    }
    let home = html(&contact, &app, "/portal").await;
    assert!(home.contains("Demandes clôturées"));
}

/// A file to send: name and bytes.
type File<'a> = (&'a str, &'a [u8]);

async fn post_log(
    browser: &Client,
    app: &TestApp,
    page_path: &str,
    reference: &str,
    body: &str,
    private: bool,
    file: Option<File<'_>>,
) -> reqwest::Response {
    let page = html(browser, app, page_path).await;
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_of(&page))
        .text("body", body.to_owned());
    if private {
        form = form.text("private", "on");
    }
    form = match file {
        Some((name, bytes)) => form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        ),
        // An empty file input, as a browser sends it.
        None => form.part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        ),
    };
    browser
        .post(app.url(&format!("/tickets/{reference}/log")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn attachment_links(page: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(page);
    doc.select(&scraper::Selector::parse(".log-entry .attachments a").unwrap())
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn log_entries_carry_files_and_private_ones_stay_on_the_provider_side() {
    let app = TestApp::with_demo().await;
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let list = html(&agent, &app, "/desk/tickets?status=open&offer=GEFORP").await;
    let reference = attr(&list, "tbody a[href^='/desk/tickets/']", "href")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let portal_path = format!("/portal/tickets/{reference}");
    let desk_path = format!("/desk/tickets/{reference}");

    // A comment with a file from the requester's side; from the provider's side, a private
    // note with a file and a comment without one.
    let posts: [(&Client, &str, &str, bool, Option<File>); 3] = [
        (
            &contact,
            &portal_path,
            "Voici la capture",
            false,
            Some(("capture.png", b"\x89PNG fake")),
        ),
        (
            &agent,
            &desk_path,
            "Trace interne",
            true,
            Some(("trace.txt", b"stack")),
        ),
        (&agent, &desk_path, "Bien reçu", false, None),
    ];
    for (browser, path, body, private, file) in posts {
        let response = post_log(browser, &app, path, &reference, body, private, file).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{body}");
    }

    let desk_files = attachment_links(&html(&agent, &app, &desk_path).await);
    let names: Vec<&str> = desk_files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["capture.png", "trace.txt"]);
    let portal_page = html(&contact, &app, &portal_path).await;
    assert!(portal_page.contains("Bien reçu") && !portal_page.contains("Trace interne"));
    let portal_files = attachment_links(&portal_page);
    assert_eq!(portal_files.len(), 1);
    assert_eq!(portal_files[0].0, "capture.png");

    // Downloads follow the entry: the private file is 404 to the requester.
    let private_href = &desk_files[1].1;
    let response = contact.get(app.url(private_href)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = agent.get(app.url(private_href)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"stack");
    let public_href = &desk_files[0].1;
    assert_eq!(
        contact
            .get(app.url(public_href))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // Another establishment's contact reads neither the ticket nor its files, and cannot post.
    let outsider = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    assert_eq!(
        outsider
            .get(app.url(public_href))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let response = post_log(
        &outsider,
        &app,
        "/portal",
        &reference,
        "Intrus",
        false,
        Some(("x.txt", b"x")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!html(&agent, &app, &desk_path).await.contains("Intrus"));
    // The requester may not write a private note, and an empty entry is refused.
    let response = post_log(&contact, &app, &portal_path, &reference, "x", true, None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post_log(&contact, &app, &portal_path, &reference, " ", false, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_agent_files_from_the_desk_for_a_contact() {
    let app = TestApp::with_demo().await;
    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let offers = html(&agent, &app, "/desk/new").await;
    let doc = scraper::Html::parse_document(&offers);
    let link = doc
        .select(&scraper::Selector::parse("a[href^='/desk/new/']").unwrap())
        .find(|a| a.text().collect::<String>() == "Déclarer un incident sur GEFORP")
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let form = html(&agent, &app, &link).await;
    assert!(form.contains("name=\"requester\""));
    let fields = |requester: &'static str| {
        vec![
            ("_csrf", csrf_of(&form)),
            ("requester", requester.to_owned()),
            ("title", "Appel du service scolarité".to_owned()),
            ("description", "Signalé par téléphone".to_owned()),
            ("impact", "service".to_owned()),
            ("urgency", "medium".to_owned()),
            ("affected_version", "2.4".to_owned()),
            ("module", "Inscriptions".to_owned()),
            ("page_url", "https://geforp.example/".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let agent = agent.clone();
        let url = app.url(&link);
        async move { agent.post(url).form(&fields).send().await.unwrap() }
    };
    // An address that is no contact comes back next to its field, and nothing is filed.
    let response = send(fields("personne@example.org")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"requester-error\"") && page.contains("Appel du service scolarité"));
    let response = send(fields("contact@univ-toulon.demo.guichet")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let desk_path = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(desk_path.starts_with("/desk/tickets/I-"));
    let page = html(&agent, &app, &desk_path).await;
    assert!(page.contains("Thomas Toulon") && page.contains("Appel du service scolarité"));
    // The contact finds it in their portal; La Rochelle does not.
    let reference = desk_path.rsplit('/').next().unwrap();
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let portal_path = format!("/portal/tickets/{reference}");
    assert!(
        html(&contact, &app, &portal_path)
            .await
            .contains("Signalé par téléphone")
    );
    let outsider = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    assert_eq!(
        outsider
            .get(app.url(&portal_path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let list = html(&agent, &app, "/desk/tickets?q=scolarit%C3%A9").await;
    assert_eq!(list.matches("Appel du service scolarité").count(), 1);
}

#[tokio::test]
async fn the_time_of_the_event_is_typed_in_paris_time_and_shown_so() {
    let app = TestApp::with_demo().await;
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let new_page = html(&contact, &app, "/portal/new").await;
    let doc = scraper::Html::parse_document(&new_page);
    let link = doc
        .select(&scraper::Selector::parse("a[href^='/portal/new/']").unwrap())
        .find(|a| a.text().collect::<String>().contains("offres hébergées"))
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let form = html(&contact, &app, &link).await;
    assert_eq!(
        attr(&form, "input[name=event_at]", "type"),
        "datetime-local"
    );
    let mut fields = vec![
        ("_csrf", csrf_of(&form)),
        ("title", "Portail indisponible".to_owned()),
        ("description", "Erreur 502".to_owned()),
        ("impact", "establishment".to_owned()),
        ("urgency", "high".to_owned()),
        ("page_url", "https://heb.example/".to_owned()),
        ("event_at", "2026-03-29T02:30".to_owned()),
    ];
    // 02:30 does not exist in Paris on the night the clocks go forward.
    let response = contact
        .post(app.url(&link))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"event_at-error\"")
    );
    fields.pop();
    fields.push(("event_at", "2026-01-15T09:30".to_owned()));
    let response = contact
        .post(app.url(&link))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let path = response.headers()["location"].to_str().unwrap().to_owned();
    let page = html(&contact, &app, &path).await;
    assert!(
        page.contains("15 janv. 2026 à 09:30"),
        "shown as typed, in words"
    );
    let token = app.token("contact@univ-toulon.demo.guichet").await;
    let reference = path.rsplit('/').next().unwrap();
    let (_, ticket) = crate::support::call(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/tickets/{reference}"),
        &token,
        None,
    )
    .await;
    assert_eq!(ticket["event_at"], "2026-01-15T08:30:00Z");
}

#[tokio::test]
async fn participants_are_added_by_address_and_removed_from_the_ticket_page() {
    let app = TestApp::with_demo().await;
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let colleague = browser_signed_in(&app, "comite.toulon@demo.guichet", "demo").await;
    let list = html(&contact, &app, "/portal/tickets?status=open").await;
    let ticket_path = attr(&list, "tbody a[href^='/portal/tickets/']", "href");
    let reference = ticket_path.rsplit('/').next().unwrap().to_owned();
    let participants_path = format!("/tickets/{reference}/participants");
    let submit = |browser: &Client, fields: Vec<(&'static str, String)>| {
        let browser = browser.clone();
        let url = app.url(&participants_path);
        async move { browser.post(url).form(&fields).send().await.unwrap() }
    };
    let page = html(&contact, &app, &ticket_path).await;
    let revision = attr(
        &page,
        "form.participants-form input[name=revision]",
        "value",
    );
    let csrf = csrf_of(&page);

    // An address outside the contact's establishment is refused, and nothing changes.
    let response = submit(
        &contact,
        vec![
            ("_csrf", csrf.clone()),
            ("revision", revision.clone()),
            ("add", "contact@univ-larochelle.demo.guichet".to_owned()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // La Rochelle's contact cannot touch the ticket at all.
    let outsider = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    let outsider_csrf = csrf_of(&html(&outsider, &app, "/portal").await);
    let response = submit(
        &outsider,
        vec![
            ("_csrf", outsider_csrf),
            ("revision", revision.clone()),
            ("add", "contact@univ-larochelle.demo.guichet".to_owned()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let response = submit(
        &contact,
        vec![
            ("_csrf", csrf.clone()),
            ("revision", revision.clone()),
            ("add", "comite.toulon@demo.guichet".to_owned()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = html(&contact, &app, &ticket_path).await;
    let doc = scraper::Html::parse_document(&page);
    let names: Vec<String> = doc
        .select(&scraper::Selector::parse("ul.participants li").unwrap())
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].contains("Toulon"), "{names:?}");
    // The same revision again is stale: 409, nothing changed.
    let response = submit(
        &contact,
        vec![
            ("_csrf", csrf.clone()),
            ("revision", revision),
            ("add", "comite.toulon@demo.guichet".to_owned()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        colleague
            .get(app.url(&ticket_path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let remove = attr(&page, "ul.participants input[name=remove]", "value");
    let revision = attr(&page, "ul.participants input[name=revision]", "value");
    let response = submit(
        &contact,
        vec![("_csrf", csrf), ("revision", revision), ("remove", remove)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = html(&contact, &app, &ticket_path).await;
    assert!(page.contains("Aucun participant"));
    let agent = browser_signed_in(&app, "admin@demo.guichet", "demo").await;
    let desk = html(&agent, &app, &format!("/desk/tickets/{reference}")).await;
    let doc = scraper::Html::parse_document(&desk);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("#history-title + details table tbody tr").unwrap())
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .filter(|row| row.contains("|Participant :"))
        .collect();
    assert_eq!(rows.len(), 2, "added then removed: {rows:?}");
}

#[tokio::test]
async fn a_desk_list_is_saved_as_a_view_and_found_again() {
    let app = TestApp::with_demo().await;
    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let list = html(&agent, &app, "/desk/tickets?status=open&priority=high").await;
    assert_eq!(
        attr(&list, "form.save-view input[name=query]", "value"),
        "status=open&priority=high"
    );
    let response = agent
        .post(app.url("/tickets/views"))
        .form(&[
            ("_csrf", csrf_of(&list)),
            ("query", "status=open&priority=high".to_owned()),
            ("name", "Urgences ouvertes".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = html(&agent, &app, "/desk/tickets").await;
    assert!(
        page.contains("team=") && page.contains("— Équipe GEFORP</a>"),
        "the fixed views name the agent's teams"
    );
    let href = attr(&page, "nav.saved-views a", "href");
    assert_eq!(href, "/desk/tickets?status=open&priority=high");
    let delete = attr(&page, "nav.saved-views form", "action");
    // Another agent cannot delete it.
    let other = browser_signed_in(&app, "agent.smsu@demo.guichet", "demo").await;
    let other_page = html(&other, &app, "/desk/tickets").await;
    assert!(!other_page.contains("Urgences ouvertes"));
    let response = other
        .post(app.url(&delete))
        .form(&[("_csrf", csrf_of(&other_page))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = agent
        .post(app.url(&delete))
        .form(&[("_csrf", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        !html(&agent, &app, "/desk/tickets")
            .await
            .contains("Urgences ouvertes")
    );
}
