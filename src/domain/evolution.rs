//! The life of an evolution request (SPEC section 7), as a transition table.
//!
//! ```text
//! submitted ─review─▶ under_review ⇄ needs_info          (request_info / provide_info)
//!                         │ qualify
//!                         ▼
//!                     qualified ─propose─▶ proposed ─approve─▶ approved ─plan─▶ planned
//!                         ▲                   │ send_back / amend_out (→ deferred)
//!                         └───────────────────┘
//! planned ─start_development─▶ in_development ─deliver─▶ delivered ─close─▶ closed (committee)
//! side exits before the proposal: defer (→ deferred), reject (→ rejected), mark_duplicate
//! (→ duplicate); a deferred request can be reviewed again.
//! ```

use entity::evolution::EvolutionState as Stored;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an evolution request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EvolutionState)]
pub enum State {
    /// Filed, not yet looked at.
    Submitted,
    /// The project committee is studying it.
    UnderReview,
    /// Waiting for the requester's answer.
    NeedsInfo,
    /// Assessed and scored: may enter a release proposal.
    Qualified,
    /// In a release proposal before the steering committee.
    Proposed,
    /// Approved by the steering committee.
    Approved,
    /// In the approved release's plan.
    Planned,
    /// Being built.
    InDevelopment,
    /// Shipped in a release.
    Delivered,
    /// Over.
    Closed,
    /// Put off, with a reason.
    Deferred,
    /// Refused, with a reason.
    Rejected,
    /// The same as another request, which inherits its supporters.
    Duplicate,
}

/// What can happen to an evolution request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EvolutionAction)]
pub enum Action {
    /// Start (or resume, after a deferral) the committee's study.
    Review,
    /// Ask the requester for more.
    RequestInfo,
    /// The requester answers.
    ProvideInfo,
    /// Assessed: ready for a release.
    Qualify,
    /// Put off (reason required).
    Defer,
    /// Refuse (reason required).
    Reject,
    /// Merge into another request (`of` required).
    MarkDuplicate,
    /// Enter a release proposal.
    Propose,
    /// The proposal went back to the committee.
    SendBack,
    /// The steering committee removed it from the proposal.
    AmendOut,
    /// The steering committee approved the list.
    Approve,
    /// The approved release plans it.
    Plan,
    /// Its release is being built.
    StartDevelopment,
    /// Its release shipped.
    Deliver,
    /// Over: the committee closes a delivered request once its delivery is confirmed.
    Close,
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EvolutionSide)]
pub enum Side {
    /// The requesting establishment's contacts.
    Requester,
    /// The project committee.
    Committee,
    /// The platform, following a release's steps and the steering decision.
    System,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not from this state (409): what the side may do instead.
    NotNow(Vec<Action>),
    /// Never this side's to take (403).
    NotYours,
}

use Action as A;
use State as S;

/// The table: (from, action, side allowed, to).
const TRANSITIONS: &[(State, Action, Side, State)] = &[
    (S::Submitted, A::Review, Side::Committee, S::UnderReview),
    (S::Deferred, A::Review, Side::Committee, S::UnderReview),
    (
        S::UnderReview,
        A::RequestInfo,
        Side::Committee,
        S::NeedsInfo,
    ),
    (
        S::NeedsInfo,
        A::ProvideInfo,
        Side::Requester,
        S::UnderReview,
    ),
    (S::UnderReview, A::Qualify, Side::Committee, S::Qualified),
    (S::Submitted, A::Defer, Side::Committee, S::Deferred),
    (S::UnderReview, A::Defer, Side::Committee, S::Deferred),
    (S::NeedsInfo, A::Defer, Side::Committee, S::Deferred),
    (S::Qualified, A::Defer, Side::Committee, S::Deferred),
    (S::Submitted, A::Reject, Side::Committee, S::Rejected),
    (S::UnderReview, A::Reject, Side::Committee, S::Rejected),
    (S::NeedsInfo, A::Reject, Side::Committee, S::Rejected),
    (S::Qualified, A::Reject, Side::Committee, S::Rejected),
    (
        S::Submitted,
        A::MarkDuplicate,
        Side::Committee,
        S::Duplicate,
    ),
    (
        S::UnderReview,
        A::MarkDuplicate,
        Side::Committee,
        S::Duplicate,
    ),
    (
        S::NeedsInfo,
        A::MarkDuplicate,
        Side::Committee,
        S::Duplicate,
    ),
    (
        S::Qualified,
        A::MarkDuplicate,
        Side::Committee,
        S::Duplicate,
    ),
    (S::Qualified, A::Propose, Side::System, S::Proposed),
    (S::Proposed, A::SendBack, Side::System, S::Qualified),
    (S::Proposed, A::AmendOut, Side::System, S::Deferred),
    (S::Proposed, A::Approve, Side::System, S::Approved),
    (S::Approved, A::Plan, Side::System, S::Planned),
    (
        S::Planned,
        A::StartDevelopment,
        Side::System,
        S::InDevelopment,
    ),
    (S::InDevelopment, A::Deliver, Side::System, S::Delivered),
    (S::Delivered, A::Close, Side::Committee, S::Closed),
];

impl State {
    /// Every state.
    pub const ALL: [State; 13] = [
        S::Submitted,
        S::UnderReview,
        S::NeedsInfo,
        S::Qualified,
        S::Proposed,
        S::Approved,
        S::Planned,
        S::InDevelopment,
        S::Delivered,
        S::Closed,
        S::Deferred,
        S::Rejected,
        S::Duplicate,
    ];

    /// The state's word, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            S::Submitted => "submitted",
            S::UnderReview => "under_review",
            S::NeedsInfo => "needs_info",
            S::Qualified => "qualified",
            S::Proposed => "proposed",
            S::Approved => "approved",
            S::Planned => "planned",
            S::InDevelopment => "in_development",
            S::Delivered => "delivered",
            S::Closed => "closed",
            S::Deferred => "deferred",
            S::Rejected => "rejected",
            S::Duplicate => "duplicate",
        }
    }

    /// Whether supporting it still means something (it is not over or merged).
    pub fn is_open(self) -> bool {
        !matches!(self, S::Delivered | S::Closed | S::Rejected | S::Duplicate)
    }
}

/// The state as stored (`evolution.state`, the history's states): one word per state, decoded
/// by the database layer, which refuses a word no state has.
impl From<Stored> for State {
    fn from(stored: Stored) -> State {
        match stored {
            Stored::Submitted => S::Submitted,
            Stored::UnderReview => S::UnderReview,
            Stored::NeedsInfo => S::NeedsInfo,
            Stored::Qualified => S::Qualified,
            Stored::Proposed => S::Proposed,
            Stored::Approved => S::Approved,
            Stored::Planned => S::Planned,
            Stored::InDevelopment => S::InDevelopment,
            Stored::Delivered => S::Delivered,
            Stored::Closed => S::Closed,
            Stored::Deferred => S::Deferred,
            Stored::Rejected => S::Rejected,
            Stored::Duplicate => S::Duplicate,
        }
    }
}

impl From<State> for Stored {
    fn from(state: State) -> Stored {
        match state {
            S::Submitted => Stored::Submitted,
            S::UnderReview => Stored::UnderReview,
            S::NeedsInfo => Stored::NeedsInfo,
            S::Qualified => Stored::Qualified,
            S::Proposed => Stored::Proposed,
            S::Approved => Stored::Approved,
            S::Planned => Stored::Planned,
            S::InDevelopment => Stored::InDevelopment,
            S::Delivered => Stored::Delivered,
            S::Closed => Stored::Closed,
            S::Deferred => Stored::Deferred,
            S::Rejected => Stored::Rejected,
            S::Duplicate => Stored::Duplicate,
        }
    }
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 15] = [
        A::Review,
        A::RequestInfo,
        A::ProvideInfo,
        A::Qualify,
        A::Defer,
        A::Reject,
        A::MarkDuplicate,
        A::Propose,
        A::SendBack,
        A::AmendOut,
        A::Approve,
        A::Plan,
        A::StartDevelopment,
        A::Deliver,
        A::Close,
    ];

    /// The action's word, as in the API's path.
    pub fn as_str(self) -> &'static str {
        match self {
            A::Review => "review",
            A::RequestInfo => "request_info",
            A::ProvideInfo => "provide_info",
            A::Qualify => "qualify",
            A::Defer => "defer",
            A::Reject => "reject",
            A::MarkDuplicate => "mark_duplicate",
            A::Propose => "propose",
            A::SendBack => "send_back",
            A::AmendOut => "amend_out",
            A::Approve => "approve",
            A::Plan => "plan",
            A::StartDevelopment => "start_development",
            A::Deliver => "deliver",
            A::Close => "close",
        }
    }

    /// The action a word names.
    pub fn parse(word: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == word)
    }

    /// Whether the action needs a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, A::Defer | A::Reject)
    }
}

/// The state after `action` by `side` from `state`, or why not.
pub fn apply(state: State, action: Action, side: Side) -> Result<State, Refusal> {
    if !TRANSITIONS
        .iter()
        .any(|(_, a, s, _)| *a == action && *s == side)
    {
        return Err(Refusal::NotYours);
    }
    TRANSITIONS
        .iter()
        .find(|(from, a, s, _)| *from == state && *a == action && *s == side)
        .map(|(_, _, _, to)| *to)
        .ok_or_else(|| Refusal::NotNow(allowed(state, side)))
}

/// What `side` may do from `state`.
pub fn allowed(state: State, side: Side) -> Vec<Action> {
    TRANSITIONS
        .iter()
        .filter(|(from, _, s, _)| *from == state && *s == side)
        .map(|(_, a, _, _)| *a)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// Every (state, action, side) that succeeds, as the spec draws it; everything else fails.
    #[test]
    fn the_whole_grid_matches_the_table() {
        let expected: &[(State, Action, Side, State)] = &[
            (S::Submitted, A::Review, Side::Committee, S::UnderReview),
            (S::Deferred, A::Review, Side::Committee, S::UnderReview),
            (
                S::UnderReview,
                A::RequestInfo,
                Side::Committee,
                S::NeedsInfo,
            ),
            (
                S::NeedsInfo,
                A::ProvideInfo,
                Side::Requester,
                S::UnderReview,
            ),
            (S::UnderReview, A::Qualify, Side::Committee, S::Qualified),
            (S::Qualified, A::Propose, Side::System, S::Proposed),
            (S::Proposed, A::SendBack, Side::System, S::Qualified),
            (S::Proposed, A::AmendOut, Side::System, S::Deferred),
            (S::Proposed, A::Approve, Side::System, S::Approved),
            (S::Approved, A::Plan, Side::System, S::Planned),
            (
                S::Planned,
                A::StartDevelopment,
                Side::System,
                S::InDevelopment,
            ),
            (S::InDevelopment, A::Deliver, Side::System, S::Delivered),
            (S::Delivered, A::Close, Side::Committee, S::Closed),
        ];
        let exits = [
            (A::Defer, S::Deferred),
            (A::Reject, S::Rejected),
            (A::MarkDuplicate, S::Duplicate),
        ];
        let early = [S::Submitted, S::UnderReview, S::NeedsInfo, S::Qualified];
        let mut successes = 0;
        for state in State::ALL {
            for action in Action::ALL {
                for side in [Side::Requester, Side::Committee, Side::System] {
                    let want = expected
                        .iter()
                        .find(|(f, a, s, _)| *f == state && *a == action && *s == side)
                        .map(|(_, _, _, to)| *to)
                        .or_else(|| {
                            exits
                                .iter()
                                .find(|(a, _)| {
                                    *a == action
                                        && side == Side::Committee
                                        && early.contains(&state)
                                })
                                .map(|(_, to)| *to)
                        });
                    let got = apply(state, action, side).ok();
                    assert_eq!(got, want, "{state:?} {action:?} by {side:?}");
                    successes += usize::from(got.is_some());
                }
            }
        }
        assert_eq!(successes, TRANSITIONS.len());
    }

    #[test]
    fn refusals_say_whether_to_wait_or_that_it_is_not_yours() {
        assert_eq!(
            apply(S::Submitted, A::Qualify, Side::Committee),
            Err(Refusal::NotNow(vec![
                A::Review,
                A::Defer,
                A::Reject,
                A::MarkDuplicate
            ]))
        );
        assert_eq!(
            apply(S::Submitted, A::Review, Side::Requester),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            apply(S::NeedsInfo, A::ProvideInfo, Side::Committee),
            Err(Refusal::NotYours)
        );
    }

    #[test]
    fn words_round_trip_and_reasons_are_asked_where_due() {
        for state in State::ALL {
            assert_eq!(State::from(Stored::from(state)), state);
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert!(A::Reject.needs_reason() && A::Defer.needs_reason());
        assert!(!A::Qualify.needs_reason());
        assert!(S::Qualified.is_open() && !S::Duplicate.is_open() && !S::Delivered.is_open());
    }
}
