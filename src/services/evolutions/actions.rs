//! The actions of the API on a request: the committee's (review, ask, qualify, defer, reject,
//! mark as a duplicate, close) and the requester's (answer), through the state machine.

use entity::evolution::{self, EvolutionState};
use sea_orm::{ColumnTrait, QueryFilter, TransactionTrait, sea_query::Expr};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    EvolutionView, committee, get, optional_text, requester_side, row, state_of, step, support,
};
use crate::services::evolutions::{StepNote, Why, state_why};
use crate::{
    access::Caller,
    db::{Ctx, Handle},
    domain::evolution::{self as rules, Action, Refusal, Side, State},
    services::error::{ServiceError, ServiceResult},
};

/// The body of an action.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "reason": "Déjà couvert par les listes de diffusion de SMS-U."}))]
pub struct EvolutionActionInput {
    /// The revision read.
    pub revision: i32,
    /// Why (required to defer or reject); for `provide_info`, the answer; for `qualify`, the
    /// committee's written analysis.
    pub reason: Option<String>,
    /// `mark_duplicate`: the reference of the request it duplicates.
    pub of: Option<String>,
}

/// The side the caller takes this action for (403 when it is not theirs, 404 for an action of
/// the platform's).
fn side_of(caller: &Caller, current: &evolution::Model, action: Action) -> ServiceResult<Side> {
    match action {
        Action::ProvideInfo if requester_side(caller, current) => Ok(Side::Requester),
        Action::ProvideInfo => Err(ServiceError::forbidden("evo-requester-answers", vec![])),
        Action::Review
        | Action::RequestInfo
        | Action::Qualify
        | Action::Defer
        | Action::Reject
        | Action::MarkDuplicate
        | Action::Close => {
            if committee(caller) {
                Ok(Side::Committee)
            } else {
                Err(ServiceError::forbidden("evo-committee-only", vec![]))
            }
        }
        _ => Err(ServiceError::NotFound),
    }
}

/// Takes an action of the API on a request: 404 if unread, 403 if the caller's roles lack it,
/// 409 (with what is allowed) if not from this state or the revision is stale, 422 on bad input.
/// Nothing changes when refused.
pub async fn act<C>(
    ctx: &Ctx<C>,
    reference: &str,
    action: Action,
    input: EvolutionActionInput,
) -> ServiceResult<EvolutionView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let current = row(ctx, reference).await?;
    let state = state_of(&current);
    let side = side_of(ctx.caller(), &current, action)?;
    let to = match rules::apply(state, action, side) {
        Ok(to) => to,
        Err(Refusal::NotYours) => {
            return Err(ServiceError::forbidden("evo-action-not-yours", vec![]));
        }
        Err(Refusal::NotNow(allowed)) => return Err(not_now(state, &allowed)),
    };
    let reason = optional_text("reason", input.reason, 10_000)?;
    if action.needs_reason() && reason.is_none() {
        return Err(ServiceError::field("reason", "field-required", vec![]));
    }
    if action == Action::Qualify && current.score.is_none() {
        return Err(ServiceError::conflict(
            "evo-assess-first",
            vec![],
            serde_json::json!({ "reason": "not_assessed" }),
        ));
    }
    let survivor = match action {
        Action::MarkDuplicate => Some(survivor(ctx, &current, input.of.as_deref()).await?),
        _ => None,
    };
    let tx = ctx.begin().await?;
    let mut update = tx
        .update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::State,
            Expr::value(EvolutionState::from(to)),
        )
        .col_expr(evolution::Column::UpdatedAt, Expr::value(tx.now()))
        .col_expr(
            evolution::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .filter(evolution::Column::Id.eq(current.id))
        .filter(evolution::Column::Revision.eq(input.revision));
    match action {
        Action::Defer | Action::Reject => update = state_why(update, &reason.clone().into()),
        Action::Qualify if reason.is_some() => {
            update = update.col_expr(evolution::Column::Analysis, Expr::value(reason.clone()));
        }
        Action::MarkDuplicate => {
            update = update.col_expr(
                evolution::Column::DuplicateOfId,
                Expr::value(survivor.as_ref().map(|s| s.id)),
            );
        }
        _ => {}
    }
    if update.exec(&tx).await?.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    let why = match &survivor {
        Some(s) => Why::noted(
            StepNote::DuplicateOf,
            format!("{} ({})", s.reference, s.title),
            None,
        ),
        None => reason.into(),
    };
    let actor = Some(ctx.caller().account_id);
    step(&tx, &current, Some(state), to, actor, why).await?;
    if let Some(survivor) = survivor {
        support::merge(&tx, &current, &survivor).await?;
    }
    tx.commit().await?;
    get(ctx, reference).await
}

/// The 409 of an action not allowed from this state.
pub fn not_now(state: State, allowed: &[Action]) -> ServiceError {
    ServiceError::conflict(
        "evo-not-now",
        vec![("state", state.as_str().to_owned())],
        serde_json::json!({
            "state": state.as_str(),
            "allowed_actions": allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        }),
    )
}

/// The request a duplicate merges into: read, of the same offer, another one, still open.
async fn survivor<C: Handle>(
    ctx: &Ctx<C>,
    duplicate: &evolution::Model,
    of: Option<&str>,
) -> ServiceResult<evolution::Model> {
    let of = of
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| ServiceError::field("of", "evo-of-required", vec![]))?;
    let target = ctx
        .find::<evolution::Entity>()
        .filter(evolution::Column::Reference.eq(of.to_uppercase()))
        .one(ctx)
        .await?
        .ok_or_else(|| ServiceError::field("of", "evo-of-unread", vec![]))?;
    let open = state_of(&target).is_open();
    if target.id == duplicate.id || target.offer_id != duplicate.offer_id || !open {
        return Err(ServiceError::field("of", "evo-of-another-open", vec![]));
    }
    Ok(target)
}
