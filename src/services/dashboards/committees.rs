//! The committees' homes: what the project committee has to assess and plan, what the steering
//! committee has to vote on and has decided.

use chrono::Months;
use entity::{evolution, steering_decision};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::ExprTrait};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Bar, Widget};
use crate::{
    db::{Ctx, Handle},
    domain::evolution::State,
    services::{
        error::ServiceResult,
        evolutions::{self, EvolutionFilter},
        releases::{self, DraftEffort, ReleaseFilter},
    },
};

/// What a project committee member looks at first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeHome {
    /// The requests waiting for the member's assessment.
    pub widgets: Vec<Widget>,
    /// The requests by state (open ones), in the lifecycle's order.
    pub queue: Vec<Bar>,
    /// Releases in draft, with their planned effort against their capacity.
    pub drafts: Vec<DraftEffort>,
}

/// The project committee member's home.
pub async fn committee<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<CommitteeHome> {
    let to_assess = EvolutionFilter {
        assess: Some("mine".to_owned()),
        per_page: Some(1),
        ..EvolutionFilter::default()
    };
    let count = evolutions::list(ctx, &to_assess).await?.total;
    let widgets = vec![Widget {
        label: "home-to-assess",
        name: None,
        count,
        more: false,
        href: "/desk/committee?assess=mine".to_owned(),
    }];
    let counts: Vec<(evolution::EvolutionState, i64)> = ctx
        .find::<evolution::Entity>()
        .select_only()
        .column(evolution::Column::State)
        .expr_as(
            sea_orm::sea_query::Expr::col((evolution::Entity, evolution::Column::Id)).count(),
            "n",
        )
        .group_by(evolution::Column::State)
        .into_tuple()
        .all(ctx)
        .await?;
    let queue = State::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(|state| {
            let stored = evolution::EvolutionState::from(state);
            let count = counts
                .iter()
                .find(|(s, _)| *s == stored)
                .map_or(0, |(_, n)| n.unsigned_abs());
            Bar {
                label: state.as_str().to_owned(),
                keys: Vec::new(),
                count,
                href: format!("/desk/committee?state={}", state.as_str()),
            }
        })
        .collect();
    let drafts = releases::draft_efforts(ctx, 20).await?;
    Ok(CommitteeHome {
        widgets,
        queue,
        drafts,
    })
}

/// One decision of the steering committee.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionLine {
    /// The release.
    pub release_id: i64,
    /// `approved`, `amended` or `sent_back`…
    pub outcome: String,
    /// When.
    pub decided_at: chrono::DateTime<chrono::Utc>,
}

/// What a steering committee member looks at first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SteeringHome {
    /// The releases waiting for the member's ballot.
    pub widgets: Vec<Widget>,
    /// Decisions of the last six months, newest first.
    pub decisions: Vec<DecisionLine>,
}

/// The steering committee member's home.
pub async fn steering<C: Handle>(ctx: &Ctx<C>) -> ServiceResult<SteeringHome> {
    let awaiting = ReleaseFilter {
        ballot: Some("missing".to_owned()),
        per_page: Some(1),
        ..ReleaseFilter::default()
    };
    let count = releases::list(ctx, &awaiting).await?.total;
    let widgets = vec![Widget {
        label: "home-to-vote",
        name: None,
        count,
        more: false,
        href: "/desk/releases?ballot=missing".to_owned(),
    }];
    let since = ctx
        .now()
        .checked_sub_months(Months::new(6))
        .unwrap_or(ctx.now());
    let decisions = ctx
        .find::<steering_decision::Entity>()
        .filter(steering_decision::Column::DecidedAt.gte(since))
        .order_by_desc(steering_decision::Column::DecidedAt)
        .limit(50)
        .all(ctx)
        .await?
        .into_iter()
        .map(|d| DecisionLine {
            release_id: d.release_id,
            outcome: sea_orm::ActiveEnum::to_value(&d.outcome),
            decided_at: d.decided_at,
        })
        .collect();
    Ok(SteeringHome { widgets, decisions })
}
