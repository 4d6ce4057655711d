//! Who a ticket may be assigned to: an agent of a team that delivers the ticket's offer.
//!
//! A team delivers an offer when it is the default team of one of the offer's subcategories
//! (the same relation that gives its agents the offer's tickets to read). Assigning a ticket to
//! a team that does not deliver its offer would hand it to people who cannot see it.

/// Why an assignment is refused: the field to blame and the catalogue key of the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The input field at fault.
    pub field: &'static str,
    /// The reason, as a catalogue key.
    pub reason: &'static str,
}

/// Whether `agent` in `team` may take a ticket of `offer`: `delivered` lists the offers the
/// team delivers, `members` the team's `(team, account)` memberships. The team is checked
/// first: an agent of the wrong team is the team's fault.
pub fn check(
    offer: i64,
    team: i64,
    agent: i64,
    delivered: &[i64],
    members: &[(i64, i64)],
) -> Result<(), Refusal> {
    if !delivered.contains(&offer) {
        return Err(Refusal {
            field: "team",
            reason: "ticket-team-not-delivering",
        });
    }
    if !members.contains(&(team, agent)) {
        return Err(Refusal {
            field: "agent",
            reason: "ticket-agent-not-member",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Refusal, check};

    #[test]
    fn the_team_must_deliver_the_offer_and_the_agent_belong_to_it() {
        let team_refused = Err(Refusal {
            field: "team",
            reason: "ticket-team-not-delivering",
        });
        let agent_refused = Err(Refusal {
            field: "agent",
            reason: "ticket-agent-not-member",
        });
        // (offer, team, agent, offers the team delivers, memberships) → outcome
        let cases = [
            (1, 10, 100, vec![1, 2], vec![(10, 100)], Ok(())),
            (3, 10, 100, vec![1, 2], vec![(10, 100)], team_refused),
            (1, 10, 100, vec![], vec![(10, 100)], team_refused),
            (1, 10, 101, vec![1], vec![(10, 100)], agent_refused),
            (1, 10, 100, vec![1], vec![(11, 100)], agent_refused),
            (3, 10, 101, vec![1], vec![], team_refused),
        ];
        for (offer, team, agent, delivered, members, outcome) in cases {
            assert_eq!(
                check(offer, team, agent, &delivered, &members),
                outcome,
                "offer {offer}, team {team}, agent {agent}"
            );
        }
    }
}
