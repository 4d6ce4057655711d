//! The steering committee's ballots on a release proposal and the decision they make
//! (SPEC section 7): taken when the quorum is reached and one side holds a majority.

use entity::{steering_ballot::BallotVote, steering_decision::DecisionOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    /// Approve the list as proposed.
    Approve,
    /// Approve without some items.
    ApproveWithAmendments,
    /// Send it back to the project committee.
    Against,
}

/// The vote as stored (`steering_ballot.vote`).
impl From<BallotVote> for Vote {
    fn from(stored: BallotVote) -> Vote {
        match stored {
            BallotVote::Approve => Vote::Approve,
            BallotVote::ApproveWithAmendments => Vote::ApproveWithAmendments,
            BallotVote::Against => Vote::Against,
        }
    }
}

impl From<Vote> for BallotVote {
    fn from(vote: Vote) -> BallotVote {
        match vote {
            Vote::Approve => BallotVote::Approve,
            Vote::ApproveWithAmendments => BallotVote::ApproveWithAmendments,
            Vote::Against => BallotVote::Against,
        }
    }
}

/// A ballot as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The voter's account.
    pub voter: i64,
    /// Their vote.
    pub vote: Vote,
    /// With amendments: the references removed.
    pub removed: Vec<String>,
}

/// How many ballots make a decision, and what majority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SteeringRules)]
pub struct Rules {
    /// Ballots needed before anything is decided.
    pub quorum: u32,
    /// Percentage of the ballots cast one side must exceed (50: a simple majority).
    pub majority_percent: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            quorum: 2,
            majority_percent: 50,
        }
    }
}

/// The count so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tally {
    /// Approve as is.
    pub approve: u32,
    /// Approve with amendments.
    pub amend: u32,
    /// Against.
    pub against: u32,
    /// Ballots cast.
    pub cast: u32,
}

/// What the steering committee decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The list as proposed.
    Approved,
    /// The list without these items.
    ApprovedWithAmendments {
        /// References removed.
        removed: Vec<String>,
    },
    /// Back to the project committee.
    SentBack,
}

/// The outcome as stored (`steering_decision.outcome`; the amendments are in its lists).
impl From<&Outcome> for DecisionOutcome {
    fn from(outcome: &Outcome) -> DecisionOutcome {
        match outcome {
            Outcome::Approved => DecisionOutcome::Approved,
            Outcome::ApprovedWithAmendments { .. } => DecisionOutcome::ApprovedWithAmendments,
            Outcome::SentBack => DecisionOutcome::SentBack,
        }
    }
}

/// Counts the ballots.
pub fn tally(ballots: &[Ballot]) -> Tally {
    let count = |v: Vote| ballots.iter().filter(|b| b.vote == v).count() as u32;
    Tally {
        approve: count(Vote::Approve),
        amend: count(Vote::ApproveWithAmendments),
        against: count(Vote::Against),
        cast: ballots.len() as u32,
    }
}

/// The decision the ballots make, if they make one yet. "For" is approve plus approve with
/// amendments. When "for" holds the majority, an item is removed when at least half of the
/// "for" ballots remove it: one amender beside one approver cuts it, a lone amender among two
/// approvers does not.
pub fn decide(ballots: &[Ballot], rules: Rules) -> Option<Outcome> {
    let t = tally(ballots);
    if t.cast == 0 || t.cast < rules.quorum {
        return None;
    }
    let beats = |n: u32| u64::from(n) * 100 > u64::from(t.cast) * u64::from(rules.majority_percent);
    let favour = t.approve + t.amend;
    if beats(favour) {
        let mut removed: Vec<String> = Vec::new();
        for ballot in ballots
            .iter()
            .filter(|b| b.vote == Vote::ApproveWithAmendments)
        {
            for item in &ballot.removed {
                let removers = ballots
                    .iter()
                    .filter(|b| b.vote == Vote::ApproveWithAmendments && b.removed.contains(item))
                    .count() as u32;
                if removers * 2 >= favour && !removed.contains(item) {
                    removed.push(item.clone());
                }
            }
        }
        return Some(if removed.is_empty() {
            Outcome::Approved
        } else {
            Outcome::ApprovedWithAmendments { removed }
        });
    }
    beats(t.against).then_some(Outcome::SentBack)
}

/// Why a ballot does not fit the proposal: the field, the catalogue message and its arguments.
pub type BallotProblem = (&'static str, &'static str, Vec<(&'static str, String)>);

/// A ballot, checked against the proposal.
pub fn validate_ballot(ballot: &Ballot, proposal: &[String]) -> Result<(), BallotProblem> {
    match ballot.vote {
        Vote::ApproveWithAmendments if ballot.removed.is_empty() => {
            Err(("removed", "steering-amend-removes-one", vec![]))
        }
        Vote::ApproveWithAmendments => {
            match ballot.removed.iter().find(|r| !proposal.contains(r)) {
                Some(stranger) => Err((
                    "removed",
                    "steering-not-in-proposal",
                    vec![("reference", stranger.clone())],
                )),
                None => Ok(()),
            }
        }
        _ if !ballot.removed.is_empty() => Err(("removed", "steering-only-amend-removes", vec![])),
        _ => Ok(()),
    }
}

/// The list as proposed against the list as approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Diff {
    /// In the proposal, not approved.
    pub removed: Vec<String>,
    /// Approved.
    pub kept: Vec<String>,
}

/// Compares the proposed list with the approved one.
pub fn diff(proposed: &[String], approved: &[String]) -> Diff {
    Diff {
        removed: proposed
            .iter()
            .filter(|p| !approved.contains(p))
            .cloned()
            .collect(),
        kept: proposed
            .iter()
            .filter(|p| approved.contains(p))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn ballot(voter: i64, vote: Vote, removed: &[&str]) -> Ballot {
        Ballot {
            voter,
            vote,
            removed: removed.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn decisions_follow_quorum_and_majority() {
        use Vote::*;
        let rules = Rules::default();
        let amended = |items: &[&str]| Outcome::ApprovedWithAmendments {
            removed: items.iter().map(|s| (*s).to_owned()).collect(),
        };
        let cases: Vec<(Vec<Ballot>, Option<Outcome>)> = vec![
            (vec![], None),
            (vec![ballot(1, Approve, &[])], None),
            (
                vec![ballot(1, Approve, &[]), ballot(2, Approve, &[])],
                Some(Outcome::Approved),
            ),
            (
                vec![
                    ballot(1, Approve, &[]),
                    ballot(2, ApproveWithAmendments, &["E-3"]),
                ],
                Some(amended(&["E-3"])),
            ),
            (
                vec![
                    ballot(1, Approve, &[]),
                    ballot(2, Approve, &[]),
                    ballot(3, ApproveWithAmendments, &["E-3"]),
                ],
                Some(Outcome::Approved),
            ),
            (
                vec![
                    ballot(1, ApproveWithAmendments, &["E-3", "E-4"]),
                    ballot(2, ApproveWithAmendments, &["E-4"]),
                    ballot(3, Approve, &[]),
                ],
                Some(amended(&["E-4"])),
            ),
            (
                vec![ballot(1, Against, &[]), ballot(2, Against, &[])],
                Some(Outcome::SentBack),
            ),
            (vec![ballot(1, Approve, &[]), ballot(2, Against, &[])], None),
            (
                vec![
                    ballot(1, Approve, &[]),
                    ballot(2, Against, &[]),
                    ballot(3, Against, &[]),
                ],
                Some(Outcome::SentBack),
            ),
        ];
        for (ballots, expected) in cases {
            assert_eq!(decide(&ballots, rules), expected, "{ballots:?}");
        }
        let strict = Rules {
            quorum: 3,
            majority_percent: 66,
        };
        let two = [ballot(1, Approve, &[]), ballot(2, Approve, &[])];
        assert_eq!(decide(&two, strict), None, "quorum of three");
        let mixed = [
            ballot(1, Approve, &[]),
            ballot(2, Approve, &[]),
            ballot(3, Against, &[]),
        ];
        assert_eq!(
            decide(&mixed, strict),
            Some(Outcome::Approved),
            "2/3 > 66 %"
        );
    }

    #[test]
    fn the_tally_counts_each_vote() {
        let t = tally(&[
            ballot(1, Vote::Approve, &[]),
            ballot(2, Vote::ApproveWithAmendments, &["E-1"]),
            ballot(3, Vote::Against, &[]),
            ballot(4, Vote::Against, &[]),
        ]);
        assert_eq!((t.approve, t.amend, t.against, t.cast), (1, 1, 2, 4));
    }

    #[test]
    fn ballots_are_checked_against_the_proposal() {
        let proposal = vec!["E-1".to_owned(), "E-2".to_owned()];
        assert!(validate_ballot(&ballot(1, Vote::Approve, &[]), &proposal).is_ok());
        assert!(
            validate_ballot(&ballot(1, Vote::ApproveWithAmendments, &["E-2"]), &proposal).is_ok()
        );
        assert_eq!(
            validate_ballot(&ballot(1, Vote::ApproveWithAmendments, &[]), &proposal)
                .map_err(|e| e.0),
            Err("removed")
        );
        assert!(
            validate_ballot(&ballot(1, Vote::ApproveWithAmendments, &["E-9"]), &proposal).is_err()
        );
        assert!(validate_ballot(&ballot(1, Vote::Against, &["E-1"]), &proposal).is_err());
    }

    #[test]
    fn the_difference_between_lists() {
        let proposed = ["E-1", "E-2", "E-3"].map(str::to_owned);
        let approved = ["E-1", "E-3"].map(str::to_owned);
        assert_eq!(
            diff(&proposed, &approved),
            Diff {
                removed: vec!["E-2".to_owned()],
                kept: vec!["E-1".to_owned(), "E-3".to_owned()]
            }
        );
        assert_eq!(
            Vote::from(BallotVote::from(Vote::ApproveWithAmendments)),
            Vote::ApproveWithAmendments
        );
    }
}
