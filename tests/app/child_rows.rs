//! Rows that hang from a ticket (its log and its history) are read and written through
//! the ticket's own rule: built from scratch with the data builders, not from the demo data set.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, call};

#[tokio::test]
async fn a_tickets_log_history_and_files_follow_the_ticket() {
    let app = TestApp::spawn().await;
    let build = app.builder().await;
    let world = build.two_establishments().await;
    let ticket = build
        .ticket(&world.first, world.offer.incident, "Connexion impossible")
        .await;
    let reference = ticket["ref"].as_str().expect("a reference");

    // The requester and the provider's agent write to the public log.
    for who in [&world.first, &world.agent] {
        let (status, entry) = call(
            &app,
            Method::POST,
            &format!("/api/v1/tickets/{reference}/log"),
            &who.token,
            Some(json!({ "body": format!("Message de {}", who.email) })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
    }

    // The other establishment's contact finds neither the ticket nor anything under it, and
    // cannot write to it.
    for path in ["", "/log", "/history"] {
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}{path}"),
            &world.second.token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}: {body}");
    }
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tickets/{reference}/log"),
        &world.second.token,
        Some(json!({ "body": "Je m'invite" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Those who read the ticket read both messages, and nothing was added by the refusal.
    for who in [&world.first, &world.agent] {
        let (status, log) = call(
            &app,
            Method::GET,
            &format!("/api/v1/tickets/{reference}/log"),
            &who.token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{log}");
        let bodies: Vec<&str> = log["items"]
            .as_array()
            .or_else(|| log.as_array())
            .expect("log entries")
            .iter()
            .filter_map(|e| e["body"].as_str())
            .collect();
        assert!(
            bodies.iter().any(|b| b.contains(&world.first.email)),
            "{log}"
        );
        assert!(
            bodies.iter().any(|b| b.contains(&world.agent.email)),
            "{log}"
        );
        assert!(!bodies.iter().any(|b| b.contains("invite")), "{log}");
    }
}
