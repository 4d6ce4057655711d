//! Races and links around service status, with real parallel requests: simultaneous joins of one
//! establishment file one child incident; an agent links an establishment's own incident to a
//! major incident under the same one-per-establishment rule (API and the master's page); first
//! statuses set at once never leave an offer with two current periods.

use futures::future::join_all;
use guichet::db::Unscoped;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    status::{
        AGENT, OTHER_AGENT, RENNES, ROCHELLE, TOULON, history_of_sms_u, set_status,
        sms_u_major_incident, third_subscriber,
    },
    support::{TestApp, browser_signed_in, call, csrf_of, subcategory},
};

/// How many tickets carry exactly this title.
async fn titled(app: &TestApp, title: &str) -> u64 {
    Unscoped::find::<entity::ticket::Entity>()
        .filter(entity::ticket::Column::Title.eq(title))
        .count(&app.conn)
        .await
        .unwrap()
}

/// The establishments affected by a major incident, as `token` reads them.
async fn members(app: &TestApp, id: &Value, token: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/major-incidents/{id}/members");
    call(app, Method::GET, &path, token, None).await
}

#[tokio::test]
async fn eight_simultaneous_joins_from_one_establishment_file_one_child() {
    let app = TestApp::with_demo().await;
    let (master, major) = sms_u_major_incident(&app).await;
    let join = format!("/api/v1/major-incidents/{}/join", major["id"]);
    let rochelle = app.token(ROCHELLE).await;

    let answers = join_all((0..8).map(|_| call(&app, Method::POST, &join, &rochelle, None))).await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let child = answers[0].1["ref"].clone();
    assert!(
        answers
            .iter()
            .all(|(_, c)| c["ref"] == child && c["parent"] == master.as_str()),
        "one child for all: {answers:?}"
    );
    // The master and one child: the losers' children went with their transactions.
    assert_eq!(titled(&app, "Plus aucun SMS ne part").await, 2);

    // The provider sees one affected establishment; a subscriber that did not join sees none of
    // the others'; another provider and a non-subscriber do not see the major incident at all.
    let agent = app.token(AGENT).await;
    let (status, affected) = members(&app, &major["id"], &agent).await;
    assert_eq!(status, StatusCode::OK, "{affected}");
    assert_eq!(affected.as_array().unwrap().len(), 1);
    assert_eq!(affected[0]["reference"], child);
    let (status, own) = members(&app, &major["id"], &rochelle).await;
    assert_eq!((status, own.as_array().unwrap().len()), (StatusCode::OK, 1));
    let toulon = app.token(TOULON).await;
    let (status, none) = members(&app, &major["id"], &toulon).await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.as_array().unwrap().is_empty(), "{none}");
    for email in [RENNES, OTHER_AGENT] {
        let token = app.token(email).await;
        assert_eq!(
            members(&app, &major["id"], &token).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            call(&app, Method::POST, &join, &token, None).await.0,
            StatusCode::NOT_FOUND
        );
    }
}

/// An SMS-U incident filed by `token` on its own: answers its reference.
async fn own_sms_u_incident(app: &TestApp, token: &str, title: &str) -> String {
    let incident = subcategory(app, token, "SMS-U", "incident").await;
    let (status, filed) = call(
        app,
        Method::POST,
        "/api/v1/tickets",
        token,
        Some(json!({
            "subcategory": incident, "title": title, "description": "Rien ne part.",
            "impact": "establishment", "urgency": "high", "affected_version": "5.1", "module": "Envoi",
            "page_url": "https://smsu.example/envoi"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    filed["ref"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_agent_links_an_establishments_own_incident_once_and_its_contact_finds_it_joined() {
    let app = TestApp::with_demo().await;
    let (brest, _) = third_subscriber(&app).await;
    let (master, major) = sms_u_major_incident(&app).await;
    let own = own_sms_u_incident(&app, &brest, "Nos SMS ne partent plus").await;
    let path = format!("/api/v1/major-incidents/{}/members", major["id"]);
    let body = json!({ "ref": own });

    // Only the offer's provider side links: another provider's agent and a non-subscriber do
    // not see the major incident, a subscriber may not link.
    for email in [OTHER_AGENT, RENNES] {
        let token = app.token(email).await;
        let answer = call(&app, Method::POST, &path, &token, Some(body.clone())).await;
        assert_eq!(answer.0, StatusCode::NOT_FOUND, "{email}");
    }
    let toulon = app.token(TOULON).await;
    let answer = call(&app, Method::POST, &path, &toulon, Some(body.clone())).await;
    assert_eq!(answer.0, StatusCode::FORBIDDEN);
    // The master is no child of itself.
    let agent = app.token(AGENT).await;
    let (status, refused) = call(
        &app,
        Method::POST,
        &path,
        &agent,
        Some(json!({ "ref": master })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.to_string().contains("ref"), "{refused}");

    // Linked once, in parallel or not: one wins, the others are told it is there already.
    let answers =
        join_all((0..4).map(|_| call(&app, Method::POST, &path, &agent, Some(body.clone())))).await;
    let linked: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(linked.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT)
    );
    assert_eq!(linked[0]["reference"], own.as_str());

    // Brest's contact, joining now, is answered with its own incident, now the master's child.
    let join = format!("/api/v1/major-incidents/{}/join", major["id"]);
    let (status, joined) = call(&app, Method::POST, &join, &brest, None).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["ref"], own.as_str());
    assert_eq!(joined["parent"], master.as_str());
    let (_, affected) = members(&app, &major["id"], &agent).await;
    assert_eq!(affected.as_array().unwrap().len(), 1);

    // From the master's page: La Rochelle's own incident is linked with the form; a wrong
    // reference comes back with its error beside the field.
    let rochelle = app.token(ROCHELLE).await;
    let theirs = own_sms_u_incident(&app, &rochelle, "SMS bloqués à La Rochelle").await;
    let desk = browser_signed_in(&app, AGENT, guichet::demo::PASSWORD).await;
    let page_path = format!("/desk/tickets/{master}");
    let page = desk.get(app.url(&page_path)).send().await.unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let form = format!("/tickets/{master}/major/link");
    let refused = desk
        .post(app.url(&form))
        .form(&[("_csrf", csrf.as_str()), ("ref", "I-999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("ref-error"));
    let done = desk
        .post(app.url(&form))
        .form(&[("_csrf", csrf.as_str()), ("ref", theirs.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let page = desk.get(app.url(&page_path)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(&theirs));
    // Another provider's agent cannot post the form.
    let other = browser_signed_in(&app, OTHER_AGENT, guichet::demo::PASSWORD).await;
    let page = other.get(app.url("/status")).send().await.unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let answer = other
        .post(app.url(&form))
        .form(&[("_csrf", csrf.as_str()), ("ref", theirs.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn first_statuses_set_at_once_leave_one_current_period() {
    let app = TestApp::with_demo().await;
    let agent = app.token(AGENT).await;
    let answers = join_all((0..6).map(|n| {
        let body = json!({ "status": "degraded", "message": format!("Lenteurs ({n})") });
        set_status(&app, &agent, body)
    }))
    .await;
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::CONFLICT,
            "{status}: {body}"
        );
    }
    let won = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert!(won >= 1);
    // Each winner opened a period; only the last is current.
    let toulon = app.token(TOULON).await;
    let history = history_of_sms_u(&app, &toulon).await;
    assert_eq!(history.len(), won, "{history:?}");
    let current = history.iter().filter(|p| p["ended_at"].is_null()).count();
    assert_eq!(current, 1, "{history:?}");
}
