//! Building a release: opening a draft, ranking its qualified requests, submitting it to the
//! steering committee, then building and shipping it; its requests follow at every step.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use entity::{
    evolution::{self, EvolutionState},
    release::{self, ReleaseKind, ReleaseState as Stored},
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::{CaseStatement, Expr, ExprTrait},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ReleaseState, ReleaseView, get, normalised, row};
use crate::services::evolutions::Why;
use crate::{
    db::{Ctx, Handle, directory},
    domain::evolution::{self as machine, Action, Side, State},
    services::{
        Problems,
        error::{ServiceError, ServiceResult},
        evolutions::{self, committee},
        required_text,
    },
};

/// A new release.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"offer": "GEFORP", "version": "1.9.0", "kind": "minor", "target_date": "2030-06-30", "capacity_days": 15}))]
pub struct NewRelease {
    /// Offer code.
    pub offer: String,
    /// Version label, e.g. `2.4.0`.
    pub version: String,
    /// `major` or `minor`.
    pub kind: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Capacity the committee declares, person-days.
    pub capacity_days: i32,
}

/// Opens a release in draft: the project committee (403 otherwise), on an offer it reads.
pub async fn create<C: Handle>(ctx: &Ctx<C>, new: NewRelease) -> ServiceResult<ReleaseView> {
    let offer_id = evolutions::offer_id(ctx, &new.offer).await?;
    if !committee(ctx.caller()) {
        return Err(ServiceError::forbidden(
            "release-built-by-committee",
            vec![],
        ));
    }
    let mut problems = Problems::default();
    let version = required_text(&mut problems, "version", &new.version, 50);
    let kind = ReleaseKind::try_from_value(&new.kind);
    if kind.is_err() {
        problems.rule("kind", "release-kind-known", vec![]);
    }
    if !(0..=100_000).contains(&new.capacity_days) {
        problems.rule("capacity_days", "release-capacity-range", vec![]);
    }
    problems.into_result()?;
    let kind = kind.map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))?;
    // The label is unique per offer across the whole table, whoever reads which.
    let taken = sea_orm::Condition::all()
        .add(release::Column::OfferId.eq(offer_id))
        .add(release::Column::Version.eq(version.clone()));
    if directory::taken::<release::Entity>(ctx, taken).await? {
        return Err(ServiceError::field(
            "version",
            "release-version-taken",
            vec![],
        ));
    }
    let created = release::ActiveModel {
        offer_id: Set(offer_id),
        version: Set(version),
        kind: Set(kind),
        target_date: Set(new.target_date),
        capacity_days: Set(new.capacity_days),
        state: Set(ReleaseState::Draft.into()),
        created_at: Set(ctx.now()),
        updated_at: Set(ctx.now()),
        revision: Set(1),
        ..Default::default()
    }
    .insert(ctx)
    .await?;
    get(ctx, created.id).await
}

/// The ranked list of a draft release.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1, "items": ["E-000011"]}))]
pub struct ReleaseItems {
    /// The revision read.
    pub revision: i32,
    /// References, best first (at most 200).
    pub items: Vec<String>,
}

/// The 409 of a change to the list of a release past its draft.
fn locked(state: ReleaseState) -> ServiceError {
    ServiceError::conflict(
        "release-list-locked",
        vec![("state", state.as_str().to_owned())],
        serde_json::json!({ "state": state.as_str() }),
    )
}

/// Checks that every wanted reference is a qualified request of the release's offer, free or
/// already in it (422 naming the first that is not).
async fn plannable<C: Handle>(
    ctx: &Ctx<C>,
    current: &release::Model,
    wanted: &[String],
) -> ServiceResult<()> {
    if wanted.len() > 200 || wanted.iter().collect::<BTreeSet<_>>().len() != wanted.len() {
        return Err(ServiceError::field(
            "items",
            "release-items-each-once",
            vec![],
        ));
    }
    let rows = ctx
        .find::<evolution::Entity>()
        .filter(evolution::Column::Reference.is_in(wanted.iter().cloned()))
        .all(ctx)
        .await?;
    let by_ref: HashMap<&str, &evolution::Model> =
        rows.iter().map(|r| (r.reference.as_str(), r)).collect();
    for reference in wanted {
        match by_ref.get(reference.as_str()) {
            Some(r)
                if r.offer_id == current.offer_id
                    && r.state == EvolutionState::Qualified
                    && r.release_id.is_none_or(|rel| rel == current.id) => {}
            _ => {
                return Err(ServiceError::field(
                    "items",
                    "release-item-not-plannable",
                    vec![("reference", reference.clone())],
                ));
            }
        }
    }
    Ok(())
}

/// Replaces the ranked list of a draft release: qualified requests of its offer, each once.
/// 403 without the committee role; 409 once proposed or on a stale revision; 422 on a request
/// that cannot be in it.
pub async fn set_items<C>(ctx: &Ctx<C>, id: i64, input: ReleaseItems) -> ServiceResult<ReleaseView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let current = row(ctx, id).await?;
    if !committee(ctx.caller()) {
        return Err(ServiceError::forbidden(
            "release-built-by-committee",
            vec![],
        ));
    }
    let state = ReleaseState::of(&current);
    if state != ReleaseState::Draft {
        return Err(locked(state));
    }
    let wanted = normalised(&input.items);
    plannable(ctx, &current, &wanted).await?;
    let tx = ctx.begin().await?;
    let done = tx
        .update_many::<release::Entity>()
        .col_expr(release::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::Revision.eq(input.revision))
        .exec(&tx)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    tx.update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::ReleaseId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            evolution::Column::ReleaseRank,
            Expr::value(Option::<i32>::None),
        )
        .filter(evolution::Column::ReleaseId.eq(id))
        .exec(&tx)
        .await?;
    if !wanted.is_empty() {
        // One statement ranks them all.
        let mut rank = CaseStatement::new();
        for (i, reference) in wanted.iter().enumerate() {
            rank = rank.case(
                evolution::Column::Reference.eq(reference.clone()),
                Expr::value(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            );
        }
        tx.update_many::<evolution::Entity>()
            .col_expr(evolution::Column::ReleaseId, Expr::value(id))
            .col_expr(evolution::Column::ReleaseRank, rank.into())
            .filter(evolution::Column::Reference.is_in(wanted))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    get(ctx, id).await
}

/// What a release's committee does to it (`propose`, `start`, `release` in the path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ReleaseAction {
    /// Submit the proposal to the steering committee.
    Propose,
    /// Start building the approved release.
    Start,
    /// Ship it.
    Release,
}

impl ReleaseAction {
    /// The action a word names.
    pub fn parse(word: &str) -> Option<ReleaseAction> {
        match word {
            "propose" => Some(ReleaseAction::Propose),
            "start" => Some(ReleaseAction::Start),
            "release" => Some(ReleaseAction::Release),
            _ => None,
        }
    }

    /// The release's move, and what its requests do then.
    fn moves(self) -> (ReleaseState, ReleaseState, Action) {
        match self {
            ReleaseAction::Propose => {
                (ReleaseState::Draft, ReleaseState::Proposed, Action::Propose)
            }
            ReleaseAction::Start => (
                ReleaseState::Approved,
                ReleaseState::InDevelopment,
                Action::StartDevelopment,
            ),
            ReleaseAction::Release => (
                ReleaseState::InDevelopment,
                ReleaseState::Released,
                Action::Deliver,
            ),
        }
    }
}

/// The revision read.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReleaseRevision)]
#[schema(example = json!({"revision": 1}))]
pub struct Revision {
    /// The release's revision.
    pub revision: i32,
}

/// Moves a release on; its requests follow, their requesters and supporters are told.
/// 403 without the committee role (delivery: or the offer's provider), 409 from the wrong state
/// or on a stale revision.
pub async fn act<C>(
    ctx: &Ctx<C>,
    id: i64,
    action: ReleaseAction,
    revision: i32,
) -> ServiceResult<ReleaseView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let current = row(ctx, id).await?;
    let provider = caller.scope.delivered_offers.contains(&current.offer_id);
    let (from, to, items_action) = action.moves();
    if !(committee(caller) || (provider && action != ReleaseAction::Propose)) {
        return Err(ServiceError::forbidden("evo-committee-only", vec![]));
    }
    let state = ReleaseState::of(&current);
    if state != from {
        return Err(ServiceError::conflict(
            "release-wrong-state",
            vec![("state", state.as_str().to_owned())],
            serde_json::json!({ "state": state.as_str() }),
        ));
    }
    let items = ctx
        .find::<evolution::Entity>()
        .filter(evolution::Column::ReleaseId.eq(id))
        .order_by_asc(evolution::Column::ReleaseRank)
        .all(ctx)
        .await?;
    if action == ReleaseAction::Propose && items.is_empty() {
        return Err(ServiceError::field(
            "items",
            "release-proposal-empty",
            vec![],
        ));
    }
    let tx = ctx.begin().await?;
    let done = tx
        .update_many::<release::Entity>()
        .col_expr(release::Column::State, Expr::value(Stored::from(to)))
        .col_expr(release::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::Revision.eq(revision))
        .exec(&tx)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::stale());
    }
    move_items(&tx, &items, items_action, Why::default()).await?;
    tx.commit().await?;
    get(ctx, id).await
}

/// Moves requests through one transition of their machine: their states in one statement, the
/// history and the notifications in a few more, whatever their number. The caller is the actor.
pub(super) async fn move_items<C: Handle>(
    tx: &Ctx<C>,
    items: &[evolution::Model],
    action: Action,
    why: Why,
) -> ServiceResult<()> {
    let mut moved = Vec::new();
    for item in items {
        let from = evolutions::state_of(item);
        if let Ok(to) = machine::apply(from, action, Side::System) {
            moved.push((item, from, to));
        }
    }
    let Some((_, _, to)) = moved.first() else {
        return Ok(());
    };
    let mut update = tx
        .update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::State,
            Expr::value(EvolutionState::from(*to)),
        )
        .col_expr(evolution::Column::UpdatedAt, Expr::value(tx.now()))
        .col_expr(
            evolution::Column::Revision,
            Expr::col(evolution::Column::Revision).add(1),
        )
        .filter(evolution::Column::Id.is_in(moved.iter().map(|(i, _, _)| i.id)));
    if action == Action::AmendOut {
        update = evolutions::state_why(update, &why)
            .col_expr(
                evolution::Column::ReleaseId,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                evolution::Column::ReleaseRank,
                Expr::value(Option::<i32>::None),
            );
    }
    update.exec(tx).await?;
    let moved: Vec<(&evolution::Model, Option<State>)> = moved
        .iter()
        .map(|(item, from, _)| (*item, Some(*from)))
        .collect();
    let actor = Some(tx.caller().account_id);
    evolutions::steps(tx, &moved, *to, actor, why).await
}
