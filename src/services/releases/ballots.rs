//! Before the steering committee: each member's ballot (changeable until the decision, which
//! the ballot completing the quorum and majority takes at once) or the chair's decision.

use entity::{release, steering_ballot};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::OnConflict,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ReleaseState, ReleaseView,
    decisions::{Decider, decided, move_proposed, not_proposed, proposal_of, record},
    get, json_refs, normalised,
    read::vote_of,
    refs, row, steering_settings,
};
use crate::{
    db::{Ctx, Handle},
    domain::{
        role::Role,
        steering::{self, Ballot, Outcome, Vote},
    },
    services::{
        error::{ServiceError, ServiceResult},
        evolutions::parents_writable,
    },
};

/// A steering member's ballot, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"vote": "approve", "comment": "Liste cohérente avec la feuille de route."}))]
pub struct BallotInput {
    /// The vote.
    pub vote: Vote,
    /// With amendments: the references to remove.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}

/// What a ballot and the chair both check once their role is: the release is before the
/// steering committee (409 otherwise) and what it removes is in the proposal (422).
async fn checked_against_proposal<C: Handle>(
    ctx: &Ctx<C>,
    current: &release::Model,
    vote: Vote,
    removed: &[String],
) -> ServiceResult<()> {
    let state = ReleaseState::of(current);
    if state != ReleaseState::Proposed {
        return Err(decided(state));
    }
    let proposal = proposal_of(ctx, current.id).await?;
    let ballot = Ballot {
        voter: ctx.caller().account_id,
        vote,
        removed: removed.to_vec(),
    };
    steering::validate_ballot(&ballot, &proposal)
        .map_err(|(field, key, args)| ServiceError::field(field, key, args))
}

/// Casts or changes the caller's ballot on a proposal; when the quorum and the majority are
/// reached the decision is taken at once. 403 without the steering role, 409 when the release is
/// not before the steering committee, 422 on a ballot that does not fit the proposal.
pub async fn vote<C>(ctx: &Ctx<C>, id: i64, input: BallotInput) -> ServiceResult<ReleaseView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let current = row(ctx, id).await?;
    if !ctx.caller().has(Role::Steering) {
        return Err(ServiceError::forbidden("steering-ballots-only", vec![]));
    }
    let removed = normalised(&input.removed);
    checked_against_proposal(ctx, &current, input.vote, &removed).await?;
    if input.comment.chars().count() > 10_000 {
        return Err(ServiceError::field(
            "comment",
            "field-too-long",
            vec![("max", "10000".to_owned())],
        ));
    }
    let tx = ctx.begin().await?;
    // The release row first, still proposed: a ballot after the decision is refused, and the
    // ballots on one release queue behind each other, so the one that completes the quorum
    // counts every other (two last ballots each seeing only itself would decide nothing). A
    // write, not a read: a SQLite transaction that reads first cannot take the write lock later.
    if !move_proposed(&tx, id, ReleaseState::Proposed).await? {
        // Told from inside the transaction, which rolls back when dropped: SQLite's pool has
        // only its connection.
        return Err(not_proposed(&tx, id).await);
    }
    cast(&tx, id, input.vote, &removed, input.comment.trim()).await?;
    let ballots = tx
        .find::<steering_ballot::Entity>()
        .filter(steering_ballot::Column::ReleaseId.eq(id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|b| {
            Ok(Ballot {
                voter: b.account_id,
                vote: vote_of(&b),
                removed: refs(&b.removed),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let settings = steering_settings(&tx).await?;
    if let Some(outcome) = steering::decide(&ballots, settings.rules) {
        record(&tx, &current, outcome, Decider::Ballots, String::new()).await?;
    }
    tx.commit().await?;
    get(ctx, id).await
}

/// Writes the caller's ballot, or changes it.
async fn cast<C: Handle>(
    tx: &Ctx<C>,
    id: i64,
    vote: Vote,
    removed: &[String],
    comment: &str,
) -> ServiceResult<()> {
    // The upsert is not a plain child insert: its parent is checked first.
    parents_writable::<steering_ballot::Entity, _>(tx, &[id]).await?;
    steering_ballot::Entity::insert(steering_ballot::ActiveModel {
        release_id: Set(id),
        account_id: Set(tx.caller().account_id),
        vote: Set(vote.into()),
        removed: Set(json_refs(removed)),
        comment: Set(comment.to_owned()),
        created_at: Set(tx.now()),
        updated_at: Set(tx.now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            steering_ballot::Column::ReleaseId,
            steering_ballot::Column::AccountId,
        ])
        .update_columns([
            steering_ballot::Column::Vote,
            steering_ballot::Column::Removed,
            steering_ballot::Column::Comment,
            steering_ballot::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// The chair's decision, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "approved", "comment": "Validée en séance du comité de pilotage."}))]
pub struct ChairDecision {
    /// `approved`, `approved_with_amendments` or `sent_back`.
    pub outcome: String,
    /// With amendments: the references removed.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}

/// The chair records the decision on a proposal: 403 for anyone else, 409 when there is no
/// proposal to decide (a decided one included).
pub async fn decide_as_chair<C>(
    ctx: &Ctx<C>,
    id: i64,
    input: ChairDecision,
) -> ServiceResult<ReleaseView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let current = row(ctx, id).await?;
    let settings = steering_settings(ctx).await?;
    if settings.chair != Some(caller.account_id) || !caller.has(Role::Steering) {
        return Err(ServiceError::forbidden("steering-chair-decides", vec![]));
    }
    let removed = normalised(&input.removed);
    let (vote, outcome) = match input.outcome.as_str() {
        "approved" => (Vote::Approve, Outcome::Approved),
        "sent_back" => (Vote::Against, Outcome::SentBack),
        "approved_with_amendments" => (
            Vote::ApproveWithAmendments,
            Outcome::ApprovedWithAmendments {
                removed: removed.clone(),
            },
        ),
        _ => {
            checked_against_proposal(ctx, &current, Vote::Approve, &[]).await?;
            return Err(ServiceError::field(
                "outcome",
                "steering-outcome-known",
                vec![],
            ));
        }
    };
    // The chair's removals are checked as an amended ballot's (others remove nothing).
    let removing = if vote == Vote::ApproveWithAmendments {
        removed.as_slice()
    } else {
        &[]
    };
    checked_against_proposal(ctx, &current, vote, removing).await?;
    let tx = ctx.begin().await?;
    record(
        &tx,
        &current,
        outcome,
        Decider::Chair(caller.account_id),
        input.comment,
    )
    .await?;
    tx.commit().await?;
    get(ctx, id).await
}
