//! Support: a contact backs a request on behalf of their establishment, once per establishment;
//! the requesting establishment is the first supporter. A duplicate's supporters move to the
//! request it duplicates, without counting anyone twice.

use chrono::{DateTime, Utc};
use entity::{evolution, evolution_support};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
    sea_query::{Expr, Query},
};

use super::{EvolutionView, get, row};
use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{evolution::State, role::Role},
    error::AppError,
};

/// Whether the caller may support requests on this offer: a contact of an establishment with a
/// convention in force on it. (A reader without that right gets 403: it reads, but may not.)
fn may_support(caller: &Caller, row: &evolution::Model) -> Result<(), AppError> {
    if caller.has(Role::Contact) && caller.scope.subscribed_offers.contains(&row.offer_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "requests are supported by the contacts of subscribing establishments".to_owned(),
        ))
    }
}

/// Recounts a request's supporting establishments into its row.
async fn recount<C: ConnectionTrait>(db: &C, evolution_id: i64) -> Result<(), AppError> {
    let count = Unscoped::find::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(evolution_id))
        .count(db)
        .await?;
    Unscoped::update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::Supporters,
            Expr::value(i32::try_from(count).unwrap_or(i32::MAX)),
        )
        .filter(evolution::Column::Id.eq(evolution_id))
        .exec(db)
        .await?;
    // Support weighs in the score.
    if let Some(row) = Unscoped::find::<evolution::Entity>()
        .filter(evolution::Column::Id.eq(evolution_id))
        .one(db)
        .await?
    {
        super::assessments::rescore(db, &row).await?;
    }
    Ok(())
}

/// The caller's establishment supports the request (again: nothing changes).
pub async fn give<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<EvolutionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    may_support(caller, &current)?;
    if !State::parse(&current.state).is_some_and(State::is_open) {
        return Err(AppError::Conflict {
            message: "this request is over: it takes no more support".to_owned(),
            details: serde_json::json!({ "state": current.state }),
        });
    }
    let txn = db.conn().begin().await?;
    let already = Unscoped::find::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(current.id))
        .filter(evolution_support::Column::OrganisationId.eq(caller.organisation_id))
        .count(&txn)
        .await?;
    if already == 0 {
        evolution_support::ActiveModel {
            evolution_id: Set(current.id),
            organisation_id: Set(caller.organisation_id),
            account_id: Set(caller.account_id),
            created_at: Set(db.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        recount(&txn, current.id).await?;
    }
    txn.commit().await?;
    get(db, caller, reference).await
}

/// The caller's establishment withdraws its support; the requesting establishment cannot.
pub async fn withdraw<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<EvolutionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    may_support(caller, &current)?;
    if current.organisation_id == caller.organisation_id {
        return Err(AppError::Conflict {
            message: "the requesting establishment is the request's first supporter".to_owned(),
            details: serde_json::json!({ "reason": "requester" }),
        });
    }
    let txn = db.conn().begin().await?;
    Unscoped::delete_many::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(current.id))
        .filter(evolution_support::Column::OrganisationId.eq(caller.organisation_id))
        .exec(&txn)
        .await?;
    recount(&txn, current.id).await?;
    txn.commit().await?;
    get(db, caller, reference).await
}

/// Moves a duplicate's supporting establishments to the surviving request, in the marking's
/// transaction: one statement copies those the survivor lacks, one removes them from the
/// duplicate, and the survivor's count is taken again.
pub async fn merge<C: ConnectionTrait>(
    txn: &C,
    duplicate: &evolution::Model,
    survivor: &evolution::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let backend = txn.get_database_backend();
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
        .expr(Expr::value(now))
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
        .map_err(|e| AppError::Internal(e.into()))?
        .to_owned();
    txn.execute_raw(backend.build(&insert)).await?;
    Unscoped::delete_many::<evolution_support::Entity>()
        .filter(evolution_support::Column::EvolutionId.eq(duplicate.id))
        .exec(txn)
        .await?;
    recount(txn, survivor.id).await?;
    recount(txn, duplicate.id).await?;
    // The survivor's supporters who came from the duplicate hear of it too.
    super::step(
        txn,
        survivor,
        None,
        State::parse(&survivor.state).unwrap_or(State::Submitted),
        None,
        Some(format!("{} fusionnée ici", duplicate.reference)),
        now,
    )
    .await
}
