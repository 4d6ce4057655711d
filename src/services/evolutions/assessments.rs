//! Qualification: each project committee member records their own assessment of a request
//! against the offer's criteria; the consolidated score ([`crate::domain::scoring`]) is stored
//! on the request so that the committee's queue sorts on it.

use chrono::Utc;
use entity::{evolution, evolution_assessment, offer, offer_criteria};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{EvolutionView, get, row};
use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{
        evolution::State,
        role::Role,
        scoring::{self, Assessment, Score, Weights},
    },
    error::AppError,
};

/// A member's assessment, as sent.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Value for the users, 0 to 5.
    pub value: u8,
    /// Clarity, 0 to 5.
    pub clarity: u8,
    /// Estimated effort, person-days.
    pub complexity_days: u32,
    /// Whether a regulation requires it.
    pub regulatory: bool,
    /// A comment for the committee.
    pub comment: Option<String>,
}

/// The states in which members assess.
fn assessable(state: State) -> bool {
    matches!(
        state,
        State::Submitted | State::UnderReview | State::NeedsInfo | State::Qualified
    )
}

/// Records or replaces the caller's own assessment and the request's score: 403 without the
/// committee role, 409 for a member of the requesting establishment (recusal) or past
/// qualification, 422 on values out of range.
pub async fn put<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    input: AssessmentInput,
) -> Result<EvolutionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    if !caller.has(Role::Committee) {
        return Err(AppError::Forbidden(
            "assessments are the project committee members'".to_owned(),
        ));
    }
    if caller.organisation_id == current.organisation_id {
        return Err(AppError::Conflict {
            message: "a member never assesses a request of their own establishment".to_owned(),
            details: serde_json::json!({ "reason": "recusal" }),
        });
    }
    let state = State::parse(&current.state).unwrap_or(State::Closed);
    if !assessable(state) {
        return Err(super::not_now(state, &[]));
    }
    let assessment = Assessment {
        value: input.value,
        clarity: input.clarity,
        complexity_days: input.complexity_days,
        regulatory: input.regulatory,
    };
    assessment
        .validate()
        .map_err(|(field, reason)| AppError::field(field, reason))?;
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment
        .as_deref()
        .is_some_and(|c| c.chars().count() > 10_000)
    {
        return Err(AppError::field(
            "comment",
            "must be at most 10000 characters",
        ));
    }
    let txn = db.conn().begin().await?;
    evolution_assessment::Entity::insert(evolution_assessment::ActiveModel {
        evolution_id: Set(current.id),
        account_id: Set(caller.account_id),
        value: Set(i16::from(input.value)),
        clarity: Set(i16::from(input.clarity)),
        complexity_days: Set(i32::try_from(input.complexity_days).unwrap_or(i32::MAX)),
        regulatory: Set(input.regulatory),
        comment: Set(comment),
        updated_at: Set(db.now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            evolution_assessment::Column::EvolutionId,
            evolution_assessment::Column::AccountId,
        ])
        .update_columns([
            evolution_assessment::Column::Value,
            evolution_assessment::Column::Clarity,
            evolution_assessment::Column::ComplexityDays,
            evolution_assessment::Column::Regulatory,
            evolution_assessment::Column::Comment,
            evolution_assessment::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    rescore(&txn, &current).await?;
    txn.commit().await?;
    get(db, caller, reference).await
}

/// The assessments of a request.
async fn of<C: ConnectionTrait>(db: &C, evolution_id: i64) -> Result<Vec<Assessment>, AppError> {
    Ok(Unscoped::find::<evolution_assessment::Entity>()
        .filter(evolution_assessment::Column::EvolutionId.eq(evolution_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| Assessment {
            value: u8::try_from(a.value).unwrap_or(0),
            clarity: u8::try_from(a.clarity).unwrap_or(0),
            complexity_days: u32::try_from(a.complexity_days).unwrap_or(0),
            regulatory: a.regulatory,
        })
        .collect())
}

/// Computes a request's score again (after an assessment or a change of support) and stores it.
pub async fn rescore<C: ConnectionTrait>(
    db: &C,
    row: &evolution::Model,
) -> Result<Option<Score>, AppError> {
    let assessments = of(db, row.id).await?;
    let weights = weights_of(db, row.offer_id).await?;
    let supporters = Unscoped::find::<evolution::Entity>()
        .filter(evolution::Column::Id.eq(row.id))
        .one(db)
        .await?
        .map_or(0, |r| r.supporters);
    let score = scoring::consolidate(
        &assessments,
        u32::try_from(supporters).unwrap_or(0),
        &weights,
    );
    Unscoped::update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::Score,
            Expr::value(score.as_ref().map(|s| s.total)),
        )
        .filter(evolution::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(score)
}

/// A request's score with its breakdown, if assessed.
pub async fn breakdown<C: ConnectionTrait>(
    db: &C,
    row: &evolution::Model,
) -> Result<Option<Score>, AppError> {
    let weights = weights_of(db, row.offer_id).await?;
    let assessments = of(db, row.id).await?;
    Ok(scoring::consolidate(
        &assessments,
        u32::try_from(row.supporters).unwrap_or(0),
        &weights,
    ))
}

/// An offer's weights: its own, or the defaults.
pub async fn weights_of<C: ConnectionTrait>(db: &C, offer_id: i64) -> Result<Weights, AppError> {
    Ok(Unscoped::find::<offer_criteria::Entity>()
        .filter(offer_criteria::Column::OfferId.eq(offer_id))
        .one(db)
        .await?
        .map(|c| Weights {
            value: c.value,
            clarity: c.clarity,
            complexity: c.complexity,
            regulatory: c.regulatory,
            support: c.support,
        })
        .unwrap_or_default())
}

/// An offer's weights, for those who read the offer.
pub async fn weights<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    code: &str,
) -> Result<Weights, AppError> {
    let offer = super::offer_id(db, code).await?;
    weights_of(db.conn(), offer).await
}

/// Sets an offer's weights: administrators and the coordinators of its provider (403 for other
/// readers); scores are computed again with them when next assessed.
pub async fn set_weights<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    code: &str,
    weights: Weights,
) -> Result<Weights, AppError> {
    let offer_id = super::offer_id(db, code).await?;
    let provider: Option<i64> = Unscoped::find::<offer::Entity>()
        .filter(offer::Column::Id.eq(offer_id))
        .one(db.conn())
        .await?
        .map(|o| o.provider_id);
    if !(caller.scope.admin || provider.is_some_and(|p| caller.scope.managed.contains(&p))) {
        return Err(AppError::Forbidden(
            "the offer's criteria are set by its provider's coordinators".to_owned(),
        ));
    }
    weights
        .validate()
        .map_err(|(field, reason)| AppError::field(field, reason))?;
    offer_criteria::Entity::insert(offer_criteria::ActiveModel {
        offer_id: Set(offer_id),
        value: Set(weights.value),
        clarity: Set(weights.clarity),
        complexity: Set(weights.complexity),
        regulatory: Set(weights.regulatory),
        support: Set(weights.support),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(offer_criteria::Column::OfferId)
            .update_columns([
                offer_criteria::Column::Value,
                offer_criteria::Column::Clarity,
                offer_criteria::Column::Complexity,
                offer_criteria::Column::Regulatory,
                offer_criteria::Column::Support,
                offer_criteria::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db.conn())
    .await?;
    Ok(weights)
}
