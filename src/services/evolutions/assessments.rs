//! Qualification: each project committee member records their own assessment of a request
//! against the offer's criteria; the consolidated score ([`crate::domain::scoring`]) is stored
//! on the request so that the committee's queue sorts on it.

use entity::{evolution, evolution_assessment, offer, offer_criteria};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef, Select,
    TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{EvolutionView, get, optional_text, parents_writable, row, state_of};
use crate::{
    db::{Ctx, Handle},
    domain::{
        evolution::State,
        role::Role,
        scoring::{self, Assessment, Score, Weights},
    },
    services::error::{ServiceError, ServiceResult},
};

/// A member's assessment, as sent.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": 4, "clarity": 3, "complexity_days": 8, "regulatory": false, "comment": "Attendu par plusieurs établissements pour la rentrée."}))]
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
pub(super) fn assessable(state: State) -> bool {
    matches!(
        state,
        State::Submitted | State::UnderReview | State::NeedsInfo | State::Qualified
    )
}

/// Records or replaces the caller's own assessment and the request's score: 403 without the
/// committee role, 409 for a member of the requesting establishment (recusal) or past
/// qualification, 422 on values out of range.
pub async fn put<C>(
    ctx: &Ctx<C>,
    reference: &str,
    input: AssessmentInput,
) -> ServiceResult<EvolutionView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let current = row(ctx, reference).await?;
    if !caller.has(Role::Committee) {
        return Err(ServiceError::forbidden("evo-assess-committee-only", vec![]));
    }
    if caller.organisation_id == current.organisation_id {
        return Err(ServiceError::conflict(
            "evo-assess-recusal",
            vec![],
            serde_json::json!({ "reason": "recusal" }),
        ));
    }
    let state = state_of(&current);
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
        .map_err(|(field, key)| ServiceError::field(field, key, vec![]))?;
    let comment = optional_text("comment", input.comment, 10_000)?;
    let tx = ctx.begin().await?;
    // The upsert is not a plain child insert: its parent is checked first.
    parents_writable::<evolution_assessment::Entity, _>(&tx, &[current.id]).await?;
    evolution_assessment::Entity::insert(evolution_assessment::ActiveModel {
        evolution_id: Set(current.id),
        account_id: Set(caller.account_id),
        value: Set(i16::from(input.value)),
        clarity: Set(i16::from(input.clarity)),
        complexity_days: Set(i32::try_from(input.complexity_days).unwrap_or(i32::MAX)),
        regulatory: Set(input.regulatory),
        comment: Set(comment),
        updated_at: Set(tx.now()),
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
    .exec_without_returning(&tx)
    .await?;
    rescore(&tx, current.id).await?;
    tx.commit().await?;
    get(ctx, reference).await
}

/// The assessments of a request the caller reads.
async fn of<C: Handle>(ctx: &Ctx<C>, evolution_id: i64) -> ServiceResult<Vec<Assessment>> {
    Ok(ctx
        .find::<evolution_assessment::Entity>()
        .filter(evolution_assessment::Column::EvolutionId.eq(evolution_id))
        .all(ctx)
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
pub async fn rescore<C: Handle>(tx: &Ctx<C>, evolution_id: i64) -> ServiceResult<Option<Score>> {
    let Some(row) = tx
        .find::<evolution::Entity>()
        .filter(evolution::Column::Id.eq(evolution_id))
        .one(tx)
        .await?
    else {
        return Err(ServiceError::NotFound);
    };
    let score = breakdown(tx, &row).await?;
    tx.update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::Score,
            Expr::value(score.as_ref().map(|s| s.total)),
        )
        .filter(evolution::Column::Id.eq(row.id))
        .exec(tx)
        .await?;
    Ok(score)
}

/// A request's score with its breakdown, if assessed.
pub async fn breakdown<C: Handle>(
    ctx: &Ctx<C>,
    row: &evolution::Model,
) -> ServiceResult<Option<Score>> {
    let weights = weights_through(
        ctx,
        ctx.find::<evolution::Entity>()
            .filter(evolution::Column::Id.eq(row.id)),
        evolution::Column::OfferId,
    )
    .await?;
    let assessments = of(ctx, row.id).await?;
    Ok(scoring::consolidate(
        &assessments,
        u32::try_from(row.supporters).unwrap_or(0),
        &weights,
    ))
}

/// The weights of the offer that some rows the caller reads point at: its own, or the
/// defaults.
async fn weights_through<E, C>(
    ctx: &Ctx<C>,
    rows: Select<E>,
    offer: E::Column,
) -> ServiceResult<Weights>
where
    E: EntityTrait,
    C: Handle,
{
    let joined: RelationDef = E::belongs_to(offer_criteria::Entity)
        .from(offer)
        .to(offer_criteria::Column::OfferId)
        .into();
    let found: Option<(f64, f64, f64, f64, f64)> = rows
        .select_only()
        .column(offer_criteria::Column::Value)
        .column(offer_criteria::Column::Clarity)
        .column(offer_criteria::Column::Complexity)
        .column(offer_criteria::Column::Regulatory)
        .column(offer_criteria::Column::Support)
        .join(JoinType::InnerJoin, joined)
        .into_tuple()
        .one(ctx)
        .await?;
    Ok(found
        .map(
            |(value, clarity, complexity, regulatory, support)| Weights {
                value,
                clarity,
                complexity,
                regulatory,
                support,
            },
        )
        .unwrap_or_default())
}

/// The offer read by code, with its weights.
async fn offer_of<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<offer::Model> {
    ctx.find::<offer::Entity>()
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// An offer's weights, for those who read the offer.
pub async fn weights<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<Weights> {
    let offer = offer_of(ctx, code).await?;
    weights_through(
        ctx,
        ctx.find::<offer::Entity>()
            .filter(offer::Column::Id.eq(offer.id)),
        offer::Column::Id,
    )
    .await
}

/// Sets an offer's weights: administrators and the coordinators of its provider (403 for other
/// readers); scores are computed again with them when next assessed.
pub async fn set_weights<C: Handle>(
    ctx: &Ctx<C>,
    code: &str,
    weights: Weights,
) -> ServiceResult<Weights> {
    let offer = offer_of(ctx, code).await?;
    let scope = ctx.scope();
    if !(scope.admin || scope.managed.contains(&offer.provider_id)) {
        return Err(ServiceError::forbidden("evo-criteria-by-provider", vec![]));
    }
    weights
        .validate()
        .map_err(|(field, key)| ServiceError::field(field, key, vec![]))?;
    offer_criteria::Entity::insert(offer_criteria::ActiveModel {
        offer_id: Set(offer.id),
        value: Set(weights.value),
        clarity: Set(weights.clarity),
        complexity: Set(weights.complexity),
        regulatory: Set(weights.regulatory),
        support: Set(weights.support),
        updated_at: Set(ctx.now()),
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
    .exec_without_returning(ctx)
    .await?;
    Ok(weights)
}
