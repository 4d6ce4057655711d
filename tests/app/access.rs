//! The access table: every demo account tries to read and change every organisation, team and
//! account. What it may not see answers 404, what it sees but may not change answers 403, and
//! neither changes anything.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, browser_signed_in};

/// What one demo account may reach, written out by hand from the demo's structure (not computed
/// by the code under test).
struct Expect {
    email: &'static str,
    /// Organisation codes it reads; `None`: every one.
    orgs: Option<&'static [&'static str]>,
    /// Team names it reads; `None`: every one.
    teams: Option<&'static [&'static str]>,
    /// Whether it manages what it reads.
    manages: bool,
}

const ALL_ESUP: Option<&[&str]> = None;

const TABLE: &[Expect] = &[
    Expect {
        email: "admin@demo.guichet",
        orgs: ALL_ESUP,
        teams: None,
        manages: true,
    },
    Expect {
        email: "coordination@demo.guichet",
        orgs: ALL_ESUP,
        teams: None,
        manages: true,
    },
    Expect {
        email: "comite@demo.guichet",
        orgs: ALL_ESUP,
        teams: None,
        manages: false,
    },
    Expect {
        email: "copil@demo.guichet",
        orgs: ALL_ESUP,
        teams: None,
        manages: false,
    },
    Expect {
        email: "agent.geforp@demo.guichet",
        orgs: Some(&["AMU"]),
        teams: Some(&["Équipe GEFORP"]),
        manages: false,
    },
    Expect {
        email: "agent.smsu@demo.guichet",
        orgs: Some(&["UP1"]),
        teams: Some(&["Équipe SMS-U"]),
        manages: false,
    },
    Expect {
        email: "agent.eva@demo.guichet",
        orgs: Some(&["UNISTRA"]),
        teams: Some(&["Équipe EVA"]),
        manages: false,
    },
    Expect {
        email: "contact@univ-toulon.demo.guichet",
        orgs: Some(&["UTLN"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "contact@univ-larochelle.demo.guichet",
        orgs: Some(&["ULR"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "contact2@univ-larochelle.demo.guichet",
        orgs: Some(&["ULR"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "contact@univ-rennes2.demo.guichet",
        orgs: Some(&["UR2"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "comite.toulon@demo.guichet",
        orgs: Some(&["UTLN"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "copil2@demo.guichet",
        orgs: Some(&["URN"]),
        teams: Some(&[]),
        manages: false,
    },
    Expect {
        email: "copil3@demo.guichet",
        orgs: Some(&["UNISTRA"]),
        teams: Some(&["Équipe EVA"]),
        manages: false,
    },
];

/// A resource: its API path, the organisation code it belongs to, its team name if a team,
/// and the PATCH body that leaves it as it is but for its revision.
struct Resource {
    path: String,
    org_code: String,
    team: Option<String>,
    patch: Value,
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    app.api(Method::GET, path, token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn resources(app: &TestApp, admin: &str) -> Vec<Resource> {
    let orgs = get_json(app, admin, "/api/v1/organisations?per_page=200").await;
    let orgs = orgs["items"].as_array().unwrap().clone();
    let code_of = |id: &Value| {
        orgs.iter()
            .find(|o| o["id"] == *id)
            .map(|o| o["code"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let mut all = Vec::new();
    for org in &orgs {
        all.push(Resource {
            path: format!("/api/v1/organisations/{}", org["id"]),
            org_code: org["code"].as_str().unwrap().to_owned(),
            team: None,
            patch: json!({ "name": org["name"] }),
        });
    }
    let teams = get_json(app, admin, "/api/v1/teams?per_page=200").await;
    for team in teams["items"].as_array().unwrap() {
        all.push(Resource {
            path: format!("/api/v1/teams/{}", team["id"]),
            org_code: code_of(&team["organisation_id"]),
            team: Some(team["name"].as_str().unwrap().to_owned()),
            patch: json!({ "name": team["name"] }),
        });
    }
    let accounts = get_json(app, admin, "/api/v1/accounts?per_page=200").await;
    for account in accounts["items"].as_array().unwrap() {
        all.push(Resource {
            path: format!("/api/v1/accounts/{}", account["id"]),
            org_code: code_of(&account["organisation_id"]),
            team: None,
            patch: json!({ "display_name": account["display_name"] }),
        });
    }
    assert_eq!(orgs.len(), 8);
    all
}

fn reads(expect: &Expect, resource: &Resource) -> bool {
    match (&resource.team, expect.teams) {
        (Some(team), Some(teams)) => {
            teams.contains(&team.as_str())
                || expect
                    .orgs
                    .is_none_or(|orgs| orgs.contains(&resource.org_code.as_str()))
        }
        _ => expect
            .orgs
            .is_none_or(|orgs| orgs.contains(&resource.org_code.as_str())),
    }
}

#[tokio::test]
async fn every_account_reads_and_changes_only_what_its_scope_allows() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    let resources = resources(&app, &admin).await;
    for expect in TABLE {
        let token = app.token(expect.email).await;
        let mut seen = BTreeSet::new();
        for resource in &resources {
            let reads = reads(expect, resource);
            let response = app
                .api(Method::GET, &resource.path, &token)
                .send()
                .await
                .unwrap();
            let expected = if reads {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                response.status(),
                expected,
                "{} GET {}",
                expect.email,
                resource.path
            );
            if !reads {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], "not_found");
            } else {
                seen.insert(resource.path.clone());
            }

            let before = get_json(&app, &admin, &resource.path).await;
            let mut patch = resource.patch.clone();
            patch["revision"] = before["revision"].clone();
            let response = app
                .api(Method::PATCH, &resource.path, &token)
                .json(&patch)
                .send()
                .await
                .unwrap();
            let expected = match (reads, expect.manages) {
                (false, _) => StatusCode::NOT_FOUND,
                (true, false) => StatusCode::FORBIDDEN,
                (true, true) => StatusCode::OK,
            };
            assert_eq!(
                response.status(),
                expected,
                "{} PATCH {}",
                expect.email,
                resource.path
            );
            let after = get_json(&app, &admin, &resource.path).await;
            if expected != StatusCode::OK {
                assert_eq!(before, after, "{} changed {}", expect.email, resource.path);
            }
        }
        // Lists show exactly what direct reads allow, no more.
        let mut listed = BTreeSet::new();
        for (list, prefix) in [
            (
                "/api/v1/organisations?per_page=200",
                "/api/v1/organisations/",
            ),
            ("/api/v1/teams?per_page=200", "/api/v1/teams/"),
            ("/api/v1/accounts?per_page=200", "/api/v1/accounts/"),
        ] {
            let body = get_json(&app, &token, list).await;
            for item in body["items"].as_array().unwrap() {
                listed.insert(format!("{prefix}{}", item["id"]));
            }
            let total = body["total"].as_u64().unwrap();
            let count = body["items"].as_array().unwrap().len() as u64;
            assert_eq!(
                total, count,
                "{} {list}: total counts hidden rows",
                expect.email
            );
        }
        assert_eq!(listed, seen, "{}", expect.email);
    }
}

#[tokio::test]
async fn creating_outside_ones_scope_is_refused_and_writes_nothing() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    let orgs = get_json(&app, &admin, "/api/v1/organisations?per_page=200").await;
    let id_of = |code: &str| {
        orgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let agent = app.token("agent.geforp@demo.guichet").await;
    let cases = [
        (
            "/api/v1/teams",
            json!({ "organisation_id": id_of("UTLN"), "name": "X" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/teams",
            json!({ "organisation_id": id_of("AMU"), "name": "X" }),
            StatusCode::FORBIDDEN,
        ),
        (
            "/api/v1/accounts",
            json!({ "email": "x@x.example", "display_name": "X", "organisation_id": id_of("AMU"), "roles": ["agent"] }),
            StatusCode::FORBIDDEN,
        ),
        (
            "/api/v1/organisations",
            json!({ "code": "X", "name": "X", "parent_id": id_of("AMU") }),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (path, body, status) in cases {
        let response = app
            .api(Method::POST, path, &agent)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path} {body}");
    }
    let teams = get_json(&app, &admin, "/api/v1/teams?per_page=200").await;
    assert_eq!(teams["total"], 5);
    let accounts = get_json(&app, &admin, "/api/v1/accounts?per_page=200").await;
    assert!(
        accounts["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["email"] != "x@x.example")
    );
}

#[tokio::test]
async fn desk_pages_answer_404_outside_the_scope_in_html() {
    let app = TestApp::with_demo().await;
    let admin = app.token("admin@demo.guichet").await;
    let orgs = get_json(&app, &admin, "/api/v1/organisations?per_page=200").await;
    let id_of = |code: &str| {
        orgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let agent = browser_signed_in(&app, "agent.geforp@demo.guichet", "demo").await;
    let own = agent
        .get(app.url(&format!("/desk/organisations/{}", id_of("AMU"))))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let other = agent
        .get(app.url(&format!("/desk/organisations/{}", id_of("UTLN"))))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert!(
        other.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    // Contacts have no desk at all.
    let contact = browser_signed_in(&app, "contact@univ-toulon.demo.guichet", "demo").await;
    for path in [
        "/desk",
        "/desk/organisations",
        &format!("/desk/organisations/{}", id_of("UTLN")),
    ] {
        let response = contact.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Anonymous visitors are sent to sign in, and come back after.
    let response = crate::support::client()
        .get(app.url("/desk/organisations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Fdesk%2Forganisations"
    );
}

#[tokio::test]
async fn the_desk_lists_the_organisations_with_their_parents() {
    let app = TestApp::with_demo().await;
    let admin = browser_signed_in(&app, "admin@demo.guichet", "demo").await;
    let html = admin
        .get(app.url("/desk/organisations?sort=name"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&html);
    let cells = scraper::Selector::parse("tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    // Name and parent of each row.
    let rows: Vec<(String, String)> = doc
        .select(&cells)
        .map(|tr| {
            let texts: Vec<String> = tr.select(&td).map(|c| c.text().collect()).collect();
            (texts[1].clone(), texts[2].clone())
        })
        .collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0].0, "Aix-Marseille Université");
    let consortium = rows
        .iter()
        .find(|(name, _)| name == "ESUP-Portail")
        .unwrap();
    assert_eq!(consortium.1, "", "the consortium has no parent");
    assert!(
        rows.iter()
            .filter(|(name, _)| name != "ESUP-Portail")
            .all(|(_, parent)| parent == "ESUP-Portail"),
        "{rows:?}"
    );
}
