//! The steering committee's decision: written once per round, never changed, and carried out
//! in the same transaction (the release approved and its requests planned, or sent back).

use entity::{
    evolution,
    release::{self, ReleaseState as Stored},
    steering_decision::{self, DecidedBy},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{ReleaseState, drafts::move_items, json_refs, read::ballots_of, row};
use crate::services::evolutions::{StepNote, Why};
use crate::{
    db::{Ctx, Handle},
    domain::{evolution::Action, steering::Outcome},
    services::error::{ServiceError, ServiceResult},
};

/// Moves a release that is still `proposed` to `next` (`proposed` again for a ballot, which only
/// takes the row) with a new revision, in one compare-and-set; false when it was no longer
/// proposed.
pub(super) async fn move_proposed<C: Handle>(
    tx: &Ctx<C>,
    id: i64,
    next: ReleaseState,
) -> ServiceResult<bool> {
    let moved = tx
        .update_many::<release::Entity>()
        .col_expr(release::Column::State, Expr::value(Stored::from(next)))
        .col_expr(
            release::Column::Revision,
            Expr::col(release::Column::Revision).add(1),
        )
        .col_expr(release::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::State.eq(Stored::Proposed))
        .exec(tx)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The 409 of a ballot or a decision on a release that is not (or no longer) proposed.
pub(super) fn decided(state: ReleaseState) -> ServiceError {
    ServiceError::conflict(
        "release-not-before-steering",
        vec![],
        serde_json::json!({ "state": state.as_str() }),
    )
}

/// [`decided`], with the state the release is in now: a compare-and-set found it moved on.
pub(super) async fn not_proposed<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceError {
    match row(ctx, id).await {
        Ok(now) => decided(ReleaseState::of(&now)),
        Err(err) => err,
    }
}

/// The references of a release's requests, in rank order.
pub(super) async fn proposal_of<C: Handle>(
    ctx: &Ctx<C>,
    release_id: i64,
) -> ServiceResult<Vec<String>> {
    Ok(ctx
        .find::<evolution::Entity>()
        .select_only()
        .column(evolution::Column::Reference)
        .filter(evolution::Column::ReleaseId.eq(release_id))
        .order_by_asc(evolution::Column::ReleaseRank)
        .into_tuple()
        .all(ctx)
        .await?)
}

/// Who decided: the ballots (quorum and majority reached) or the chair (their account).
#[derive(Debug, Clone, Copy)]
pub(super) enum Decider {
    /// The ballots.
    Ballots,
    /// The chair.
    Chair(i64),
}

/// Writes the decision record and carries it out, in the caller's transaction: the release is
/// approved (its requests approved then planned, removed ones deferred with the decision as
/// reason) or sent back to draft (its requests qualified again; the ballots, kept in the
/// record, are cleared for the next round). The record is only ever inserted.
pub(super) async fn record<C: Handle>(
    tx: &Ctx<C>,
    release: &release::Model,
    outcome: Outcome,
    by: Decider,
    comment: String,
) -> ServiceResult<()> {
    let next = match outcome {
        Outcome::SentBack => ReleaseState::Draft,
        _ => ReleaseState::Approved,
    };
    // The move out of `proposed` is the compare-and-set that makes the decision happen once:
    // a concurrent ballot or chair that read the proposal open finds no row to move and
    // answers 409, its transaction rolled back. First in the transaction, so on SQLite it takes
    // the write lock before anything is read.
    if !move_proposed(tx, release.id, next).await? {
        return Err(not_proposed(tx, release.id).await);
    }
    let removed = match &outcome {
        Outcome::ApprovedWithAmendments { removed } => removed.clone(),
        _ => Vec::new(),
    };
    write_record(tx, release, &outcome, by, &removed, &comment, next).await?;
    carry_out(tx, release, &outcome, &removed, &comment).await
}

/// Inserts the decision record of this round (409 if one is already there).
async fn write_record<C: Handle>(
    tx: &Ctx<C>,
    release: &release::Model,
    outcome: &Outcome,
    by: Decider,
    removed: &[String],
    comment: &str,
    next: ReleaseState,
) -> ServiceResult<()> {
    // Every earlier round ended in a decision (sent back, or this one would not be open).
    let earlier = tx
        .find::<steering_decision::Entity>()
        .filter(steering_decision::Column::ReleaseId.eq(release.id))
        .count(tx)
        .await?;
    let round = i32::try_from(earlier + 1).unwrap_or(i32::MAX);
    let proposed = proposal_of(tx, release.id).await?;
    let approved: Vec<String> = match outcome {
        Outcome::SentBack => Vec::new(),
        _ => proposed
            .iter()
            .filter(|p| !removed.contains(p))
            .cloned()
            .collect(),
    };
    let ballots = ballots_of(tx, release.id).await?;
    let (decided_by, chair) = match by {
        Decider::Ballots => (DecidedBy::Ballots, None),
        Decider::Chair(id) => (DecidedBy::Chair, Some(id)),
    };
    tx.insert_child(steering_decision::ActiveModel {
        release_id: Set(release.id),
        round: Set(round),
        outcome: Set(outcome.into()),
        decided_by: Set(decided_by),
        chair_id: Set(chair),
        proposed: Set(json_refs(&proposed)),
        approved: Set(json_refs(&approved)),
        removed: Set(json_refs(removed)),
        ballots: Set(serde_json::to_string(&ballots).unwrap_or_else(|_| "[]".to_owned())),
        comment: Set(comment.to_owned()),
        decided_at: Set(tx.now()),
        ..Default::default()
    })
    .await
    .map_err(|err| {
        // The unique (release, round) index: a decision for this round is already recorded.
        if crate::db::is_unique_violation(&err) {
            decided(next)
        } else {
            err.into()
        }
    })?;
    Ok(())
}

/// Moves the release's requests as decided.
async fn carry_out<C: Handle>(
    tx: &Ctx<C>,
    release: &release::Model,
    outcome: &Outcome,
    removed: &[String],
    comment: &str,
) -> ServiceResult<()> {
    let in_it = || {
        tx.find::<evolution::Entity>()
            .filter(evolution::Column::ReleaseId.eq(release.id))
    };
    let items = in_it()
        .order_by_asc(evolution::Column::ReleaseRank)
        .all(tx)
        .await?;
    let (out, kept): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|i| removed.contains(&i.reference));
    if let Outcome::SentBack = outcome {
        let why = Why::noted(
            StepNote::SentBackBySteering,
            "",
            Some(comment.trim().to_owned()),
        );
        move_items(tx, &kept, Action::SendBack, why).await?;
        tx.delete_many::<entity::steering_ballot::Entity>()
            .filter(entity::steering_ballot::Column::ReleaseId.eq(release.id))
            .exec(tx)
            .await?;
        return Ok(());
    }
    let why = Why::noted(
        StepNote::RemovedBySteering,
        &release.version,
        Some(comment.trim().to_owned()),
    );
    move_items(tx, &out, Action::AmendOut, why).await?;
    move_items(tx, &kept, Action::Approve, Why::default()).await?;
    let approved_rows = in_it().all(tx).await?;
    move_items(tx, &approved_rows, Action::Plan, Why::default()).await
}
