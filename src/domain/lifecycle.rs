//! The lifecycle of incidents and service requests (SPEC section 3), as a transition table.
//!
//! ```text
//! new ──assign──▶ assigned ──pend──▶ pending ──resume──▶ assigned
//!  │                 │                                      │
//!  └──────────resolve┴──────────────resolve─────────────────┘──▶ resolved ──close──▶ closed
//!                                         resolved ──reopen──▶ assigned (same agent)
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TicketStatus)]
pub enum Status {
    /// Filed, nobody on it yet.
    New,
    /// A team and an agent own it.
    Assigned,
    /// Waiting for something (the clock stops).
    Pending,
    /// A solution was given; the requester validates or reopens.
    Resolved,
    /// Over.
    Closed,
}

/// What can be done to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TicketAction)]
pub enum Action {
    /// Give it to a team and an agent (also: reassign).
    Assign,
    /// Put it on hold, with a reason.
    Pend,
    /// Take it off hold.
    Resume,
    /// Give the solution.
    Resolve,
    /// Validate the solution (or the system, after N days without answer).
    Close,
    /// Refuse the solution, with a comment.
    Reopen,
}

/// Which side of the ticket the actor stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TicketSide)]
pub enum Side {
    /// The requester, or a contact of the requester's organisation.
    Requester,
    /// An agent of the delivering team, or a coordinator.
    Provider,
    /// The platform itself (auto-close).
    System,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Assigned,
        Status::Pending,
        Status::Resolved,
        Status::Closed,
    ];

    /// Whether the ticket still needs work (for the open-ticket caps and lists).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 6] = [
        Action::Assign,
        Action::Pend,
        Action::Resume,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
    ];

    /// The name used in URLs and history.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::Pend => "pend",
            Action::Resume => "resume",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }

    /// Parses a name from a URL.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// The status after `action` by `side` on a ticket in `status`, or `None` if not allowed.
pub fn next(status: Status, action: Action, side: Side) -> Option<Status> {
    use {Action::*, Side::*, Status::*};
    match (status, action, side) {
        (New | Assigned, Assign, Provider) => Some(Assigned),
        (Assigned, Pend, Provider) => Some(Pending),
        (Pending, Resume, Provider) => Some(Assigned),
        (New | Assigned | Pending, Resolve, Provider) => Some(Resolved),
        (Resolved, Close, Requester | System) => Some(Closed),
        (Resolved, Reopen, Requester) => Some(Assigned),
        _ => None,
    }
}

/// The actions `side` may take on a ticket in `status`, for the 409's `allowed` and the
/// buttons a page shows.
pub fn allowed(status: Status, side: Side) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next(status, *a, side).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Action::*, Side::*, Status::*, *};

    /// Every state × action × side, as the spec's diagram reads: the transitions that exist,
    /// and nothing else.
    #[test]
    fn the_transition_table_is_the_specs_and_nothing_more() {
        let allowed_moves = [
            (New, Assign, Provider, Assigned),
            (Assigned, Assign, Provider, Assigned),
            (Assigned, Pend, Provider, Pending),
            (Pending, Resume, Provider, Assigned),
            (New, Resolve, Provider, Resolved),
            (Assigned, Resolve, Provider, Resolved),
            (Pending, Resolve, Provider, Resolved),
            (Resolved, Close, Requester, Closed),
            (Resolved, Close, System, Closed),
            (Resolved, Reopen, Requester, Assigned),
        ];
        for status in Status::ALL {
            for action in Action::ALL {
                for side in [Requester, Provider, System] {
                    let expected = allowed_moves
                        .iter()
                        .find(|(s, a, d, _)| *s == status && *a == action && *d == side)
                        .map(|(_, _, _, to)| *to);
                    assert_eq!(
                        next(status, action, side),
                        expected,
                        "{status:?} {action:?} {side:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn allowed_actions_are_listed_for_each_side() {
        assert_eq!(allowed(New, Provider), [Assign, Resolve]);
        assert_eq!(allowed(Assigned, Provider), [Assign, Pend, Resolve]);
        assert_eq!(allowed(Resolved, Requester), [Close, Reopen]);
        assert!(allowed(Closed, Provider).is_empty());
        assert!(allowed(New, Requester).is_empty());
    }

    #[test]
    fn names_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert!(!Resolved.is_open() && Pending.is_open());
    }
}
