//! Version 1 of the JSON API: one module per area, each a router of annotated handlers.

pub mod accounts;
pub mod agreements;
pub mod auth;
pub mod dashboards;
pub mod digests;
pub mod evolutions;
pub mod faqs;
pub mod health;
pub mod identity_providers;
pub mod mail_in;
pub mod mailboxes;
pub mod notifications;
pub mod offers;
pub mod organisations;
pub mod reports;
pub mod status;
pub mod teams;
pub mod tickets;
pub mod tokens;
pub mod webhooks;

use std::collections::BTreeMap;

use utoipa::openapi::{RefOr, schema::Schema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::state::AppState;

/// One area's documented routes, with every schema its operations name as utoipa listed them
/// (nested ones included), kept before the document merges them by name: two types that
/// share a name would otherwise leave one silently documented as the other.
#[derive(Default)]
pub struct Area {
    router: OpenApiRouter<AppState>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Area {
    /// Adds the routes of `routes!(…)` and notes their schemas.
    pub fn routes(mut self, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.schemas.extend(routes.0.iter().cloned());
        self.router = self.router.routes(routes);
        self
    }
}

/// Every area of the API.
fn areas() -> [Area; 20] {
    [
        health::routes(),
        auth::routes(),
        tokens::routes(),
        organisations::routes(),
        accounts::routes(),
        teams::routes(),
        offers::routes(),
        agreements::routes(),
        tickets::routes(),
        reports::routes(),
        dashboards::routes(),
        notifications::routes(),
        digests::routes(),
        faqs::routes(),
        evolutions::routes(),
        status::routes(),
        mail_in::routes(),
        mailboxes::routes(),
        webhooks::routes(),
        identity_providers::routes(),
    ]
}

/// Every documented route of the API, and apart the probes (`/healthz`), which are served
/// around the session, CSRF and page layers (see [`crate::http::layers`]).
pub fn routes() -> (OpenApiRouter<AppState>, OpenApiRouter<AppState>) {
    let [probes, others @ ..] = areas();
    let others = others
        .into_iter()
        .fold(OpenApiRouter::new(), |all, area| all.merge(area.router));
    (others, probes.router)
}

/// The schema names that two different schemas claim (e.g. the ticket's and the FAQ's
/// `Visibility`), each with the differing schemas' JSON: empty when every name is one type's.
pub fn schema_name_clashes() -> BTreeMap<String, Vec<String>> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in areas().into_iter().flat_map(|area| area.schemas) {
        let json = serde_json::to_string(&schema).unwrap_or_default();
        let seen = by_name.entry(name).or_default();
        if !seen.contains(&json) {
            seen.push(json);
        }
    }
    by_name.retain(|_, schemas| schemas.len() > 1);
    by_name
}
