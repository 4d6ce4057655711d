//! Support: a contact backs a request on behalf of their establishment, once per establishment;
//! the requesting establishment is the first supporter. A duplicate's supporters move to the
//! request it duplicates, without counting anyone twice.

use entity::{evolution, evolution_support};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, Query},
};

use super::{EvolutionView, get, parents_writable, row, state_of};
use crate::{
    access::Caller,
    db::{Ctx, Handle},
    domain::role::Role,
    services::error::{ServiceError, ServiceResult},
};

/// Whether the caller may support requests on this offer: a contact of an establishment with a
/// convention in force on it. (A reader without that right gets 403: it reads, but may not.)
fn may_support(caller: &Caller, row: &evolution::Model) -> ServiceResult<()> {
    if caller.has(Role::Contact) && caller.scope.subscribed_offers.contains(&row.offer_id) {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "evo-support-by-subscribers",
            vec![],
        ))
    }
}

/// Recounts a request's supporting establishments into its row, and its score with them.
async fn recount<C: Handle>(tx: &Ctx<C>, evolution_id: i64) -> ServiceResult<()> {
    let count = tx
        .find::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(evolution_id))
        .count(tx)
        .await?;
    tx.update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::Supporters,
            Expr::value(i32::try_from(count).unwrap_or(i32::MAX)),
        )
        .filter(evolution::Column::Id.eq(evolution_id))
        .exec(tx)
        .await?;
    // Support weighs in the score.
    super::assessments::rescore(tx, evolution_id).await?;
    Ok(())
}

/// The caller's establishment supports the request (again: nothing changes).
pub async fn give<C>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<EvolutionView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let current = row(ctx, reference).await?;
    may_support(caller, &current)?;
    if !state_of(&current).is_open() {
        return Err(ServiceError::conflict(
            "evo-support-over",
            vec![],
            serde_json::json!({ "state": state_of(&current).as_str() }),
        ));
    }
    let tx = ctx.begin().await?;
    let already = tx
        .find::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(current.id))
        .filter(evolution_support::Column::OrganisationId.eq(caller.organisation_id))
        .count(&tx)
        .await?;
    if already == 0 {
        tx.insert_child(evolution_support::ActiveModel {
            evolution_id: Set(current.id),
            organisation_id: Set(caller.organisation_id),
            account_id: Set(caller.account_id),
            created_at: Set(tx.now()),
            ..Default::default()
        })
        .await?;
        recount(&tx, current.id).await?;
    }
    tx.commit().await?;
    get(ctx, reference).await
}

/// The caller's establishment withdraws its support; the requesting establishment cannot.
pub async fn withdraw<C>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<EvolutionView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let current = row(ctx, reference).await?;
    may_support(caller, &current)?;
    if current.organisation_id == caller.organisation_id {
        return Err(ServiceError::conflict(
            "evo-support-requester-stays",
            vec![],
            serde_json::json!({ "reason": "requester" }),
        ));
    }
    let tx = ctx.begin().await?;
    tx.delete_many::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(current.id))
        .filter(evolution_support::Column::OrganisationId.eq(caller.organisation_id))
        .exec(&tx)
        .await?;
    recount(&tx, current.id).await?;
    tx.commit().await?;
    get(ctx, reference).await
}

/// Moves a duplicate's supporting establishments to the surviving request, in the marking's
/// transaction: one statement copies those the survivor lacks, one removes them from the
/// duplicate, and the survivor's count is taken again.
pub async fn merge<C: Handle>(
    tx: &Ctx<C>,
    duplicate: &evolution::Model,
    survivor: &evolution::Model,
) -> ServiceResult<()> {
    // One statement copies rows between two requests: both must be the caller's to change.
    parents_writable::<evolution_support::Entity, _>(tx, &[duplicate.id, survivor.id]).await?;
    let backend = tx.get_database_backend();
    let already = Query::select()
        .column(evolution_support::Column::OrganisationId)
        .from(evolution_support::Entity)
        .and_where(evolution_support::Column::EvolutionId.eq(survivor.id))
        .to_owned();
    // MariaDB refuses a subquery on the table being inserted into; a derived table is read first.
    let already = Query::select()
        .column(evolution_support::Column::OrganisationId)
        .from_subquery(already, sea_orm::sea_query::Alias::new("held"))
        .to_owned();
    let moved = Query::select()
        .expr(Expr::value(survivor.id))
        .column(evolution_support::Column::OrganisationId)
        .column(evolution_support::Column::AccountId)
        .expr(Expr::value(tx.now()))
        .from(evolution_support::Entity)
        .and_where(evolution_support::Column::EvolutionId.eq(duplicate.id))
        .and_where(evolution_support::Column::OrganisationId.not_in_subquery(already))
        .to_owned();
    let insert = Query::insert()
        .into_table(evolution_support::Entity)
        .columns([
            evolution_support::Column::EvolutionId,
            evolution_support::Column::OrganisationId,
            evolution_support::Column::AccountId,
            evolution_support::Column::CreatedAt,
        ])
        .select_from(moved)
        .map_err(|e| ServiceError::Internal(e.into()))?
        .to_owned();
    tx.execute_raw(backend.build(&insert)).await?;
    tx.delete_many::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(duplicate.id))
        .exec(tx)
        .await?;
    recount(tx, survivor.id).await?;
    recount(tx, duplicate.id).await?;
    // The survivor's supporters who came from the duplicate hear of it too.
    super::step(
        tx,
        survivor,
        None,
        state_of(survivor),
        None,
        super::Why::noted(super::StepNote::MergedHere, &duplicate.reference, None),
    )
    .await
}
