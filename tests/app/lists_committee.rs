//! The committees' lists and the FAQs' (issue 16): evolution requests, releases and FAQs sort
//! by each shown column, filter by real choices, page, and export as CSV exactly as filtered
//! and sorted, holding only what the caller reads.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in, call};

/// The CSV a list answers, checked for its byte order mark, as lines.
async fn csv(app: &TestApp, token: &str, path: &str, accept: bool) -> Vec<String> {
    let mut request = app.api(Method::GET, path, token);
    if accept {
        request = request.header("accept", "text/csv");
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte order mark");
    String::from_utf8(bytes[3..].to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The first cell of each line after the headers, as the list shows it.
fn first_cells(lines: &[String], sep: char) -> Vec<String> {
    lines
        .iter()
        .skip(1)
        .map(|l| {
            l.split(sep)
                .next()
                .unwrap()
                .trim_start_matches('\'')
                .to_owned()
        })
        .collect()
}

/// A list page, expected to answer 200.
async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = call(app, Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// One field of each item of a page.
fn field(page: &Value, name: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| match &i[name] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// An evolution subcategory on `offer`, so that requests may be filed on it.
async fn takes_evolutions(app: &TestApp, admin: &str, offer: &str, team: i64) {
    let (status, sub) = call(
        app,
        Method::POST,
        &format!("/api/v1/offers/{offer}/subcategories"),
        admin,
        Some(json!({ "name": "Évolution", "kind": "evolution", "default_team_id": team })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
}

/// For each sort word, the list sorted one way is the list sorted the other way reversed (the
/// id breaks ties in the same direction), and a bad word is refused before any row.
async fn each_column_sorts(app: &TestApp, token: &str, base: &str, words: &[&str], key: &str) {
    let join = if base.contains('?') { '&' } else { '?' };
    for word in words {
        let up = field(
            &page(app, token, &format!("{base}{join}sort={word}")).await,
            key,
        );
        let mut down = field(
            &page(app, token, &format!("{base}{join}sort=-{word}")).await,
            key,
        );
        down.reverse();
        assert_eq!(up, down, "{base} sort={word}");
        assert!(up.len() > 1, "{base}: something to sort");
    }
    for bad in [
        "sort=description",
        "sort=title;DROP TABLE faq",
        "per_page=201",
        "format=csv&sep=|",
        "format=csv&sort=nope",
    ] {
        let path = format!("{base}{join}{bad}");
        let (status, body) = call(app, Method::GET, &path, token, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
    }
}

/// The titles of a page but those a spreadsheet would run (whose place depends on the
/// database's collation).
fn plain_titles(page: &Value) -> Vec<String> {
    field(page, "title")
        .into_iter()
        .filter(|t| !t.starts_with('='))
        .collect()
}

#[tokio::test]
async fn evolutions_and_releases_sort_filter_page_and_export_only_what_the_caller_reads() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    // Two providers' offers; each establishment subscribes to one of them only, so neither
    // reads the other's requests.
    let first_provider = b.provider("PREMIER").await;
    let first_agent = b.account(first_provider, &["agent"]).await;
    let first_team = b.team(first_provider, &[&first_agent]).await;
    let first_offer = b.offer("PREM", first_provider, first_team).await;
    let second_provider = b.provider("SECOND").await;
    let second_agent = b.account(second_provider, &["agent"]).await;
    let second_team = b.team(second_provider, &[&second_agent]).await;
    let second_offer = b.offer("SECO", second_provider, second_team).await;
    takes_evolutions(&app, &b.admin, "PREM", first_team).await;
    takes_evolutions(&app, &b.admin, "SECO", second_team).await;
    let a = b.establishment("ETAB-A", None).await;
    let other = b.establishment("ETAB-B", None).await;
    b.convention(a, first_provider, &[&first_offer], None).await;
    b.convention(other, second_provider, &[&second_offer], None)
        .await;
    let a_contact = b.account(a, &["contact"]).await;
    let other_contact = b.account(other, &["contact"]).await;
    let mut mine = Vec::new();
    for title in ["Bravo", "Alpha", "Charlie", "=SOMME(A1)"] {
        let filed = b.evolution(&a_contact, &first_offer, title).await;
        mine.push(filed["ref"].as_str().unwrap().to_owned());
    }
    let theirs = b.evolution(&other_contact, &second_offer, "Delta").await;
    let theirs = theirs["ref"].as_str().unwrap().to_owned();

    // Every column sorts both ways.
    each_column_sorts(
        &app,
        &b.admin,
        "/api/v1/evolutions",
        &[
            "ref",
            "title",
            "offer",
            "organisation",
            "state",
            "supporters",
            "score",
            "created",
            "updated",
        ],
        "ref",
    )
    .await;
    let by_title = page(&app, &b.admin, "/api/v1/evolutions?offer=PREM&sort=title").await;
    assert_eq!(plain_titles(&by_title), ["Alpha", "Bravo", "Charlie"]);
    let by_offer = page(&app, &b.admin, "/api/v1/evolutions?sort=-offer").await;
    assert_eq!(field(&by_offer, "ref")[0], theirs, "SECO after PREM");
    let by_ref = page(&app, &b.admin, "/api/v1/evolutions?sort=ref").await;
    assert_eq!(field(&by_ref, "ref")[..4], mine[..]);

    // Filters narrow.
    let by_organisation = page(
        &app,
        &b.admin,
        &format!("/api/v1/evolutions?organisation={other}"),
    )
    .await;
    assert_eq!(
        field(&by_organisation, "ref"),
        std::slice::from_ref(&theirs)
    );
    let by_offer = page(&app, &b.admin, "/api/v1/evolutions?offer=seco").await;
    assert_eq!(field(&by_offer, "ref"), std::slice::from_ref(&theirs));
    let rejected = page(&app, &b.admin, "/api/v1/evolutions?state=rejected").await;
    assert_eq!(rejected["total"], 0);

    // Pages of two, then the export in the same order.
    let first = page(&app, &b.admin, "/api/v1/evolutions?sort=-ref&per_page=2").await;
    assert_eq!(first["total"], 5);
    let second = page(
        &app,
        &b.admin,
        "/api/v1/evolutions?sort=-ref&per_page=2&page=2",
    )
    .await;
    let mut expected = field(&first, "ref");
    expected.extend(field(&second, "ref"));
    let lines = csv(
        &app,
        &b.admin,
        "/api/v1/evolutions?sort=-ref&format=csv",
        false,
    )
    .await;
    assert!(
        lines[0].starts_with("Référence;Demande;Offre;Établissement;État;"),
        "{lines:?}"
    );
    assert_eq!(first_cells(&lines, ';')[..4], expected[..]);
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains(";'=SOMME(A1);")),
        "a formula cell is neutralised: {lines:?}"
    );

    // Each establishment's list and export hold only its offers' requests.
    let listed = page(&app, &a_contact.token, "/api/v1/evolutions?per_page=200").await;
    let mut refs = field(&listed, "ref");
    refs.sort();
    assert_eq!(refs, mine);
    let lines = csv(&app, &other_contact.token, "/api/v1/evolutions?sep=,", true).await;
    assert!(lines[0].starts_with("Référence,Demande,"), "{lines:?}");
    assert_eq!(first_cells(&lines, ','), std::slice::from_ref(&theirs));
    let lines = csv(
        &app,
        &a_contact.token,
        "/api/v1/evolutions?format=csv",
        false,
    )
    .await;
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains(&theirs)), "{lines:?}");

    // Releases: the committee opens some on both offers.
    let mut opened = Vec::new();
    for (offer, version, kind, target) in [
        ("PREM", "1.0", "major", "2030-01-15"),
        ("PREM", "1.1", "minor", "2030-06-15"),
        ("SECO", "=2.0", "minor", "2030-03-15"),
    ] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/releases",
            &b.admin,
            Some(json!({ "offer": offer, "version": version, "kind": kind,
                         "target_date": target, "capacity_days": 10 })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        opened.push(body["id"].to_string());
    }
    each_column_sorts(
        &app,
        &b.admin,
        "/api/v1/releases",
        &["created", "offer", "version", "kind", "target", "state"],
        "id",
    )
    .await;
    let newest = page(&app, &b.admin, "/api/v1/releases").await;
    let mut reversed = opened.clone();
    reversed.reverse();
    assert_eq!(field(&newest, "id"), reversed, "newest first by default");
    let by_target = page(&app, &b.admin, "/api/v1/releases?sort=-target").await;
    assert_eq!(field(&by_target, "version"), ["1.0", "=2.0", "1.1"]);
    let minor = page(&app, &b.admin, "/api/v1/releases?kind=minor&offer=PREM").await;
    assert_eq!(field(&minor, "version"), ["1.1"]);
    let drafts = page(
        &app,
        &b.admin,
        "/api/v1/releases?state=draft&per_page=2&page=2",
    )
    .await;
    assert_eq!(drafts["total"], 3);
    assert_eq!(field(&drafts, "id"), [opened[0].clone()]);
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/releases?kind=enorme",
        &b.admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let lines = csv(
        &app,
        &b.admin,
        "/api/v1/releases?sort=target&format=csv",
        false,
    )
    .await;
    assert_eq!(
        lines,
        [
            "Offre;Version;Type;Date cible;État",
            "PREM;1.1;mineure;2030-06-15;En préparation",
            "SECO;'=2.0;mineure;2030-03-15;En préparation",
            "PREM;1.0;majeure;2030-01-15;En préparation",
        ]
    );
    // An establishment reads the releases of its offers only.
    let lines = csv(&app, &a_contact.token, "/api/v1/releases", true).await;
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("SECO")), "{lines:?}");
    let listed = page(&app, &other_contact.token, "/api/v1/releases").await;
    assert_eq!(field(&listed, "offer"), ["SECO"]);
}

#[tokio::test]
async fn faqs_sort_filter_page_and_export_only_what_the_caller_reads() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    let first_provider = b.provider("PREMIER").await;
    let first_agent = b.account(first_provider, &["agent"]).await;
    let first_team = b.team(first_provider, &[&first_agent]).await;
    b.offer("PREM", first_provider, first_team).await;
    let second_provider = b.provider("SECOND").await;
    let second_agent = b.account(second_provider, &["agent"]).await;
    let second_team = b.team(second_provider, &[&second_agent]).await;
    b.offer("SECO", second_provider, second_team).await;
    let write = |token: String, body: Value| {
        let app = &app;
        async move {
            let (status, body) = call(app, Method::POST, "/api/v1/faqs", &token, Some(body)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body["id"].to_string()
        }
    };
    let faq = |title: &str, offer: &str, visibility: &str, status: &str| {
        json!({ "title": title, "summary": format!("{title}, en bref."),
                "body": format!("La réponse à {title} : exporter la liste."),
                "offer": offer, "visibility": visibility, "status": status,
                "keywords": "export" })
    };
    let first_public = write(
        first_agent.token.clone(),
        faq("Bravo exporter", "PREM", "everyone", "published"),
    )
    .await;
    let first_draft = write(
        first_agent.token.clone(),
        faq("Alpha brouillon", "PREM", "everyone", "draft"),
    )
    .await;
    let first_agents = write(
        first_agent.token.clone(),
        faq("=SOMME(A1)", "PREM", "agents", "published"),
    )
    .await;
    let second_public = write(
        second_agent.token.clone(),
        faq("Charlie exporter", "SECO", "everyone", "published"),
    )
    .await;

    each_column_sorts(
        &app,
        &b.admin,
        "/api/v1/faqs?status=all",
        &["title", "offer", "status", "visibility", "updated"],
        "id",
    )
    .await;
    let by_offer = page(&app, &b.admin, "/api/v1/faqs?status=all&sort=-offer").await;
    assert_eq!(field(&by_offer, "id")[0], second_public);
    let by_status = page(&app, &b.admin, "/api/v1/faqs?status=all&sort=status").await;
    assert_eq!(
        field(&by_status, "id")[0],
        first_draft,
        "draft before published"
    );
    // Filters: visibility, offer, status; words with a sort keep what the search finds.
    let agents_only = page(&app, &b.admin, "/api/v1/faqs?visibility=agents").await;
    assert_eq!(
        field(&agents_only, "id"),
        std::slice::from_ref(&first_agents)
    );
    let seco = page(&app, &b.admin, "/api/v1/faqs?offer=SECO&status=all").await;
    assert_eq!(field(&seco, "id"), std::slice::from_ref(&second_public));
    let found = page(
        &app,
        &b.admin,
        "/api/v1/faqs?q=exporter&sort=-title&status=all&offer=PREM",
    )
    .await;
    assert_eq!(plain_titles(&found), ["Bravo exporter", "Alpha brouillon"]);
    let found = page(
        &app,
        &b.admin,
        "/api/v1/faqs?q=charlie&sort=title&status=all",
    )
    .await;
    assert_eq!(field(&found, "id"), std::slice::from_ref(&second_public));
    // Paging, and the export of the same list in the same order.
    let second = page(
        &app,
        &b.admin,
        "/api/v1/faqs?status=all&sort=updated&per_page=3&page=2",
    )
    .await;
    assert_eq!(second["total"], 4);
    assert_eq!(field(&second, "id"), std::slice::from_ref(&first_public));
    let lines = csv(
        &app,
        &b.admin,
        "/api/v1/faqs?status=all&sort=title&format=csv",
        false,
    )
    .await;
    assert!(
        lines[0].starts_with("Question;Offre;Code d'erreur;Statut;Visibilité;"),
        "{lines:?}"
    );
    let listed = page(&app, &b.admin, "/api/v1/faqs?status=all&sort=title").await;
    assert_eq!(first_cells(&lines, ';'), field(&listed, "title"));
    assert!(
        lines.iter().any(|l| l.starts_with("'=SOMME(A1);")),
        "{lines:?}"
    );
    // The search's own order when words come without a sort.
    let ranked = page(&app, &b.admin, "/api/v1/faqs?q=exporter&status=all").await;
    let expected = field(&ranked, "title");
    let lines = csv(
        &app,
        &b.admin,
        "/api/v1/faqs?q=exporter&status=all&format=csv",
        false,
    )
    .await;
    assert_eq!(first_cells(&lines, ';'), expected);

    // The second provider's agent reads neither the first's draft nor its agents-only FAQ.
    let lines = csv(
        &app,
        &second_agent.token,
        "/api/v1/faqs?status=all&format=csv",
        false,
    )
    .await;
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("Alpha brouillon") && !l.contains("SOMME")),
        "{lines:?}"
    );
    let listed = page(&app, &second_agent.token, "/api/v1/faqs?status=all").await;
    let ids = field(&listed, "id");
    assert!(ids.contains(&second_public) && ids.contains(&first_public));
    assert!(!ids.contains(&first_draft) && !ids.contains(&first_agents));
}

#[tokio::test]
async fn the_committee_and_faq_pages_sort_by_their_headers_page_and_export() {
    let app = TestApp::with_demo().await;
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    for (email, base, sort, choices) in [
        (
            "comite@demo.guichet",
            "/desk/committee",
            "-title",
            &[
                "select#offer option",
                "select#state option",
                "select#organisation option",
            ][..],
        ),
        (
            "comite@demo.guichet",
            "/desk/releases",
            "-version",
            &[
                "select#offer option",
                "select#state option",
                "select#kind option",
            ][..],
        ),
        (
            "coordination@demo.guichet",
            "/desk/faqs",
            "-title",
            &[
                "select#offer option",
                "select#status option",
                "select#visibility option",
            ][..],
        ),
        (
            "contact@univ-toulon.demo.guichet",
            "/portal/evolutions",
            "-title",
            &["select#offer option", "select#state option"][..],
        ),
    ] {
        let browser = browser_signed_in(&app, email, "demo").await;
        let path = format!("{base}?sort={sort}&per_page=1");
        let response = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        let doc = scraper::Html::parse_document(&html);
        let total: u64 = doc
            .select(&select(".list-total"))
            .next()
            .unwrap()
            .value()
            .attr("data-total")
            .unwrap()
            .parse()
            .unwrap();
        assert!(total > 1, "{path}: the demo has some");
        let sorted = doc.select(&select("th[aria-sort]")).next().unwrap();
        assert_eq!(
            sorted.value().attr("aria-sort"),
            Some("descending"),
            "{path}"
        );
        assert_eq!(doc.select(&select("tbody tr")).count(), 1, "{path}");
        assert!(
            doc.select(&select("nav.pager a")).any(|a| a
                .value()
                .attr("href")
                .unwrap()
                .contains(&format!("sort={sort}&per_page=1&page=2"))),
            "{path}: {html}"
        );
        for choice in choices {
            assert!(doc.select(&select(choice)).count() > 1, "{path}: {choice}");
        }
        let response = browser
            .get(app.url(&format!("{base}?sort={sort}&format=csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{base}");
        let csv = response.text().await.unwrap();
        assert_eq!(
            csv.trim_start_matches('\u{feff}').lines().count() as u64,
            total + 1,
            "{base}"
        );
    }
}
