//! Bulk actions on the desk's ticket lists: each ticket through the one-by-one rule, the
//! answer per ticket; another provider's ticket in the selection is refused as not found.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, builders::Person, call};

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

/// The `(field, new value)` pairs of a ticket's history about its agent.
async fn agent_changes(app: &TestApp, reference: &str, token: &str) -> Vec<String> {
    let (_, history) = call(
        app,
        Method::GET,
        &format!("/api/v1/tickets/{reference}/history"),
        token,
        None,
    )
    .await;
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "agent")
        .map(|h| h["new_value"].to_string())
        .collect()
}

#[tokio::test]
async fn two_bulk_requests_on_overlapping_tickets_assign_each_ticket_once() {
    let app = TestApp::spawn().await;
    let builder = app.builder().await;
    let provider = builder.provider("FOURNISSEUR").await;
    let first = builder.account(provider, &["agent"]).await;
    let second = builder.account(provider, &["agent"]).await;
    let team = builder.team(provider, &[&first, &second]).await;
    let offer = builder.offer("OFFRE", provider, team).await;
    let client = builder.establishment("ETAB-A", None).await;
    builder.convention(client, provider, &[&offer], None).await;
    let contact = builder.account(client, &["contact"]).await;
    let mut tickets = Vec::new();
    for n in 0..6 {
        let ticket = builder
            .ticket(&contact, offer.incident, &format!("Panne {n}"))
            .await;
        tickets.push(ticket["ref"].as_str().unwrap().to_owned());
    }
    // Tickets 2 and 3 are in both selections.
    let request = |who: &Person, selection: &[String]| {
        app.api(Method::POST, "/api/v1/tickets/bulk", &who.token)
            .json(&json!({ "tickets": selection, "action": "assign_to_me" }))
            .send()
    };
    let (a, b) = tokio::join!(
        request(&first, &tickets[0..4]),
        request(&second, &tickets[2..6])
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let a = outcomes(&a.json().await.unwrap());
    let b = outcomes(&b.json().await.unwrap());
    assert_eq!(a.len(), 4);
    assert_eq!(b.len(), 4);
    for (n, reference) in tickets.iter().enumerate() {
        let of = |answer: &[(String, String)]| {
            answer
                .iter()
                .find(|(r, _)| r == reference)
                .map(|(_, o)| o.clone())
        };
        let (by_first, by_second) = (of(&a), of(&b));
        let winner = match (by_first.as_deref(), by_second.as_deref()) {
            (Some("done"), None) => &first,
            (None, Some("done")) => &second,
            (Some("done"), Some("conflict")) => &first,
            (Some("conflict"), Some("done")) => &second,
            other => panic!("ticket {n}: {other:?}"),
        };
        let (_, ticket) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}"),
            &first.token,
            None,
        )
        .await;
        assert_eq!(ticket["status"], "assigned", "ticket {n}");
        assert_eq!(ticket["agent"]["id"], winner.id, "ticket {n}");
        assert_eq!(
            agent_changes(&app, reference, &first.token).await.len(),
            1,
            "ticket {n} is assigned once in its history"
        );
    }
}

#[tokio::test]
async fn a_ticket_is_not_assigned_to_a_team_that_does_not_deliver_its_offer() {
    let app = TestApp::spawn().await;
    let builder = app.builder().await;
    let world = builder.two_establishments().await;
    let provider = builder.provider("AUTRE").await;
    let stranger = builder.account(provider, &["agent"]).await;
    let stranger_team = builder.team(provider, &[&stranger]).await;
    builder.offer("AUTRE-OFFRE", provider, stranger_team).await;
    // A team of the ticket's own provider, with the agent in it, that delivers nothing.
    let (_, me) = call(&app, Method::GET, "/api/v1/me", &world.agent.token, None).await;
    let organisation = me["organisation"]["id"].as_i64().unwrap();
    let idle_team = builder.team(organisation, &[&world.agent]).await;
    let reference = builder
        .ticket(&world.first, world.offer.incident, "Panne")
        .await["ref"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/tickets/{reference}");
    for (team, agent) in [
        (idle_team, world.agent.id),
        (stranger_team, stranger.id),
        (stranger_team, world.agent.id),
    ] {
        let (status, refused) = call(
            &app,
            Method::POST,
            &format!("{path}/actions/assign"),
            &world.agent.token,
            Some(json!({ "team": team, "agent": agent, "revision": 1 })),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let field = &refused["error"]["details"]["fields"][0];
        assert_eq!(field["field"], "team", "{refused}");
        assert_eq!(
            field["reason"], "cette équipe ne prend pas en charge l’offre du ticket",
            "{refused}"
        );
    }
    let (_, ticket) = call(&app, Method::GET, &path, &world.agent.token, None).await;
    assert_eq!(ticket["status"], "new", "nothing changed");
    assert_eq!(ticket["revision"], 1);
    assert!(
        agent_changes(&app, &reference, &world.agent.token)
            .await
            .is_empty()
    );
}
