//! Bulk actions on the desk's ticket lists: assign a selection to oneself or to an agent of a
//! team (which also moves the tickets to that team). Each ticket goes through the one-by-one
//! action ([`super::actions::act`]), in its own transaction with its compare-and-set, so the
//! rules, the history and the notifications are the same; one refusal does not stop the
//! others, and the answer says per ticket what was done or why not.

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{
    actions::{self, ActionInput},
    row,
};
use crate::{
    db::Ctx,
    domain::lifecycle::Action,
    services::error::{ServiceError, ServiceResult},
};

/// At most this many tickets in one bulk action (a page of the longest list).
pub const MAX_TICKETS: usize = 200;

/// What to do with the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    /// Assign each ticket to the caller, in the ticket's team when the caller belongs to it,
    /// otherwise in `team`; a ticket another agent holds is refused (`conflict`).
    AssignToMe,
    /// Assign each ticket to `agent` in `team` (a change of team when it is another one).
    Assign,
}

/// A bulk action's request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tickets": ["I-000123", "R-000124"], "action": "assign_to_me"}))]
pub struct BulkInput {
    /// The tickets' references (1 to 200).
    pub tickets: Vec<String>,
    /// What to do.
    pub action: BulkAction,
    /// The team (`assign`; `assign_to_me` when the ticket's team is not the caller's).
    pub team: Option<i64>,
    /// The agent (`assign`), a member of `team`.
    pub agent: Option<i64>,
}

/// What became of one ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    /// The reference as given.
    pub reference: String,
    /// `done`, or why not: `not_found` (also another organisation's ticket), `conflict` (the
    /// ticket's state does not allow it, or it changed meanwhile), `invalid`, `forbidden`.
    pub outcome: String,
    /// The reason as a catalogue key, when refused.
    pub reason: Option<String>,
}

fn refusal(reference: String, error: &ServiceError) -> BulkOutcome {
    let (outcome, reason) = match error {
        ServiceError::NotFound => ("not_found", Some("bulk-not-found")),
        ServiceError::Conflict { message, .. } => ("conflict", Some(message.key)),
        ServiceError::Forbidden(message) => ("forbidden", Some(message.key)),
        ServiceError::Invalid(fields) => (
            "invalid",
            fields
                .first()
                .and_then(|f| f.message.as_ref())
                .map(|m| m.key),
        ),
        _ => ("error", None),
    };
    BulkOutcome {
        reference,
        outcome: outcome.to_owned(),
        reason: reason.map(str::to_owned),
    }
}

/// Takes the action on each ticket of the selection, one after the other; refusals are
/// answered per ticket, errors of the database stop the whole.
pub async fn bulk(ctx: &Ctx, input: BulkInput) -> ServiceResult<Vec<BulkOutcome>> {
    if input.tickets.is_empty() || input.tickets.len() > MAX_TICKETS {
        return Err(ServiceError::field(
            "tickets",
            "bulk-selection",
            vec![("max", MAX_TICKETS.to_string())],
        ));
    }
    let me = ctx.caller().account_id;
    let mut outcomes = Vec::with_capacity(input.tickets.len());
    for reference in input.tickets.iter().map(|r| r.trim().to_uppercase()) {
        let result = match input.action {
            BulkAction::Assign => {
                let assignment = ActionInput {
                    team: input.team,
                    agent: input.agent,
                    ..ActionInput::default()
                };
                actions::act(ctx, &reference, Action::Assign, assignment).await
            }
            BulkAction::AssignToMe => match row(ctx, &reference).await {
                // Taking over another agent's ticket is a deliberate one-by-one act: a
                // selection made on a list shown earlier must not steal what a colleague took
                // meanwhile (the revision below catches one taken after this read).
                Ok(current) if current.agent_id.is_some_and(|a| a != me) => {
                    Err(ServiceError::conflict("bulk-held", vec![], json!({})))
                }
                Ok(current) => {
                    let team = current
                        .team_id
                        .filter(|t| ctx.caller().team_ids.contains(t))
                        .or(input.team);
                    let assignment = ActionInput {
                        team,
                        agent: Some(me),
                        revision: Some(current.revision),
                        ..ActionInput::default()
                    };
                    actions::act(ctx, &reference, Action::Assign, assignment).await
                }
                Err(error) => Err(error),
            },
        };
        outcomes.push(match result {
            Ok(_) => BulkOutcome {
                reference,
                outcome: "done".to_owned(),
                reason: None,
            },
            Err(ServiceError::Internal(error)) => return Err(ServiceError::Internal(error)),
            Err(error) => refusal(reference, &error),
        });
    }
    Ok(outcomes)
}
