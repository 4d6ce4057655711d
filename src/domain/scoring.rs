//! The qualification score of an evolution request (SPEC section 7): the committee members'
//! assessments against the offer's weighted criteria, consolidated into one number with its
//! breakdown.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The weight of each criterion, per offer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": 3.0, "clarity": 1.0, "complexity": 1.0, "regulatory": 2.0, "support": 2.0}))]
pub struct Weights {
    /// Value for the users.
    pub value: f64,
    /// Clarity of the request.
    pub clarity: f64,
    /// Complexity (a cost: more days, fewer points).
    pub complexity: f64,
    /// Regulatory obligation.
    pub regulatory: f64,
    /// Supporting establishments ("mutualisable" requests rank higher).
    pub support: f64,
}

impl Default for Weights {
    /// Value first; a legal obligation and shared demand next; clarity and cost as tie-breakers.
    fn default() -> Self {
        Weights {
            value: 3.0,
            clarity: 1.0,
            complexity: 1.0,
            regulatory: 2.0,
            support: 2.0,
        }
    }
}

impl Weights {
    /// The weights, checked: each 0 to 10, not all zero.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        for (field, w) in self.named() {
            if !(0.0..=10.0).contains(&w) || w.is_nan() {
                return Err((field, "evo-weight-range"));
            }
        }
        if self.named().iter().all(|(_, w)| *w == 0.0) {
            return Err(("value", "evo-weight-one-above-zero"));
        }
        Ok(())
    }

    fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("value", self.value),
            ("clarity", self.clarity),
            ("complexity", self.complexity),
            ("regulatory", self.regulatory),
            ("support", self.support),
        ]
    }
}

/// One member's assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// 0 to 5.
    pub value: u8,
    /// 0 to 5.
    pub clarity: u8,
    /// Estimated effort, in person-days.
    pub complexity_days: u32,
    /// Whether a regulation requires it.
    pub regulatory: bool,
}

impl Assessment {
    /// The assessment, checked: (field, reason) of the first problem.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.value > 5 {
            return Err(("value", "evo-points-range"));
        }
        if self.clarity > 5 {
            return Err(("clarity", "evo-points-range"));
        }
        if self.complexity_days > 1000 {
            return Err(("complexity_days", "evo-days-max"));
        }
        Ok(())
    }
}

/// One criterion's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ScoreComponent)]
pub struct Component {
    /// Criterion.
    pub criterion: String,
    /// The mean raw figure (points, days, share of "yes", establishments).
    pub raw: f64,
    /// Brought to 0..=1.
    pub normalised: f64,
    /// Its weight.
    pub weight: f64,
    /// What it adds to the total (out of 100 for all weights together).
    pub points: f64,
}

/// A consolidated score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Score {
    /// 0 to 100, two decimals.
    pub total: f64,
    /// How each criterion contributes.
    pub breakdown: Vec<Component>,
    /// Assessments consolidated.
    pub assessments: usize,
    /// Mean estimated effort, person-days (what a release's capacity is weighed against).
    pub mean_complexity_days: f64,
}

/// Supporting establishments beyond which support adds nothing more.
const SUPPORT_CAP: u32 = 10;
/// Days at which the complexity criterion is worth half: 10 days is a typical small feature.
const HALF_COST_DAYS: f64 = 10.0;

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Consolidates the members' assessments and the supporting establishments into a score;
/// none without an assessment. Each criterion is averaged over the assessments, brought to
/// 0..=1 (value and clarity /5; complexity 1/(1 + days/10), so cost lowers the score smoothly;
/// regulatory the share of members saying yes; support min(n, 10)/10), weighted, and the total
/// brought to 0..=100.
pub fn consolidate(
    assessments: &[Assessment],
    supporters: u32,
    weights: &Weights,
) -> Option<Score> {
    if assessments.is_empty() {
        return None;
    }
    let n = assessments.len() as f64;
    let mean = |f: &dyn Fn(&Assessment) -> f64| assessments.iter().map(f).sum::<f64>() / n;
    let value = mean(&|a| f64::from(a.value));
    let clarity = mean(&|a| f64::from(a.clarity));
    let days = mean(&|a| f64::from(a.complexity_days));
    let regulatory = mean(&|a| if a.regulatory { 1.0 } else { 0.0 });
    let support = f64::from(supporters);
    let parts = [
        ("value", value, value / 5.0, weights.value),
        ("clarity", clarity, clarity / 5.0, weights.clarity),
        (
            "complexity",
            days,
            1.0 / (1.0 + days / HALF_COST_DAYS),
            weights.complexity,
        ),
        ("regulatory", regulatory, regulatory, weights.regulatory),
        (
            "support",
            support,
            f64::from(supporters.min(SUPPORT_CAP)) / f64::from(SUPPORT_CAP),
            weights.support,
        ),
    ];
    let total_weight: f64 = parts.iter().map(|p| p.3).sum();
    let breakdown: Vec<Component> = parts
        .iter()
        .map(|(criterion, raw, normalised, weight)| Component {
            criterion: (*criterion).to_owned(),
            raw: round2(*raw),
            normalised: round2(*normalised),
            weight: *weight,
            points: if total_weight > 0.0 {
                round2(weight * normalised / total_weight * 100.0)
            } else {
                0.0
            },
        })
        .collect();
    let total = if total_weight > 0.0 {
        parts.iter().map(|p| p.3 * p.2).sum::<f64>() / total_weight * 100.0
    } else {
        0.0
    };
    Some(Score {
        total: round2(total),
        breakdown,
        assessments: assessments.len(),
        mean_complexity_days: round2(days),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn assessment(value: u8, clarity: u8, days: u32, regulatory: bool) -> Assessment {
        Assessment {
            value,
            clarity,
            complexity_days: days,
            regulatory,
        }
    }

    #[test]
    fn a_score_is_computed_by_hand() {
        // value (4+2)/2 = 3 → 0.6 × 3; clarity 4 → 0.8 × 1; days (10+30)/2 = 20 → 1/3 × 1;
        // regulatory ½ yes → 0.5 × 2; support 3 → 0.3 × 2. Sum 1.8+0.8+0.3333+1+0.6 = 4.5333,
        // over 9 → 50.37.
        let score = consolidate(
            &[assessment(4, 4, 10, true), assessment(2, 4, 30, false)],
            3,
            &Weights::default(),
        )
        .unwrap();
        assert_eq!(score.total, 50.37);
        assert_eq!(score.assessments, 2);
        assert_eq!(score.mean_complexity_days, 20.0);
        let points: Vec<(String, f64)> = score
            .breakdown
            .iter()
            .map(|c| (c.criterion.clone(), c.points))
            .collect();
        assert_eq!(
            points,
            [
                ("value".to_owned(), 20.0),
                ("clarity".to_owned(), 8.89),
                ("complexity".to_owned(), 3.7),
                ("regulatory".to_owned(), 11.11),
                ("support".to_owned(), 6.67)
            ]
        );
    }

    #[test]
    fn support_and_regulation_raise_a_score_and_cost_lowers_it() {
        let w = Weights::default();
        let base = [assessment(3, 3, 10, false)];
        let one = consolidate(&base, 1, &w).unwrap().total;
        assert!(consolidate(&base, 4, &w).unwrap().total > one);
        assert_eq!(
            consolidate(&base, 10, &w).unwrap().total,
            consolidate(&base, 25, &w).unwrap().total,
            "support is capped"
        );
        assert!(
            consolidate(&[assessment(3, 3, 10, true)], 1, &w)
                .unwrap()
                .total
                > one
        );
        assert!(
            consolidate(&[assessment(3, 3, 60, false)], 1, &w)
                .unwrap()
                .total
                < one
        );
        assert_eq!(consolidate(&[], 5, &w), None);
        let perfect = consolidate(&[assessment(5, 5, 0, true)], 10, &w).unwrap();
        assert_eq!(perfect.total, 100.0);
    }

    #[test]
    fn bad_assessments_and_weights_are_named() {
        assert_eq!(
            assessment(6, 0, 0, false).validate(),
            Err(("value", "evo-points-range"))
        );
        assert_eq!(
            assessment(0, 9, 0, false).validate(),
            Err(("clarity", "evo-points-range"))
        );
        assert!(assessment(0, 0, 1001, false).validate().is_err());
        assert!(assessment(5, 5, 1000, true).validate().is_ok());
        let zero = Weights {
            value: 0.0,
            clarity: 0.0,
            complexity: 0.0,
            regulatory: 0.0,
            support: 0.0,
        };
        assert!(zero.validate().is_err());
        assert_eq!(
            Weights {
                clarity: 11.0,
                ..Weights::default()
            }
            .validate(),
            Err(("clarity", "evo-weight-range"))
        );
    }
}
