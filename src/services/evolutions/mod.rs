//! Evolution requests (SPEC section 7): filed by an establishment's contact on an offer it
//! subscribes to, read by the contacts of every subscribing establishment, supported once per
//! establishment, studied, assessed and qualified by the project committee, then carried by a
//! release. Who reads one is the scoped handle's rule (`ScopedEntity for evolution`); what a
//! reader may do is decided here, from the roles and the state machine in
//! [`crate::domain::evolution`].

pub mod assessments;
pub mod support;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{
    account, evolution, evolution_history, evolution_support, offer, organisation, release,
    service_subcategory, ticket, ticket_sequence,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{
        evolution::{self as rules, Action, Refusal, Side, State},
        role::Role,
        scoring::Score,
    },
    error::AppError,
    services::{
        PageRequest, Paged, Problems, catalogue::filing, notifications, required_text, stale,
    },
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
fn committee(caller: &Caller) -> bool {
    caller.has(Role::Committee) || caller.scope.admin
}

/// Whether the caller stands for the requesting establishment.
fn requester_side(caller: &Caller, row: &evolution::Model) -> bool {
    row.requester_id == caller.account_id
        || (caller.has(Role::Contact) && caller.organisation_id == row.organisation_id)
}

/// The actions the caller may take on a request through the API.
fn allowed_for(caller: &Caller, row: &evolution::Model) -> Vec<Action> {
    let state = State::parse(&row.state).unwrap_or(State::Closed);
    let mut actions = Vec::new();
    if committee(caller) {
        actions.extend(rules::allowed(state, Side::Committee));
    }
    if requester_side(caller, row) {
        actions.extend(rules::allowed(state, Side::Requester));
    }
    actions
}

/// The filters of the list.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvolutionFilter {
    /// Offer code.
    pub offer: Option<String>,
    /// State, or `open` (not delivered, closed, rejected or duplicate).
    pub state: Option<String>,
    /// `mine`: the caller's establishment's requests.
    pub scope: Option<String>,
    /// `queue` (score, then support, then age) or `recent` (default).
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u64>,
}

/// The requests the caller reads, filtered and paged.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    filter: &EvolutionFilter,
) -> Result<Paged<EvolutionView>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let mut select = db.find::<evolution::Entity>();
    if let Some(code) = filter.offer.as_deref().filter(|c| !c.trim().is_empty()) {
        select = select.filter(evolution::Column::OfferId.eq(offer_id(db, code).await?));
    }
    match filter.state.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some("open") => {
            select = select.filter(
                evolution::Column::State.is_in(
                    State::ALL
                        .into_iter()
                        .filter(|s| s.is_open())
                        .map(State::as_str),
                ),
            );
        }
        Some(word) => {
            let state =
                State::parse(word).ok_or_else(|| AppError::field("state", "unknown state"))?;
            select = select.filter(evolution::Column::State.eq(state.as_str()));
        }
    }
    match filter.scope.as_deref() {
        None | Some("") => {}
        Some("mine") => {
            select = select.filter(evolution::Column::OrganisationId.eq(caller.organisation_id));
        }
        Some(_) => return Err(AppError::field("scope", "must be mine")),
    }
    select = match filter.sort.as_deref().unwrap_or("recent") {
        // The committee's queue: score (unassessed last), support, then the oldest first.
        "queue" => select
            .order_by_asc(Expr::col(evolution::Column::Score).is_null())
            .order_by_desc(evolution::Column::Score)
            .order_by_desc(evolution::Column::Supporters)
            .order_by_asc(evolution::Column::CreatedAt),
        "recent" => select.order_by_desc(evolution::Column::UpdatedAt),
        _ => return Err(AppError::field("sort", "must be queue or recent")),
    }
    .order_by_asc(evolution::Column::Id);
    let total = select.clone().count(db.conn()).await?;
    let rows = select
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Paged {
        items: views(db, caller, rows).await?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// The id of an offer the caller reads, by code (404 otherwise).
pub async fn offer_id<C: ConnectionTrait>(db: &Scoped<'_, C>, code: &str) -> Result<i64, AppError> {
    crate::services::faqs::offer_id(db, code).await
}

/// The views of some rows: names, supports and releases in one query per table.
pub async fn views<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    rows: Vec<evolution::Model>,
) -> Result<Vec<EvolutionView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let pairs = |v: Vec<(i64, String)>| v.into_iter().collect::<HashMap<i64, String>>();
    let offers = pairs(
        Unscoped::find::<offer::Entity>()
            .select_only()
            .column(offer::Column::Id)
            .column(offer::Column::Code)
            .filter(offer::Column::Id.is_in(rows.iter().map(|r| r.offer_id)))
            .into_tuple()
            .all(db.conn())
            .await?,
    );
    let organisations = pairs(
        Unscoped::find::<organisation::Entity>()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .filter(organisation::Column::Id.is_in(rows.iter().map(|r| r.organisation_id)))
            .into_tuple()
            .all(db.conn())
            .await?,
    );
    let people = pairs(
        Unscoped::find::<account::Entity>()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::DisplayName)
            .filter(account::Column::Id.is_in(rows.iter().map(|r| r.requester_id)))
            .into_tuple()
            .all(db.conn())
            .await?,
    );
    let releases = pairs(
        Unscoped::find::<release::Entity>()
            .select_only()
            .column(release::Column::Id)
            .column(release::Column::Version)
            .filter(release::Column::Id.is_in(rows.iter().filter_map(|r| r.release_id)))
            .into_tuple()
            .all(db.conn())
            .await?,
    );
    let duplicates = pairs(
        Unscoped::find::<evolution::Entity>()
            .select_only()
            .column(evolution::Column::Id)
            .column(evolution::Column::Reference)
            .filter(evolution::Column::Id.is_in(rows.iter().filter_map(|r| r.duplicate_of_id)))
            .into_tuple()
            .all(db.conn())
            .await?,
    );
    let mine: BTreeSet<i64> = Unscoped::find::<evolution_support::Entity>()
        .select_only()
        .column(evolution_support::Column::EvolutionId)
        .filter(evolution_support::Column::EvolutionId.is_in(ids.iter().copied()))
        .filter(evolution_support::Column::OrganisationId.eq(caller.organisation_id))
        .into_tuple::<i64>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    let sees = committees_see(caller);
    // The breakdown is for a request's own page; lists show the stored score.
    let mut scores = HashMap::new();
    if let [only] = rows.as_slice()
        && sees
        && let Some(score) = assessments::breakdown(db.conn(), only).await?
    {
        scores.insert(only.id, score);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let state = State::parse(&row.state).unwrap_or(State::Closed);
            let named = sees
                || caller.organisation_id == row.organisation_id
                || caller.scope.delivered_offers.contains(&row.offer_id);
            let may_support = caller.has(Role::Contact)
                && caller.scope.subscribed_offers.contains(&row.offer_id)
                && state.is_open()
                && caller.organisation_id != row.organisation_id;
            EvolutionView {
                offer: offers.get(&row.offer_id).cloned().unwrap_or_default(),
                organisation: organisations
                    .get(&row.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                requester: named
                    .then(|| people.get(&row.requester_id).cloned())
                    .flatten(),
                supported_by_me: mine.contains(&row.id),
                may_support,
                score: if sees { row.score } else { None },
                score_breakdown: scores.remove(&row.id),
                analysis: if sees { row.analysis.clone() } else { None },
                release: row.release_id.and_then(|r| releases.get(&r).cloned()),
                duplicate_of: row
                    .duplicate_of_id
                    .and_then(|d| duplicates.get(&d).cloned()),
                description_html: crate::markdown::to_safe_html(&row.description),
                allowed_actions: allowed_for(caller, &row),
                committee_side: committee(caller),
                may_assess: caller.has(Role::Committee)
                    && caller.organisation_id != row.organisation_id,
                reference: row.reference,
                title: row.title,
                description: row.description,
                module: row.module,
                state,
                state_reason: row.state_reason,
                supporting_organisations: row.supporters,
                release_id: row.release_id,
                release_rank: row.release_rank,
                created_at: row.created_at,
                updated_at: row.updated_at,
                revision: row.revision,
            }
        })
        .collect())
}

/// The row of a request the caller reads (404 otherwise).
pub async fn row<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    reference: &str,
) -> Result<evolution::Model, AppError> {
    db.find::<evolution::Entity>()
        .filter(evolution::Column::Reference.eq(reference.trim().to_uppercase()))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

/// One request.
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<EvolutionView, AppError> {
    let row = row(db, reference).await?;
    views(db, caller, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// A new request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

/// Files a request for the caller's establishment, through the same filing rule as tickets
/// (a convention in force on the offer, and its cap), on the offer's evolution subcategory.
/// The requesting establishment is its first supporter.
pub async fn file<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    new: NewEvolution,
) -> Result<EvolutionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let offer_id = offer_id(db, &new.offer).await?;
    let subcategory: Option<i64> = db
        .find::<service_subcategory::Entity>()
        .select_only()
        .column(service_subcategory::Column::Id)
        .filter(service_subcategory::Column::OfferId.eq(offer_id))
        .filter(service_subcategory::Column::Kind.eq("evolution"))
        .filter(service_subcategory::Column::Status.eq("active"))
        .into_tuple()
        .one(db.conn())
        .await?;
    let subcategory = subcategory
        .ok_or_else(|| AppError::field("offer", "this offer takes no evolution requests"))?;
    if !caller.has(Role::Contact) {
        return Err(AppError::Forbidden(
            "evolution requests are filed by an establishment's contacts".to_owned(),
        ));
    }
    filing::check(db, subcategory).await?;
    let mut problems = Problems::default();
    let title = required_text(&mut problems, "title", &new.title, 300);
    let description = new.description.trim().to_owned();
    if description.is_empty() || description.chars().count() > 50_000 {
        problems.add("description", "is required, at most 50000 characters");
    }
    let module = new
        .module
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    if module.as_deref().is_some_and(|m| m.chars().count() > 100) {
        problems.add("module", "must be at most 100 characters");
    }
    problems.into_result()?;
    let now = db.now();
    let txn = db.conn().begin().await?;
    Unscoped::update_many::<ticket_sequence::Entity>()
        .col_expr(
            ticket_sequence::Column::NextValue,
            Expr::col(ticket_sequence::Column::NextValue).add(1),
        )
        .filter(ticket_sequence::Column::Kind.eq(ticket::Kind::Evolution))
        .exec(&txn)
        .await?;
    let next: i64 = Unscoped::find::<ticket_sequence::Entity>()
        .select_only()
        .column(ticket_sequence::Column::NextValue)
        .filter(ticket_sequence::Column::Kind.eq(ticket::Kind::Evolution))
        .into_tuple()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no evolution sequence")))?;
    let reference = format!("E-{:06}", next - 1);
    let created = evolution::ActiveModel {
        reference: Set(reference.clone()),
        offer_id: Set(offer_id),
        subcategory_id: Set(Some(subcategory)),
        title: Set(title),
        description: Set(description),
        module: Set(module),
        requester_id: Set(caller.account_id),
        organisation_id: Set(caller.organisation_id),
        state: Set(State::Submitted.as_str().to_owned()),
        supporters: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        revision: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    evolution_support::ActiveModel {
        evolution_id: Set(created.id),
        organisation_id: Set(caller.organisation_id),
        account_id: Set(caller.account_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    step(
        &txn,
        &created,
        None,
        State::Submitted,
        Some(caller.account_id),
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    get(db, caller, &reference).await
}

/// Records a step in the history and tells the requester and the supporting contacts (not the
/// actor), in the change's transaction.
pub async fn step<C: ConnectionTrait>(
    txn: &C,
    row: &evolution::Model,
    from: Option<State>,
    to: State,
    actor: Option<i64>,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    steps(txn, &[(row, from)], to, actor, reason, now).await
}

/// [`step`] for several requests taking the same step (a release's items): one statement for
/// the history, one for the supporters, and the notifications written together.
pub async fn steps<C: ConnectionTrait>(
    txn: &C,
    rows: &[(&evolution::Model, Option<State>)],
    to: State,
    actor: Option<i64>,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    evolution_history::Entity::insert_many(rows.iter().map(|(row, from)| {
        evolution_history::ActiveModel {
            evolution_id: Set(row.id),
            actor_id: Set(actor),
            from_state: Set(from.map(|s| s.as_str().to_owned())),
            to_state: Set(to.as_str().to_owned()),
            reason: Set(reason.clone()),
            created_at: Set(now),
            ..Default::default()
        }
    }))
    .exec_without_returning(txn)
    .await?;
    let mut supporters: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let pairs: Vec<(i64, i64)> = Unscoped::find::<evolution_support::Entity>()
        .select_only()
        .column(evolution_support::Column::EvolutionId)
        .column(evolution_support::Column::AccountId)
        .filter(evolution_support::Column::EvolutionId.is_in(rows.iter().map(|(r, _)| r.id)))
        .into_tuple()
        .all(txn)
        .await?;
    for (evolution_id, account_id) in pairs {
        supporters
            .entry(evolution_id)
            .or_default()
            .insert(account_id);
    }
    let detail = match &reason {
        Some(reason) => format!("{} — {reason}", to.as_str()),
        None => to.as_str().to_owned(),
    };
    let events: Vec<(BTreeSet<i64>, notifications::MailData)> = rows
        .iter()
        .map(|(row, _)| {
            let mut people = supporters.remove(&row.id).unwrap_or_default();
            people.insert(row.requester_id);
            if let Some(actor) = actor {
                people.remove(&actor);
            }
            let data = notifications::MailData {
                kind: notifications::Kind::Evolution,
                reference: row.reference.clone(),
                title: row.title.clone(),
                path: format!("/portal/evolutions/{}", row.reference),
                actor: None,
                detail: Some(detail.clone()),
            };
            (people, data)
        })
        .collect();
    let platform = std::sync::Arc::new(crate::access::Caller::platform());
    Ok(notifications::notify_many(&crate::db::Ctx::new(txn, platform, now), &events).await?)
}

/// The body of an action.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvolutionActionInput {
    /// The revision read.
    pub revision: i32,
    /// Why (required to defer or reject); for `provide_info`, the answer; for `qualify`, the
    /// committee's written analysis.
    pub reason: Option<String>,
    /// `mark_duplicate`: the reference of the request it duplicates.
    pub of: Option<String>,
}

/// Takes an action of the API on a request: 404 if unread, 403 if the caller's roles lack it,
/// 409 (with what is allowed) if not from this state or the revision is stale, 422 on bad input.
/// Nothing changes when refused.
pub async fn act<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
    action: Action,
    input: EvolutionActionInput,
) -> Result<EvolutionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, reference).await?;
    let state = State::parse(&current.state).unwrap_or(State::Closed);
    let side = match action {
        Action::ProvideInfo if requester_side(caller, &current) => Side::Requester,
        Action::ProvideInfo => {
            return Err(AppError::Forbidden(
                "only the requesting establishment answers".to_owned(),
            ));
        }
        Action::Review
        | Action::RequestInfo
        | Action::Qualify
        | Action::Defer
        | Action::Reject
        | Action::MarkDuplicate
        | Action::Close
            if committee(caller) =>
        {
            Side::Committee
        }
        Action::Review
        | Action::RequestInfo
        | Action::Qualify
        | Action::Defer
        | Action::Reject
        | Action::MarkDuplicate
        | Action::Close => {
            return Err(AppError::Forbidden(
                "this is the project committee's to do".to_owned(),
            ));
        }
        _ => return Err(AppError::NotFound),
    };
    let to = match rules::apply(state, action, side) {
        Ok(to) => to,
        Err(Refusal::NotYours) => {
            return Err(AppError::Forbidden(
                "this action is not yours to take".to_owned(),
            ));
        }
        Err(Refusal::NotNow(allowed)) => return Err(not_now(state, &allowed)),
    };
    let reason = input
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reason
        .as_deref()
        .is_some_and(|r| r.chars().count() > 10_000)
    {
        return Err(AppError::field(
            "reason",
            "must be at most 10000 characters",
        ));
    }
    if action.needs_reason() && reason.is_none() {
        return Err(AppError::field("reason", "is required"));
    }
    if action == Action::Qualify && current.score.is_none() {
        return Err(AppError::Conflict {
            message: "assess the request before qualifying it".to_owned(),
            details: serde_json::json!({ "reason": "not_assessed" }),
        });
    }
    let survivor = match action {
        Action::MarkDuplicate => Some(survivor(db, &current, input.of.as_deref()).await?),
        _ => None,
    };
    let now = db.now();
    let txn = db.conn().begin().await?;
    let mut update = db
        .update_many::<evolution::Entity>()
        .col_expr(evolution::Column::State, Expr::value(to.as_str()))
        .col_expr(evolution::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            evolution::Column::Revision,
            Expr::value(current.revision + 1),
        )
        .filter(evolution::Column::Id.eq(current.id))
        .filter(evolution::Column::Revision.eq(input.revision));
    match action {
        Action::Defer | Action::Reject => {
            update = update.col_expr(evolution::Column::StateReason, Expr::value(reason.clone()));
        }
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
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(stale());
    }
    let told = match &survivor {
        Some(s) => Some(format!("{} ({})", s.reference, s.title)),
        None => reason.clone(),
    };
    step(
        &txn,
        &current,
        Some(state),
        to,
        Some(caller.account_id),
        told,
        now,
    )
    .await?;
    if let Some(survivor) = survivor {
        support::merge(&txn, &current, &survivor, now).await?;
    }
    txn.commit().await?;
    get(db, caller, reference).await
}

/// The 409 of an action not allowed from this state.
pub fn not_now(state: State, allowed: &[Action]) -> AppError {
    AppError::Conflict {
        message: format!("not allowed while the request is {}", state.as_str()),
        details: serde_json::json!({
            "state": state.as_str(),
            "allowed_actions": allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        }),
    }
}

/// The request a duplicate merges into: read, of the same offer, another one, still open.
async fn survivor<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    duplicate: &evolution::Model,
    of: Option<&str>,
) -> Result<evolution::Model, AppError> {
    let of = of
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .ok_or_else(|| AppError::field("of", "is required: the request this one duplicates"))?;
    let target = db
        .find::<evolution::Entity>()
        .filter(evolution::Column::Reference.eq(of.to_uppercase()))
        .one(db.conn())
        .await?
        .ok_or_else(|| AppError::field("of", "is not a request you read"))?;
    let open = State::parse(&target.state).is_some_and(State::is_open);
    if target.id == duplicate.id || target.offer_id != duplicate.offer_id || !open {
        return Err(AppError::field(
            "of",
            "must be another open request on the same offer",
        ));
    }
    Ok(target)
}

/// One step of a request's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvolutionStep {
    /// Before.
    pub from: Option<String>,
    /// After.
    pub to: String,
    /// Why.
    pub reason: Option<String>,
    /// Who (committees and the requesting establishment see names; others "—").
    pub actor: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A request's history, oldest first (at most 200 steps).
pub async fn history<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    reference: &str,
) -> Result<Vec<EvolutionStep>, AppError> {
    let current = row(db, reference).await?;
    let steps = Unscoped::find::<evolution_history::Entity>()
        .filter(evolution_history::Column::EvolutionId.eq(current.id))
        .order_by_asc(evolution_history::Column::Id)
        .limit(200)
        .all(db.conn())
        .await?;
    let named = committees_see(caller) || caller.organisation_id == current.organisation_id;
    let names: HashMap<i64, String> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(steps.iter().filter_map(|s| s.actor_id)))
        .into_tuple::<(i64, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    Ok(steps
        .into_iter()
        .map(|s| EvolutionStep {
            actor: if named {
                s.actor_id.and_then(|a| names.get(&a).cloned())
            } else {
                None
            },
            from: s.from_state,
            to: s.to_state,
            reason: s.reason,
            at: s.created_at,
        })
        .collect())
}
