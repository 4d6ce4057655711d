//! The directory lists (issue 16): organisations, accounts, SLAs, and the portal's conventions
//! sort by a shown column, filter by choices, page, and export as CSV exactly as listed,
//! holding only what the caller reads.

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

/// A list's page as the API answers it (200 expected).
async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = call(app, Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// One field of each item of a page, as text.
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

/// The first cell of each data line of a CSV (headers left out), formula quote removed.
fn first_cells(lines: &[String], sep: char) -> Vec<String> {
    lines
        .iter()
        .skip(1)
        .map(|l| {
            l.split(sep)
                .next()
                .unwrap()
                .trim_matches('"')
                .trim_start_matches('\'')
                .to_owned()
        })
        .collect()
}

/// `path` answers 422 for each of `bad` query strings, before any byte.
async fn refused(app: &TestApp, token: &str, path: &str, bad: &[&str]) {
    for query in bad {
        let (status, body) = call(app, Method::GET, &format!("{path}?{query}"), token, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
}

#[tokio::test]
async fn organisations_sort_filter_page_and_export_as_listed() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    let provider = b.provider("PRESTA").await;
    let a = b.establishment("ETAB-A", None).await;
    let a_child = b.establishment("ETAB-A1", Some(a)).await;
    let other = b.establishment("ETAB-B", None).await;
    let (status, formula) = call(
        &app,
        Method::POST,
        "/api/v1/organisations",
        &b.admin,
        Some(
            json!({ "code": "FORMULE", "name": "=HYPERLINK(\"x\")", "parent_id": other,
                     "is_client": true }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{formula}");
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/organisations/{other}"),
        &b.admin,
        Some(json!({ "revision": 1, "active": false })),
    )
    .await;
    assert!(status.is_success());
    let path = "/api/v1/organisations";

    // Sorted by each column, both ways; the consortium first by default (by code).
    let by_code = field(&page(&app, &b.admin, path).await, "code");
    assert_eq!(
        by_code,
        [
            "ETAB-A",
            "ETAB-A1",
            "ETAB-B",
            "FORMULE",
            "PLATEFORME",
            "PRESTA"
        ]
    );
    let mut reversed = field(
        &page(&app, &b.admin, &format!("{path}?sort=-code")).await,
        "code",
    );
    reversed.reverse();
    assert_eq!(reversed, by_code);
    let by_name = field(
        &page(&app, &b.admin, &format!("{path}?sort=name")).await,
        "name",
    );
    let mut expected = by_name.clone();
    expected.sort();
    assert_eq!(by_name, expected);
    assert_eq!(by_name[0], "=HYPERLINK(\"x\")");
    let by_kind = field(
        &page(&app, &b.admin, &format!("{path}?sort=-kind")).await,
        "code",
    );
    assert_eq!(by_kind[0], "PRESTA", "providers first, descending");
    assert_eq!(by_kind.last().unwrap(), "PLATEFORME", "neither last");
    let by_active = field(
        &page(&app, &b.admin, &format!("{path}?sort=active")).await,
        "code",
    );
    assert_eq!(by_active[0], "ETAB-B", "the inactive one first");
    // Databases place the organisations without a parent apart (first or last): the others
    // follow their parents' names.
    let by_parent: Vec<String> =
        page(&app, &b.admin, &format!("{path}?sort=-parent")).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["parent"]["name"].as_str().map(str::to_owned))
            .collect();
    assert_eq!(by_parent, ["Organisation ETAB-B", "Organisation ETAB-A"]);

    // Filters narrow.
    let clients = field(
        &page(&app, &b.admin, &format!("{path}?kind=client")).await,
        "code",
    );
    assert_eq!(clients, ["ETAB-A", "ETAB-A1", "ETAB-B", "FORMULE"]);
    let providers = field(
        &page(&app, &b.admin, &format!("{path}?kind=provider")).await,
        "id",
    );
    assert_eq!(providers, [provider.to_string()]);
    let children = field(
        &page(&app, &b.admin, &format!("{path}?parent={a}")).await,
        "id",
    );
    assert_eq!(children, [a_child.to_string()]);
    let inactive = field(
        &page(&app, &b.admin, &format!("{path}?active=false")).await,
        "code",
    );
    assert_eq!(inactive, ["ETAB-B"]);

    // Pages follow the order without repeating or skipping.
    let first = page(&app, &b.admin, &format!("{path}?sort=name&per_page=4")).await;
    assert_eq!(first["total"], 6);
    let second = page(
        &app,
        &b.admin,
        &format!("{path}?sort=name&per_page=4&page=2"),
    )
    .await;
    let mut paged = field(&first, "name");
    paged.extend(field(&second, "name"));
    assert_eq!(paged, by_name);

    // The export: French headers, the list's order, the formula neutralised.
    let lines = csv(
        &app,
        &b.admin,
        &format!("{path}?sort=name&format=csv"),
        false,
    )
    .await;
    assert_eq!(
        lines[0],
        "Code;Nom;Organisation parente;Cliente;Fournisseur;État"
    );
    let codes: Vec<String> = first_cells(&lines, ';');
    let listed = field(
        &page(&app, &b.admin, &format!("{path}?sort=name")).await,
        "code",
    );
    assert_eq!(codes, listed);
    assert!(
        lines.iter().any(|l| l
            .starts_with("FORMULE;\"'=HYPERLINK(\"\"x\"\")\";Organisation ETAB-B;Oui;Non;Actif")),
        "{lines:?}"
    );
    let lines = csv(&app, &b.admin, &format!("{path}?kind=provider&sep=,"), true).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("Code,Nom,"), "{lines:?}");
    refused(
        &app,
        &b.admin,
        path,
        &[
            "sort=revision",
            "kind=both",
            "per_page=201",
            "format=csv&sep=|",
        ],
    )
    .await;

    // A contact reads its organisation's subtree only, in its list and its export.
    let contact = b.account(a, &["contact"]).await;
    let seen = field(&page(&app, &contact.token, path).await, "code");
    assert_eq!(seen, ["ETAB-A", "ETAB-A1"]);
    let lines = csv(&app, &contact.token, &format!("{path}?format=csv"), false).await;
    assert_eq!(first_cells(&lines, ';'), ["ETAB-A", "ETAB-A1"]);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("{path}/{other}"),
        &contact.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn accounts_sort_filter_page_and_export_without_secrets() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    let first_provider = b.provider("PREMIER").await;
    let second_provider = b.provider("SECOND").await;
    let agent = b.account(first_provider, &["agent"]).await;
    let coordinator = b.account(first_provider, &["coordinator"]).await;
    let other_coordinator = b.account(second_provider, &["coordinator"]).await;
    let (status, formula) = call(
        &app,
        Method::POST,
        "/api/v1/accounts",
        &b.admin,
        Some(
            json!({ "email": "formule@test.example", "display_name": "@SOMME(A1)",
                     "organisation_id": first_provider, "roles": ["agent"], "language": "en" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{formula}");
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/accounts/{}", agent.id),
        &b.admin,
        Some(json!({ "revision": 1, "active": false })),
    )
    .await;
    assert!(status.is_success());
    let path = format!("/api/v1/accounts?organisation={first_provider}");

    // Sorted by each column, both ways.
    let by_email = field(&page(&app, &b.admin, &path).await, "email");
    assert_eq!(by_email.len(), 3);
    let mut expected = by_email.clone();
    expected.sort();
    assert_eq!(by_email, expected);
    let mut reversed = field(
        &page(&app, &b.admin, &format!("{path}&sort=-email")).await,
        "email",
    );
    reversed.reverse();
    assert_eq!(reversed, by_email);
    let by_name = field(
        &page(&app, &b.admin, &format!("{path}&sort=name")).await,
        "display_name",
    );
    let mut reversed = field(
        &page(&app, &b.admin, &format!("{path}&sort=-name")).await,
        "display_name",
    );
    reversed.reverse();
    assert_eq!(reversed, by_name);
    let by_language = field(
        &page(&app, &b.admin, &format!("{path}&sort=-language")).await,
        "language",
    );
    assert_eq!(
        by_language,
        ["fr", "fr", "en"],
        "the stored order: fr after en"
    );
    let by_active = field(
        &page(&app, &b.admin, &format!("{path}&sort=active")).await,
        "id",
    );
    assert_eq!(by_active[0], agent.id.to_string(), "the inactive one first");
    let everyone = field(
        &page(&app, &b.admin, "/api/v1/accounts?sort=-organisation").await,
        "organisation_name",
    );
    let mut expected = everyone.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(everyone, expected);
    assert_eq!(everyone.len(), 5);

    // Filters narrow.
    let agents = field(
        &page(&app, &b.admin, &format!("{path}&role=agent")).await,
        "email",
    );
    assert_eq!(
        agents,
        ["formule@test.example".to_owned(), agent.email.clone()]
    );
    let coordinators = field(
        &page(&app, &b.admin, "/api/v1/accounts?role=coordinator").await,
        "id",
    );
    assert_eq!(
        coordinators.len(),
        2,
        "both providers' coordinators: {coordinators:?}"
    );
    let inactive = field(
        &page(&app, &b.admin, &format!("{path}&active=false")).await,
        "id",
    );
    assert_eq!(inactive, [agent.id.to_string()]);

    // Pages.
    let first = page(&app, &b.admin, &format!("{path}&per_page=2")).await;
    assert_eq!(first["total"], 3);
    let second = page(&app, &b.admin, &format!("{path}&per_page=2&page=2")).await;
    let mut paged = field(&first, "email");
    paged.extend(field(&second, "email"));
    assert_eq!(paged, by_email);

    // The export: as listed, French headers, no secret, the formula neutralised.
    let lines = csv(
        &app,
        &b.admin,
        &format!("{path}&sort=-name&format=csv"),
        false,
    )
    .await;
    assert_eq!(
        lines[0],
        "Nom affiché;Adresse e-mail;Organisation;Rôles;Langue;État"
    );
    let names = field(
        &page(&app, &b.admin, &format!("{path}&sort=-name")).await,
        "display_name",
    );
    assert_eq!(first_cells(&lines, ';'), names);
    assert!(
        lines.contains(
            &"'@SOMME(A1);formule@test.example;Organisation PREMIER;Agent;English;Actif".to_owned()
        ),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("argon") && !l.contains("$2") && !l.contains("test-token")),
        "no password hash, no token: {lines:?}"
    );
    refused(
        &app,
        &b.admin,
        "/api/v1/accounts",
        &["sort=password_hash", "role=owner", "format=csv&sep=|"],
    )
    .await;

    // Another provider's coordinator reads none of these, listed, exported or one by one.
    let seen = field(
        &page(&app, &other_coordinator.token, "/api/v1/accounts").await,
        "id",
    );
    assert_eq!(seen, [other_coordinator.id.to_string()]);
    let lines = csv(&app, &other_coordinator.token, "/api/v1/accounts", true).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("PREMIER")));
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/accounts/{}", coordinator.id),
        &other_coordinator.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slas_sort_filter_page_and_export_within_the_provider() {
    let app = TestApp::spawn().await;
    let b = app.builder().await;
    let first_provider = b.provider("PREMIER").await;
    let second_provider = b.provider("SECOND").await;
    let first_coordinator = b.account(first_provider, &["coordinator"]).await;
    let second_coordinator = b.account(second_provider, &["coordinator"]).await;
    let first_sla = b.sla(first_provider).await;
    b.sla(first_provider).await;
    let second_sla = b.sla(second_provider).await;
    let (status, formula) = call(
        &app,
        Method::POST,
        "/api/v1/slas",
        &b.admin,
        Some(
            json!({ "name": "+CMD|' /C calc'!A0", "provider_id": first_provider,
                     "targets": [], "pause_during_maintenance": true,
                     "coverage_window": { "time_zone": "America/Cayenne", "round_the_clock": true,
                                          "intervals": [], "holidays": [] } }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{formula}");
    let path = "/api/v1/slas";

    // Sorted by each column, both ways.
    let by_name = field(&page(&app, &b.admin, path).await, "name");
    assert_eq!(by_name.len(), 4);
    let mut expected = by_name.clone();
    expected.sort();
    assert_eq!(by_name, expected);
    let mut reversed = field(
        &page(&app, &b.admin, &format!("{path}?sort=-name")).await,
        "name",
    );
    reversed.reverse();
    assert_eq!(reversed, by_name);
    let by_provider = page(&app, &b.admin, &format!("{path}?sort=-provider")).await;
    assert_eq!(by_provider["items"][0]["provider"]["code"], "SECOND");
    assert_eq!(by_provider["items"][1]["provider"]["code"], "PREMIER");
    let by_zone = field(
        &page(&app, &b.admin, &format!("{path}?sort=zone")).await,
        "name",
    );
    assert_eq!(by_zone[0], "+CMD|' /C calc'!A0", "America before Europe");
    let by_pause = field(
        &page(&app, &b.admin, &format!("{path}?sort=-pause")).await,
        "name",
    );
    assert_eq!(by_pause[0], "+CMD|' /C calc'!A0");

    // Filters narrow.
    let seconds = field(
        &page(
            &app,
            &b.admin,
            &format!("{path}?provider={second_provider}"),
        )
        .await,
        "id",
    );
    assert_eq!(seconds, [second_sla.to_string()]);
    let paused = page(&app, &b.admin, &format!("{path}?pause=true")).await;
    assert_eq!(paused["total"], 1);

    // Pages.
    let first = page(&app, &b.admin, &format!("{path}?per_page=3")).await;
    assert_eq!(first["total"], 4);
    let second = page(&app, &b.admin, &format!("{path}?per_page=3&page=2")).await;
    let mut paged = field(&first, "name");
    paged.extend(field(&second, "name"));
    assert_eq!(paged, by_name);

    // The export as listed, the formula neutralised.
    let lines = csv(
        &app,
        &b.admin,
        &format!("{path}?sort=-name&format=csv"),
        false,
    )
    .await;
    assert_eq!(
        lines[0],
        "Nom;Prestataire;Fuseau horaire;Ouvert 24 h/24, 7 j/7;Objectifs;Suspendu pendant les maintenances"
    );
    let mut names = by_name.clone();
    names.reverse();
    assert_eq!(first_cells(&lines, ';'), names);
    assert!(
        lines.contains(
            &"'+CMD|' /C calc'!A0;Organisation PREMIER;America/Cayenne;Oui;0;Oui".to_owned()
        ),
        "{lines:?}"
    );
    refused(&app, &b.admin, path, &["sort=targets", "format=csv&sep=|"]).await;

    // Each provider's coordinator reads its own SLAs only.
    let seen = field(&page(&app, &second_coordinator.token, path).await, "id");
    assert_eq!(seen, [second_sla.to_string()]);
    let lines = csv(&app, &second_coordinator.token, path, true).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("PREMIER")), "{lines:?}");
    let seen = page(&app, &first_coordinator.token, path).await;
    assert_eq!(seen["total"], 3);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("{path}/{first_sla}"),
        &second_coordinator.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_directory_pages_and_the_portal_conventions_sort_page_filter_and_export() {
    let app = TestApp::with_demo().await;
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let get = |browser: reqwest::Client, path: &str| {
        let url = app.url(path);
        async move {
            let response = browser.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let desk = browser_signed_in(&app, "admin@demo.guichet", "demo").await;
    for (base, sort, filters) in [
        (
            "/desk/organisations",
            "-name",
            &[
                "select#kind option",
                "select#parent option",
                "select#active option",
            ][..],
        ),
        (
            "/desk/accounts",
            "-organisation",
            &[
                "select#organisation option",
                "select#role option",
                "select#active option",
            ][..],
        ),
        (
            "/desk/slas",
            "-provider",
            &["select#provider option", "select#pause option"][..],
        ),
    ] {
        let (status, html) = get(desk.clone(), &format!("{base}?sort={sort}&per_page=1")).await;
        assert_eq!(status, StatusCode::OK, "{base}");
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
        assert!(total > 1, "{base}: the demo has several");
        let sorted = doc.select(&select("th[aria-sort]")).next().unwrap();
        assert_eq!(sorted.value().attr("aria-sort"), Some("descending"));
        assert_eq!(doc.select(&select("tbody tr")).count(), 1, "{base}");
        assert!(
            doc.select(&select("nav.pager a")).any(|a| a
                .value()
                .attr("href")
                .unwrap()
                .contains(&format!("sort={sort}&per_page=1&page=2"))),
            "{base}: {html}"
        );
        for choice in filters {
            assert!(doc.select(&select(choice)).count() > 1, "{base}: {choice}");
        }
        let (status, csv) = get(desk.clone(), &format!("{base}?sort={sort}&format=csv")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            csv.trim_start_matches('\u{feff}').lines().count() as u64,
            total + 1,
            "{base}: {csv}"
        );
        let (status, _) = get(desk.clone(), &format!("{base}?sort=secret")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{base}");
    }

    // The portal's conventions: the contact's organisation's, sorted, paged, exported.
    let toulon = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let (status, html) = get(toulon.clone(), "/portal/conventions?sort=title").await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&html);
    let titles: Vec<String> = doc
        .select(&select("tbody tr td:first-child"))
        .map(|td| td.text().collect())
        .collect();
    assert!(!titles.is_empty());
    assert!(doc.select(&select("select#offer option")).count() > 1);
    assert!(doc.select(&select("select#provider option")).count() > 1);
    let (status, csv) = get(toulon.clone(), "/portal/conventions?sort=title&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<String> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(lines[0].starts_with("Titre;Type;Client;"), "{lines:?}");
    assert_eq!(first_cells(&lines, ';'), titles);
    // The same as the API lists for the contact, nothing of another establishment.
    let toulon_token = app.token("contact@univ-toulon.demo.guichet").await;
    let own = page(
        &app,
        &toulon_token,
        "/api/v1/conventions?sort=title&per_page=200",
    )
    .await;
    assert_eq!(field(&own, "title"), titles);
    let own_ids = field(&own, "id");
    let rochelle = app.token("contact@univ-larochelle.demo.guichet").await;
    let theirs = page(&app, &rochelle, "/api/v1/conventions?per_page=200").await;
    let foreign: Vec<String> = field(&theirs, "id")
        .into_iter()
        .filter(|id| !own_ids.contains(id))
        .collect();
    assert!(
        !foreign.is_empty(),
        "La Rochelle has conventions of its own"
    );
    for id in foreign {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/conventions/{id}"),
            &toulon_token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = get(toulon.clone(), "/portal/conventions?sort=fee").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every page reads in French and in English, no message left untranslated.
    for (browser, paths) in [
        (
            &desk,
            &["/desk/organisations", "/desk/accounts", "/desk/slas"][..],
        ),
        (&toulon, &["/portal/conventions"][..]),
    ] {
        for (lang, export, words) in [
            ("fr", "Exporter en CSV (;)", "Par page"),
            ("en", "Export as CSV (;)", "Per page"),
        ] {
            let (status, _) = get(browser.clone(), &format!("/lang?to={lang}&next=/")).await;
            assert!(status.is_success() || status.is_redirection());
            for path in paths {
                let (status, html) = get(browser.clone(), path).await;
                assert_eq!(status, StatusCode::OK, "{path} in {lang}");
                assert!(
                    html.contains(export) && html.contains(words),
                    "{path} in {lang}"
                );
                for key in [
                    "directory-",
                    "org-",
                    "account-",
                    "sla-",
                    "convention-",
                    "list-",
                ] {
                    let text: String = scraper::Html::parse_document(&html)
                        .root_element()
                        .text()
                        .collect();
                    assert!(
                        !text.contains(key),
                        "{path} in {lang}: an untranslated {key}…"
                    );
                }
            }
        }
    }
}
