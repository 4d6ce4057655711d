//! The evolution pages, driven through their forms: the portal's list, request page with its
//! support button and new request; the roadmap; the desk's queue, request page and assessment,
//! release builder and sessions.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, browser_signed_in, call, csrf_of};

const TOULON: &str = "contact@univ-toulon.demo.guichet";
const ROCHELLE: &str = "contact@univ-larochelle.demo.guichet";
const RENNES: &str = "contact@univ-rennes2.demo.guichet";
const COMMITTEE: &str = "comite@demo.guichet";

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

#[tokio::test]
async fn contacts_file_and_support_requests_and_read_the_roadmap() {
    let app = TestApp::with_demo().await;
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let (status, html) = page(&toulon, &app, "/portal/evolutions/new").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&html);
    let refused = toulon
        .post(app.url("/portal/evolutions"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("offer", "SMS-U"),
            ("title", ""),
            ("description", ""),
            ("module", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!texts(&refused.text().await.unwrap(), ".field-error").is_empty());
    let filed = toulon
        .post(app.url("/portal/evolutions"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("offer", "SMS-U"),
            ("title", "Envoi vers les parents"),
            ("description", "Pour les mineurs."),
            ("module", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    let location = filed.headers()["location"].to_str().unwrap().to_owned();
    let reference = location.rsplit('/').next().unwrap().to_owned();

    // La Rochelle sees it with a support button; supporting says two establishments.
    let rochelle = browser_signed_in(&app, ROCHELLE, "demo").await;
    let (status, html) = page(&rochelle, &app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html, "#supporters")[0].ends_with(": 1"), "{html}");
    let csrf = csrf_of(&html);
    let supported = rochelle
        .post(app.url(&format!("/evolutions/{reference}/support")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(supported.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&rochelle, &app, &location).await;
    assert!(texts(&html, "#supporters")[0].ends_with(": 2"));
    assert!(html.contains("/withdraw") || html.contains("&#x2f;withdraw"));
    // Rennes 2 gets 404 on it.
    let rennes = browser_signed_in(&app, RENNES, "demo").await;
    let (status, _) = page(&rennes, &app, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The roadmap: the demo's released 2.4.0 and approved 3.0.0.
    let (status, html) = page(&rochelle, &app, "/portal/roadmap?offer=SMS-U").await;
    assert_eq!(status, StatusCode::OK);
    let releases = texts(&html, "article.release h2");
    assert!(
        releases.iter().any(|r| r.starts_with("2.4.0"))
            && releases.iter().any(|r| r.starts_with("3.0.0")),
        "{releases:?}"
    );
    let (status, _) = page(&rennes, &app, "/portal/roadmap?offer=SMS-U").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_committee_works_from_the_desk() {
    let app = TestApp::with_demo().await;
    let desk = browser_signed_in(&app, COMMITTEE, "demo").await;
    let (status, html) = page(&desk, &app, "/desk/committee?offer=SMS-U").await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html, "tbody tr").len() >= 5, "{html}");
    // The demo's delivered request (SMS-U 2.4.0) is closed from its page.
    let committee = app.token(COMMITTEE).await;
    let (_, delivered) = call(
        &app,
        Method::GET,
        "/api/v1/evolutions?state=delivered",
        &committee,
        None,
    )
    .await;
    let shipped = delivered["items"][0]["ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{delivered}"))
        .to_owned();
    let (_, html) = page(&desk, &app, &format!("/desk/evolutions/{shipped}")).await;
    assert_eq!(
        texts(&html, "form.evo-action-close button"),
        ["Clore"],
        "{html}"
    );
    let closed = desk
        .post(app.url(&format!("/evolutions/{shipped}/actions/close")))
        .form(&[
            ("_csrf", csrf_of(&html).as_str()),
            ("revision", &delivered["items"][0]["revision"].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let (_, after) = call(
        &app,
        Method::GET,
        &format!("/api/v1/evolutions/{shipped}"),
        &committee,
        None,
    )
    .await;
    assert_eq!(after["state"], "closed");
    // A submitted request: review it from its page, then assess it.
    let token = app.token(TOULON).await;
    let (_, filed) = call(&app, Method::POST, "/api/v1/evolutions", &token, Some(json!({
        "offer": "SMS-U", "title": "Export CSV des campagnes", "description": "Pour les statistiques." }))).await;
    let reference = filed["ref"].as_str().unwrap().to_owned();
    let (_, html) = page(&desk, &app, &format!("/desk/evolutions/{reference}")).await;
    let csrf = csrf_of(&html);
    let reviewed = desk
        .post(app.url(&format!("/evolutions/{reference}/actions/review")))
        .form(&[("_csrf", csrf.as_str()), ("revision", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(reviewed.status(), StatusCode::SEE_OTHER);
    let assessed = desk
        .post(app.url(&format!("/evolutions/{reference}/assessment")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("value", "4"),
            ("clarity", "3"),
            ("complexity_days", "6"),
            ("regulatory", "yes"),
            ("comment", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(assessed.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&desk, &app, &format!("/desk/evolutions/{reference}")).await;
    assert_eq!(texts(&html, "#evo-state"), ["À l'étude"]);
    assert!(
        texts(&html, "aside h2")[0].starts_with("Score"),
        "the breakdown is shown"
    );
    // The Toulon committee member is refused on a Toulon request.
    let recused = browser_signed_in(&app, "comite.toulon@demo.guichet", "demo").await;
    let (_, html) = page(&recused, &app, &format!("/desk/evolutions/{reference}")).await;
    assert!(
        texts(&html, "form.assessment").is_empty(),
        "no assessment form for a recused member"
    );
    let csrf = csrf_of(&html);
    let refused = recused
        .post(app.url(&format!("/evolutions/{reference}/assessment")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("value", "4"),
            ("clarity", "3"),
            ("complexity_days", "6"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    // The release pages: the demo's 3.0.0 decision record, and a new draft.
    let (status, html) = page(&desk, &app, "/desk/releases").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&html);
    let made = desk
        .post(app.url("/desk/releases"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("offer", "SMS-U"),
            ("version", "4.0.0"),
            ("kind", "major"),
            ("target_date", ""),
            ("capacity_days", "10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (status, html) = page(&desk, &app, made.headers()["location"].to_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Aucune demande dans cette version"));
    let token = app.token(COMMITTEE).await;
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/releases?offer=SMS-U",
        &token,
        None,
    )
    .await;
    let approved = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "3.0.0")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, html) = page(&desk, &app, &format!("/desk/releases/{approved}")).await;
    assert!(
        texts(&html, "section.decision p strong")[0].contains("amendements"),
        "{html}"
    );

    // Sessions: recorded, printable, exported.
    let (_, html) = page(&desk, &app, "/desk/sessions").await;
    let csrf = csrf_of(&html);
    let made = desk
        .post(app.url("/desk/sessions"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("committee", "project"),
            ("held_on", "2026-11-24"),
            ("title", "Séance de novembre"),
            ("attendees", "Camille Comité\nThéo Comité-Toulon"),
            ("agenda", &reference),
            ("decisions", "Étudiée."),
            ("minutes", "Rien à signaler."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let location = made.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = page(&desk, &app, &location).await;
    assert!(texts(&html, "article li").contains(&"Théo Comité-Toulon".to_owned()));
    let (status, md) = page(&desk, &app, &format!("{location}/minutes.md")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(md.contains("# Séance de novembre"));
    let toulon = browser_signed_in(&app, TOULON, "demo").await;
    let (status, _) = page(&toulon, &app, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn criteria_and_steering_rules_are_set_from_the_desk_by_who_may() {
    let app = TestApp::with_demo().await;
    let coordination = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    let (status, html) = page(&coordination, &app, "/desk/offers/SMS-U/criteria").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&html);
    let weights = |csrf: &str, value: &str| {
        vec![
            ("_csrf", csrf.to_owned()),
            ("value", value.to_owned()),
            ("clarity", "1".to_owned()),
            ("complexity", "1".to_owned()),
            ("regulatory", "2".to_owned()),
            ("support", "4".to_owned()),
        ]
    };
    let saved = coordination
        .post(app.url("/desk/offers/SMS-U/criteria"))
        .form(&weights(&csrf, "3"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let bad = coordination
        .post(app.url("/desk/offers/SMS-U/criteria"))
        .form(&weights(&csrf, "11"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let token = app.token(COMMITTEE).await;
    let (_, w) = call(
        &app,
        Method::GET,
        "/api/v1/offers/SMS-U/criteria",
        &token,
        None,
    )
    .await;
    assert_eq!(w["support"], 4.0);
    let committee = browser_signed_in(&app, COMMITTEE, "demo").await;
    let (_, html) = page(&committee, &app, "/desk/offers/SMS-U/criteria").await;
    let refused = committee
        .post(app.url("/desk/offers/SMS-U/criteria"))
        .form(&weights(&csrf_of(&html), "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let admin = browser_signed_in(&app, "admin@demo.guichet", "demo").await;
    let (_, html) = page(&admin, &app, "/desk/settings/steering").await;
    let csrf = csrf_of(&html);
    let saved = admin
        .post(app.url("/desk/settings/steering"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("quorum", "3"),
            ("majority_percent", "60"),
            ("chair", "copil2@demo.guichet"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, s) = call(&app, Method::GET, "/api/v1/settings/steering", &token, None).await;
    assert_eq!(
        (s["quorum"].as_i64(), s["majority_percent"].as_i64()),
        (Some(3), Some(60))
    );
    let (_, html) = page(&committee, &app, "/desk/settings/steering").await;
    assert!(texts(&html, "form[action='/desk/settings/steering']").is_empty());
    let refused = committee
        .post(app.url("/desk/settings/steering"))
        .form(&[
            ("_csrf", csrf_of(&html).as_str()),
            ("quorum", "1"),
            ("majority_percent", "50"),
            ("chair", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
