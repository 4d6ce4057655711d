//! Impact, urgency and the priority matrix of SPEC section 3.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sla::Priority;

/// How widely a problem reaches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// One person.
    Person,
    /// A service of an establishment.
    Service,
    /// A whole establishment.
    Establishment,
    /// Several establishments.
    SeveralEstablishments,
}

/// How soon it must be dealt with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Impact {
    /// Every impact, narrowest first.
    pub const ALL: [Impact; 4] = [
        Impact::Person,
        Impact::Service,
        Impact::Establishment,
        Impact::SeveralEstablishments,
    ];

    fn row(self) -> usize {
        self as usize
    }
}

impl Urgency {
    /// Every urgency, lowest first.
    pub const ALL: [Urgency; 4] = [
        Urgency::Low,
        Urgency::Medium,
        Urgency::High,
        Urgency::Critical,
    ];

    fn column(self) -> usize {
        self as usize
    }
}

/// The table that gives a priority to each impact and urgency; an administrator may change it,
/// and a change applies to tickets created after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"cells": [["low", "low", "medium", "high"], ["low", "medium", "medium", "high"], ["low", "medium", "high", "critical"], ["medium", "high", "critical", "critical"]]}))]
pub struct Matrix {
    /// Rows by impact (person, service, establishment, several establishments), columns by
    /// urgency (low, medium, high, critical).
    pub cells: [[Priority; 4]; 4],
}

impl Default for Matrix {
    /// The spec's matrix.
    fn default() -> Self {
        use Priority::{Critical as C, High as H, Low as L, Medium as M};
        Matrix {
            cells: [
                // low, medium, high, critical
                [L, L, M, H], // person
                [L, M, M, H], // service
                [L, M, H, C], // establishment
                [M, H, C, C], // several establishments
            ],
        }
    }
}

impl Matrix {
    /// The priority of a ticket with this impact and urgency.
    pub fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        self.cells[impact.row()][urgency.column()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_matrix_is_the_specs_for_all_sixteen_pairs() {
        use Impact::*;
        use Priority as P;
        // Written as the spec's table reads: rows impact, columns critical / high / medium / low.
        let spec = [
            (
                SeveralEstablishments,
                [P::Critical, P::Critical, P::High, P::Medium],
            ),
            (Establishment, [P::Critical, P::High, P::Medium, P::Low]),
            (Service, [P::High, P::Medium, P::Medium, P::Low]),
            (Person, [P::High, P::Medium, P::Low, P::Low]),
        ];
        let columns = [
            Urgency::Critical,
            Urgency::High,
            Urgency::Medium,
            Urgency::Low,
        ];
        let matrix = Matrix::default();
        for (impact, row) in spec {
            for (urgency, expected) in columns.iter().zip(row) {
                assert_eq!(
                    matrix.priority(impact, *urgency),
                    expected,
                    "{impact:?} × {urgency:?}"
                );
            }
        }
    }
}
