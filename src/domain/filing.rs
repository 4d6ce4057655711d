//! The filing rule of SPEC section 2: a contact may file on an offer only while their
//! organisation (or an ancestor) holds a convention in force covering it, and under its cap.

use chrono::NaiveDate;
use serde::Serialize;

use super::catalogue::{ConventionKind, ConventionStatus, SubcategoryStatus, in_force};

/// What the rule needs to know of one convention covering the offer for the contact's
/// organisation or one of its ancestors.
#[derive(Debug, Clone)]
pub struct ConventionFacts {
    /// Convention id.
    pub id: i64,
    /// Title, to name it in a refusal.
    pub title: String,
    /// Kind: only `usage` conventions let clients file.
    pub kind: ConventionKind,
    /// Stored status.
    pub status: ConventionStatus,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Most open tickets, if capped.
    pub open_ticket_cap: Option<i32>,
    /// Tickets open under it now.
    pub open_tickets: u64,
}

/// Why filing is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// The subcategory or its offer is not open for requests.
    NotOffered,
    /// No convention in force covers this offer for the organisation today.
    NoConvention {
        /// Titles of conventions that exist but are not in force (expired, draft, not started).
        not_in_force: Vec<String>,
    },
    /// Every convention in force has reached its cap of open tickets.
    CapReached {
        /// The convention.
        title: String,
        /// Its cap.
        cap: i32,
    },
}

impl Refusal {
    /// The catalogue message that tells it (`catalogue-filing-…`) and its arguments.
    pub fn reason(&self, offer: &str) -> (&'static str, Vec<(&'static str, String)>) {
        let offer = ("offer", offer.to_owned());
        match self {
            Refusal::NotOffered => ("catalogue-filing-not-offered", vec![offer]),
            Refusal::NoConvention { not_in_force } if not_in_force.is_empty() => {
                ("catalogue-filing-no-convention", vec![offer])
            }
            Refusal::NoConvention { not_in_force } => (
                "catalogue-filing-none-in-force",
                vec![offer, ("titles", not_in_force.join(", "))],
            ),
            Refusal::CapReached { title, cap } => (
                "catalogue-filing-cap-reached",
                vec![("title", title.clone()), ("cap", cap.to_string())],
            ),
        }
    }
}

/// Decides: the convention the ticket will be filed under, or why not.
pub fn decide(
    subcategory: SubcategoryStatus,
    offer_open: bool,
    conventions: &[ConventionFacts],
    today: NaiveDate,
) -> Result<i64, Refusal> {
    if subcategory != SubcategoryStatus::Active || !offer_open {
        return Err(Refusal::NotOffered);
    }
    let usable: Vec<&ConventionFacts> = conventions
        .iter()
        .filter(|c| c.kind == ConventionKind::Usage)
        .collect();
    let in_force: Vec<&ConventionFacts> = usable
        .iter()
        .copied()
        .filter(|c| in_force(c.status, c.start_date, c.end_date, today))
        .collect();
    if in_force.is_empty() {
        return Err(Refusal::NoConvention {
            not_in_force: usable.iter().map(|c| c.title.clone()).collect(),
        });
    }
    if let Some(open) = in_force.iter().find(|c| {
        c.open_ticket_cap
            .is_none_or(|cap| c.open_tickets < u64::try_from(cap).unwrap_or(0))
    }) {
        return Ok(open.id);
    }
    let full = in_force[0];
    Err(Refusal::CapReached {
        title: full.title.clone(),
        cap: full.open_ticket_cap.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn convention(
        id: i64,
        status: ConventionStatus,
        end: u32,
        cap: Option<i32>,
        open: u64,
    ) -> ConventionFacts {
        ConventionFacts {
            id,
            title: format!("CGU {id}"),
            kind: ConventionKind::Usage,
            status,
            start_date: day(1),
            end_date: day(end),
            open_ticket_cap: cap,
            open_tickets: open,
        }
    }

    #[test]
    fn each_answer_of_the_filing_rule() {
        use ConventionStatus::*;
        let active = SubcategoryStatus::Active;
        let today = day(24);
        assert_eq!(
            decide(
                active,
                true,
                &[convention(1, Production, 30, None, 0)],
                today
            ),
            Ok(1)
        );
        assert_eq!(
            decide(
                SubcategoryStatus::Inactive,
                true,
                &[convention(1, Production, 30, None, 0)],
                today
            ),
            Err(Refusal::NotOffered)
        );
        assert_eq!(decide(active, false, &[], today), Err(Refusal::NotOffered));
        assert_eq!(
            decide(active, true, &[], today),
            Err(Refusal::NoConvention {
                not_in_force: vec![]
            })
        );
        assert_eq!(
            decide(
                active,
                true,
                &[convention(2, Production, 20, None, 0)],
                today
            ),
            Err(Refusal::NoConvention {
                not_in_force: vec!["CGU 2".to_owned()]
            })
        );
        assert_eq!(
            decide(active, true, &[convention(3, Draft, 30, None, 0)], today),
            Err(Refusal::NoConvention {
                not_in_force: vec!["CGU 3".to_owned()]
            })
        );
        assert_eq!(
            decide(
                active,
                true,
                &[convention(4, Production, 30, Some(2), 2)],
                today
            ),
            Err(Refusal::CapReached {
                title: "CGU 4".to_owned(),
                cap: 2
            })
        );
        assert_eq!(
            decide(
                active,
                true,
                &[
                    convention(4, Production, 30, Some(2), 2),
                    convention(5, Production, 30, Some(3), 1)
                ],
                today
            ),
            Ok(5)
        );
        let mut provider = convention(6, Production, 30, None, 0);
        provider.kind = ConventionKind::Provider;
        assert_eq!(
            decide(active, true, &[provider], today),
            Err(Refusal::NoConvention {
                not_in_force: vec![]
            })
        );
    }
}
