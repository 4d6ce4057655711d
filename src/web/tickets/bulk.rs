//! `POST /desk/tickets/bulk`: the selection of a desk ticket list, assigned in one go; the
//! answer is a page saying per ticket what was done or why not.

use serde::Deserialize;
use serde_json::json;

use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::tickets::bulk::{self, BulkAction, BulkInput},
    view::Page,
};

/// The list's bulk form: the ticked references, the action, and for `assign` one
/// `team:agent` choice (as the ticket page's assign form sends it).
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    /// Ticked references (the field repeats).
    #[serde(default)]
    ticket: Vec<String>,
    /// `assign_to_me` or `assign`.
    action: BulkAction,
    /// `team:agent`.
    assignment: Option<String>,
    /// Where the list was (its query string), to go back to.
    back: Option<String>,
}

/// `POST /desk/tickets/bulk`.
pub async fn bulk(ctx: Ctx, CsrfForm(form): CsrfForm<BulkForm>) -> Result<Page, AppError> {
    if !ctx.caller().is_staff() {
        return Err(AppError::NotFound);
    }
    let (team, agent) = match form.assignment.as_deref().and_then(|a| a.split_once(':')) {
        Some((team, agent)) => (team.parse().ok(), agent.parse().ok()),
        None => (None, None),
    };
    let outcomes = bulk::bulk(
        &ctx,
        BulkInput {
            tickets: form.ticket,
            action: form.action,
            team,
            agent,
        },
    )
    .await?;
    let done = outcomes.iter().filter(|o| o.outcome == "done").count();
    // Back to the list as it was filtered, never elsewhere.
    let back = form
        .back
        .filter(|q| !q.contains(['/', '\\', ':']))
        .map_or_else(
            || "/desk/tickets".to_owned(),
            |q| format!("/desk/tickets?{q}"),
        );
    Ok(Page::new(
        "tickets/bulk.html",
        json!({ "outcomes": outcomes, "done": done, "refused": outcomes.len() - done,
                "back": back }),
    ))
}
