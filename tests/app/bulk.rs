//! Bulk actions on the desk's ticket lists: each ticket through the one-by-one rule, the
//! answer per ticket; another provider's ticket in the selection is refused as not found.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call};

fn outcomes(answer: &Value) -> Vec<(String, String)> {
    answer
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["reference"].as_str().unwrap().to_owned(),
                o["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_selection_is_assigned_ticket_by_ticket_and_anothers_ticket_is_not_found() {
    let app = TestApp::spawn().await;
    let builder = app.builder().await;
    let world = builder.two_establishments().await;
    let mut mine = Vec::new();
    for contact in [&world.first, &world.second, &world.first] {
        let ticket = builder.ticket(contact, world.offer.incident, "Panne").await;
        mine.push(ticket["ref"].as_str().unwrap().to_owned());
    }
    // Another provider's ticket.
    let provider = builder.provider("AUTRE").await;
    let other_agent = builder.account(provider, &["agent"]).await;
    let team = builder.team(provider, &[&other_agent]).await;
    let offer = builder.offer("AUTRE-OFFRE", provider, team).await;
    let client = builder.establishment("ETAB-C", None).await;
    builder.convention(client, provider, &[&offer], None).await;
    let contact = builder.account(client, &["contact"]).await;
    let theirs = builder.ticket(&contact, offer.incident, "Ailleurs").await["ref"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut selection = mine.clone();
    selection.insert(1, theirs.clone());
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/tickets/bulk",
        &world.agent.token,
        Some(json!({ "tickets": selection, "action": "assign_to_me" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let expected: Vec<(String, String)> = selection
        .iter()
        .map(|r| {
            let word = if *r == theirs { "not_found" } else { "done" };
            (r.clone(), word.to_owned())
        })
        .collect();
    assert_eq!(outcomes(&answer), expected);
    for reference in &mine {
        let (_, ticket) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}"),
            &world.agent.token,
            None,
        )
        .await;
        assert_eq!(ticket["status"], "assigned");
        assert_eq!(ticket["agent"]["id"], world.agent.id);
    }
    let (_, untouched) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tickets/{theirs}"),
        &other_agent.token,
        None,
    )
    .await;
    assert_eq!(
        untouched["status"], "new",
        "the other provider's ticket is untouched"
    );

    // An agent who is not a member of the team is refused per ticket, through the assign rule.
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/tickets/bulk",
        &world.agent.token,
        Some(json!({ "tickets": [mine[0]], "action": "assign", "team": team, "agent": world.agent.id })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_ne!(outcomes(&answer)[0].1, "done", "{answer}");

    // An empty selection is a 422; a contact's selection finds nothing.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/tickets/bulk",
        &world.agent.token,
        Some(json!({ "tickets": [], "action": "assign_to_me" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/tickets/bulk",
        &contact.token,
        Some(json!({ "tickets": [mine[0]], "action": "assign_to_me" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(outcomes(&answer)[0].1, "not_found");
}
