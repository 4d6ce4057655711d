//! Evolution requests (SPEC section 7): filed by an establishment's contact on an offer it
//! subscribes to, read by the contacts of every subscribing establishment, supported once per
//! establishment, studied, assessed and qualified by the project committee, then carried by a
//! release. Who reads one is the context's rule (`ScopedEntity for evolution`, and its children
//! through it); what a reader may do is decided here, from the roles and the state machine in
//! [`crate::domain::evolution`].

mod actions;
pub mod assessments;
mod filing;
mod history;
mod list;
pub mod support;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{evolution, offer};
use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef, Select};
use serde::Serialize;
use utoipa::ToSchema;

pub use self::{
    actions::{EvolutionActionInput, act, not_now},
    filing::{NewEvolution, file},
    history::{EvolutionStep, StepNote, Why, history, state_why, step, steps, told},
    list::{EvolutionFilter, export, list, views},
};
use crate::{
    access::Caller,
    db::{ChildEntity, Ctx, Handle, ScopedEntity},
    domain::{
        evolution::{self as rules, Action, Side, State},
        role::Role,
        scoring::Score,
    },
    services::error::{ServiceError, ServiceResult},
};

/// An evolution request as its reader sees it: the committee's notes, the score and the
/// requester's name only for those who may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvolutionView {
    /// Reference, `E-000001`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Offer code.
    pub offer: String,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Description rendered and sanitised.
    pub description_html: String,
    /// Module concerned.
    pub module: Option<String>,
    /// State.
    pub state: State,
    /// Reason of a deferral, a rejection or a removal.
    pub state_reason: Option<String>,
    /// Requesting establishment.
    pub organisation: String,
    /// The requester's name: for the committees, the provider and the requesting establishment.
    pub requester: Option<String>,
    /// Establishments supporting it (the requesting one included).
    pub supporting_organisations: i32,
    /// Whether the reader's establishment supports it.
    pub supported_by_me: bool,
    /// Whether the reader may support it (or withdraw) now.
    pub may_support: bool,
    /// Consolidated score, 0–100 (committees only).
    pub score: Option<f64>,
    /// How the score is made (committees only).
    pub score_breakdown: Option<Score>,
    /// The committee's written analysis (committees only).
    pub analysis: Option<String>,
    /// Release it is in: version label.
    pub release: Option<String>,
    /// Release id.
    pub release_id: Option<i64>,
    /// Position in the release.
    pub release_rank: Option<i32>,
    /// The request it duplicates.
    pub duplicate_of: Option<String>,
    /// Filed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Revision, for actions.
    pub revision: i32,
    /// What the reader may do now.
    pub allowed_actions: Vec<Action>,
    /// Whether the reader sits on the project committee for it.
    pub committee_side: bool,
    /// Whether the reader may assess it (a committee member of another establishment).
    pub may_assess: bool,
}

/// Whether the caller sees what the committees see.
pub fn committees_see(caller: &Caller) -> bool {
    caller.has(Role::Committee) || caller.has(Role::Steering) || caller.scope.admin
}

/// Whether the caller acts for the project committee.
pub(crate) fn committee(caller: &Caller) -> bool {
    caller.has(Role::Committee) || caller.scope.admin
}

/// Whether the caller stands for the requesting establishment.
fn requester_side(caller: &Caller, row: &evolution::Model) -> bool {
    row.requester_id == caller.account_id
        || (caller.has(Role::Contact) && caller.organisation_id == row.organisation_id)
}

/// The actions the caller may take on a request through the API.
fn allowed_for(caller: &Caller, row: &evolution::Model, state: State) -> Vec<Action> {
    let mut actions = Vec::new();
    if committee(caller) {
        actions.extend(rules::allowed(state, Side::Committee));
    }
    if requester_side(caller, row) {
        actions.extend(rules::allowed(state, Side::Requester));
    }
    actions
}

/// The state of a stored request (the database layer refuses a word no state has).
pub fn state_of(row: &evolution::Model) -> State {
    State::from(row.state)
}

/// The id of an offer the caller reads, by code (404 otherwise).
pub async fn offer_id<C: Handle>(ctx: &Ctx<C>, code: &str) -> ServiceResult<i64> {
    ctx.find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .filter(offer::Column::Code.eq(code.trim().to_uppercase()))
        .into_tuple()
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The row of a request the caller reads (404 otherwise).
pub async fn row<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<evolution::Model> {
    ctx.find::<evolution::Entity>()
        .filter(evolution::Column::Reference.eq(reference.trim().to_uppercase()))
        .one(ctx)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One request.
pub async fn get<C: Handle>(ctx: &Ctx<C>, reference: &str) -> ServiceResult<EvolutionView> {
    let row = row(ctx, reference).await?;
    views(ctx, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// Labels of the rows of table `T` that some rows the caller reads point at (an offer's code,
/// an establishment's name), by the pointing column's value: read through the rows' own rule,
/// so a name shows only beside something the caller reads.
pub(crate) async fn labels<E, T, C>(
    ctx: &Ctx<C>,
    rows: Select<E>,
    pointer: E::Column,
    key: T::Column,
    label: T::Column,
) -> ServiceResult<HashMap<i64, String>>
where
    E: EntityTrait,
    T: EntityTrait,
    C: Handle,
{
    let joined: RelationDef = E::belongs_to(T::default()).from(pointer).to(key).into();
    Ok(rows
        .select_only()
        .column(pointer)
        .column(label)
        .join(JoinType::InnerJoin, joined)
        .into_tuple::<(i64, String)>()
        .all(ctx)
        .await?
        .into_iter()
        .collect())
}

/// Checks that the caller may change the parents `ids` of rows of `E` (404 otherwise), for the
/// writes [`Ctx::insert_child`] does not express: an upsert, several rows in one statement.
pub(crate) async fn parents_writable<E, C>(ctx: &Ctx<C>, ids: &[i64]) -> ServiceResult<()>
where
    E: ChildEntity,
    C: Handle,
{
    let wanted: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    let found: Vec<i64> = ctx
        .find::<E::Parent>()
        .select_only()
        .column(E::parent_key())
        .filter(<E::Parent as ScopedEntity>::writable(ctx.scope()))
        .filter(E::parent_key().is_in(wanted.iter().copied()))
        .into_tuple()
        .all(ctx)
        .await?;
    if found.len() == wanted.len() {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// A trimmed optional text of at most `max` characters (`None` when blank).
fn optional_text(field: &str, text: Option<String>, max: usize) -> ServiceResult<Option<String>> {
    let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if text.as_deref().is_some_and(|t| t.chars().count() > max) {
        return Err(ServiceError::field(
            field,
            "field-too-long",
            vec![("max", max.to_string())],
        ));
    }
    Ok(text)
}
