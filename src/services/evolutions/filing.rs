//! Filing a request: the same filing rule as tickets, a reference from the shared sequence,
//! and the requesting establishment as its first supporter.

use entity::{evolution, evolution_support, service_subcategory};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{EvolutionView, get, offer_id, step};
use crate::{
    db::{Ctx, Handle},
    domain::{evolution::State, role::Role},
    services::{
        Problems,
        catalogue::filing,
        error::{ServiceError, ServiceResult},
        required_text,
    },
};

/// A new request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"offer": "SMS-U", "title": "Envoi à une étape Apogée", "description": "Envoyer un SMS à tous les inscrits d'une étape en une fois.", "module": "Listes de diffusion"}))]
pub struct NewEvolution {
    /// Offer code.
    pub offer: String,
    /// Title.
    pub title: String,
    /// What is wanted and why (Markdown).
    pub description: String,
    /// Module concerned.
    pub module: Option<String>,
}

/// A request's texts, checked.
struct Texts {
    title: String,
    description: String,
    module: Option<String>,
}

fn checked(new: NewEvolution) -> ServiceResult<Texts> {
    let mut problems = Problems::default();
    let title = required_text(&mut problems, "title", &new.title, 300);
    let description = required_text(&mut problems, "description", &new.description, 50_000);
    let module = new
        .module
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    if module.as_deref().is_some_and(|m| m.chars().count() > 100) {
        problems.rule("module", "field-too-long", vec![("max", "100".to_owned())]);
    }
    problems.into_result()?;
    Ok(Texts {
        title,
        description,
        module,
    })
}

/// The offer's evolution subcategory, active (422 on `offer` when it takes no requests).
async fn evolution_subcategory<C: Handle>(ctx: &Ctx<C>, offer_id: i64) -> ServiceResult<i64> {
    let subcategory: Option<i64> = ctx
        .find::<service_subcategory::Entity>()
        .select_only()
        .column(service_subcategory::Column::Id)
        .filter(service_subcategory::Column::OfferId.eq(offer_id))
        .filter(service_subcategory::Column::Kind.eq("evolution"))
        .filter(service_subcategory::Column::Status.eq("active"))
        .into_tuple()
        .one(ctx)
        .await?;
    subcategory.ok_or_else(|| ServiceError::field("offer", "evo-offer-takes-none", vec![]))
}

/// The next reference, `E-000001`, from the sequence shared with tickets, in the filing's
/// transaction (incremented in SQL, then read).
async fn next_reference<C: Handle>(tx: &Ctx<C>) -> ServiceResult<String> {
    let next = crate::db::directory::next_number(tx, entity::ticket::Kind::Evolution).await?;
    Ok(format!("E-{next:06}"))
}

/// Files a request for the caller's establishment, through the same filing rule as tickets
/// (a convention in force on the offer, and its cap), on the offer's evolution subcategory.
/// The requesting establishment is its first supporter.
pub async fn file<C>(ctx: &Ctx<C>, new: NewEvolution) -> ServiceResult<EvolutionView>
where
    C: Handle,
    C::Conn: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let caller = ctx.caller();
    let offer_id = offer_id(ctx, &new.offer).await?;
    let subcategory = evolution_subcategory(ctx, offer_id).await?;
    if !caller.has(Role::Contact) {
        return Err(ServiceError::forbidden("evo-filed-by-contacts", vec![]));
    }
    filing::check(ctx, subcategory).await?;
    let texts = checked(new)?;
    let now = ctx.now();
    let tx = ctx.begin().await?;
    let reference = next_reference(&tx).await?;
    let created = evolution::ActiveModel {
        reference: Set(reference.clone()),
        offer_id: Set(offer_id),
        subcategory_id: Set(Some(subcategory)),
        title: Set(texts.title),
        description: Set(texts.description),
        module: Set(texts.module),
        requester_id: Set(caller.account_id),
        organisation_id: Set(caller.organisation_id),
        state: Set(State::Submitted.into()),
        supporters: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        revision: Set(1),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    tx.insert_child(evolution_support::ActiveModel {
        evolution_id: Set(created.id),
        organisation_id: Set(caller.organisation_id),
        account_id: Set(caller.account_id),
        created_at: Set(now),
        ..Default::default()
    })
    .await?;
    step(
        &tx,
        &created,
        None,
        State::Submitted,
        Some(caller.account_id),
        super::Why::default(),
    )
    .await?;
    tx.commit().await?;
    get(ctx, &reference).await
}
