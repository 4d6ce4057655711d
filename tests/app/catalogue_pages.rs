//! The catalogue's pages: the portal's "New request" and "My conventions", and the desk's
//! offers, conventions and SLAs, driven through their forms.

use reqwest::StatusCode;

use crate::support::{TestApp, browser_signed_in, csrf_of};

async fn page(browser: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = browser.get(app.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_portal_offers_what_the_contact_may_file_on() {
    let app = TestApp::with_demo().await;
    let rochelle = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    let (status, html) = page(&rochelle, &app, "/portal/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ESUP SMS-U"));
    assert!(html.contains("Déclarer un incident sur SMS-U"));
    assert!(
        !html.contains("value=\"None\""),
        "an empty search shows nothing in the box"
    );
    assert!(!html.contains("ESUP GEFORP"));
    let (_, searched) = page(&rochelle, &app, "/portal/new?q=geforp").await;
    assert!(!searched.contains("ESUP SMS-U"));
    let (_, searched) = page(&rochelle, &app, "/portal/new?q=sms").await;
    assert!(searched.contains("ESUP SMS-U"));

    // Following a subcategory says filing is open, with the fields it will ask.
    let doc = scraper::Html::parse_document(&html);
    let link = doc
        .select(&scraper::Selector::parse("a[href^='/portal/new/']").unwrap())
        .find(|a| a.text().collect::<String>().contains("incident"))
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let (status, html) = page(&rochelle, &app, &link).await;
    assert_eq!(status, StatusCode::OK);
    let form = scraper::Html::parse_document(&html);
    assert!(
        form.select(&scraper::Selector::parse("form[method=post]").unwrap())
            .any(|f| f.value().attr("action") == Some(link.as_str())),
        "the request form: {html}"
    );

    // Rennes 2's expired convention: told why, in the page.
    let rennes = browser_signed_in(&app, "contact@univ-rennes2.demo.guichet", "demo").await;
    let (_, html) = page(&rennes, &app, "/portal/new").await;
    assert!(html.contains("Aucune offre ne vous est ouverte"));
    let (_, conventions) = page(&rennes, &app, "/portal/conventions").await;
    assert!(conventions.contains("Expirée"));

    let (_, conventions) = page(&rochelle, &app, "/portal/conventions").await;
    assert!(conventions.contains("Offre hébergée SMS-U"));
    assert!(!conventions.contains("Convention fournisseur"));
}

#[tokio::test]
async fn the_desk_manages_offers_conventions_and_slas_through_forms() {
    let app = TestApp::with_demo().await;
    let desk = browser_signed_in(&app, "coordination@demo.guichet", "demo").await;
    for path in [
        "/desk",
        "/desk/offers",
        "/desk/offers/GEFORP",
        "/desk/offers/new",
        "/desk/conventions",
        "/desk/conventions/new",
        "/desk/slas",
        "/desk/slas/new",
        "/desk/slas/1",
        "/desk/conventions/1",
    ] {
        let (status, html) = page(&desk, &app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
    }
    let (_, html) = page(&desk, &app, "/desk/conventions?client=6").await;
    assert!(
        html.contains("Offre hébergée SMS-U") && !html.contains("Offre hébergée GEFORP"),
        "La Rochelle's only"
    );
    let (_, html) = page(&desk, &app, "/desk/offers/new").await;
    let csrf = csrf_of(&html);

    // A bad offer comes back with the message next to its field.
    let response = desk
        .post(app.url("/desk/offers"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", "bad code"),
            ("name", "X"),
            ("description", ""),
            ("provider_id", "2"),
            ("status", "production"),
            ("app_url", "nope"),
            ("docs_url", ""),
            ("source_url", ""),
            ("versions", ""),
            ("modules", ""),
            ("environments", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"code-error\"") && html.contains("id=\"app_url-error\""),
        "{html}"
    );

    let response = desk
        .post(app.url("/desk/offers"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", "APOGEE-WEB"),
            ("name", "Apogée Web"),
            ("description", "Scolarité"),
            ("provider_id", "2"),
            ("status", "production"),
            ("app_url", "https://apogee.example"),
            ("docs_url", ""),
            ("source_url", ""),
            ("versions", "6.0, 5.9"),
            ("modules", "Inscriptions"),
            ("environments", "production"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/desk/offers/APOGEE-WEB");
    let response = desk
        .post(app.url("/desk/offers/APOGEE-WEB/subcategories"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Déclarer un incident Apogée"),
            ("kind", "incident"),
            ("default_team_id", ""),
            ("required_fields", "version"),
            ("required_fields", "page_url"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&desk, &app, "/desk/offers/APOGEE-WEB").await;
    assert!(html.contains("Déclarer un incident Apogée"));

    // An SLA with a bad line is refused with the line named.
    let response = desk
        .post(app.url("/desk/slas"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "SLA Apogée"),
            ("provider_id", "2"),
            ("time_zone", "Europe/Paris"),
            ("day0", "hours"),
            ("from0_0", "8h"),
            ("to0_0", "18h"),
            ("public_holidays", "france"),
            ("tto_incident_critical", "30"),
            ("unit_tto_incident_critical", "min"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Heures au format HH:MM")
    );
    let response = desk
        .post(app.url("/desk/slas"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "SLA Apogée"),
            ("provider_id", "2"),
            ("time_zone", "Europe/Paris"),
            ("day0", "hours"),
            ("from0_0", "08:00"),
            ("to0_0", "18:00"),
            ("day1", "all_day"),
            ("public_holidays", "france"),
            ("closures", "2026-12-28..2026-12-31"),
            ("tto_incident_critical", "30"),
            ("unit_tto_incident_critical", "min"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A convention whose dates are reversed names the field; a good one is created, then a
    // document is uploaded with the form's token.
    let today = guichet::services::catalogue::today(chrono::Utc::now());
    let start = today.to_string();
    let before = (today - chrono::Duration::days(1)).to_string();
    let after = (today + chrono::Duration::days(100)).to_string();
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("kind", "usage"),
        ("title", "CGU Apogée Toulon"),
        ("client_id", "5"),
        ("provider_id", "2"),
        ("offers", "APOGEE-WEB"),
        ("status", "production"),
        ("start_date", start.as_str()),
        ("end_date", before.as_str()),
        ("description", ""),
        ("sla_id", ""),
        ("open_ticket_cap", ""),
        ("fee_group", ""),
        ("yearly_amount", "1200.50"),
    ];
    let response = desk
        .post(app.url("/desk/conventions"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"end_date-error\"")
    );
    form[8] = ("end_date", after.as_str());
    let response = desk
        .post(app.url("/desk/conventions"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();

    let upload = |token: String| {
        reqwest::multipart::Form::new().text("_csrf", token).part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 CGU".to_vec()).file_name("cgu-apogee.pdf"),
        )
    };
    let refused = desk
        .post(app.url(&format!("{location}/documents")))
        .multipart(upload("forged".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let uploaded = desk
        .post(app.url(&format!("{location}/documents")))
        .multipart(upload(csrf.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&desk, &app, &location).await;
    assert!(html.contains("cgu-apogee.pdf"));
    assert!(html.contains("1200.5"));

    // The Toulon contact now finds Apogée and its document.
    let toulon = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    let (_, html) = page(&toulon, &app, "/portal/new").await;
    assert!(html.contains("Apogée Web"));
    let (_, html) = page(&toulon, &app, "/portal/conventions").await;
    let doc = scraper::Html::parse_document(&html);
    let href = doc
        .select(&scraper::Selector::parse("a[href^='/attachments/']").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let response = toulon.get(app.url(&href)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("cgu-apogee.pdf")
    );
    let rochelle = browser_signed_in(&app, "contact@univ-larochelle.demo.guichet", "demo").await;
    assert_eq!(
        rochelle.get(app.url(&href)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Contacts have no catalogue desk.
    assert_eq!(
        rochelle
            .get(app.url("/desk/offers"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
