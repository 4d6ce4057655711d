//! Releases (SPEC section 7): the project committee ranks qualified requests into a proposal
//! weighed against its declared capacity and submits it; the steering committee's ballots (or
//! its chair) decide; the decision record is written once and never changed; the release is
//! then built and shipped, and its requests follow at every step.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    account, evolution, evolution_assessment, offer, organisation, release, setting,
    steering_ballot, steering_decision,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{CaseStatement, Expr, ExprTrait, OnConflict},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access::Caller,
    db::{Scoped, Unscoped},
    domain::{
        evolution::{Action, State},
        role::Role,
        steering::{self, Ballot, Outcome, Rules, Tally, Vote},
    },
    error::AppError,
    services::{PageRequest, Paged, Problems, evolutions, required_text, stale},
};

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseState {
    /// Being built by the project committee.
    Draft,
    /// Before the steering committee.
    Proposed,
    /// Decided.
    Approved,
    /// Being built.
    InDevelopment,
    /// Shipped.
    Released,
}

impl ReleaseState {
    fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Draft => "draft",
            ReleaseState::Proposed => "proposed",
            ReleaseState::Approved => "approved",
            ReleaseState::InDevelopment => "in_development",
            ReleaseState::Released => "released",
        }
    }

    fn parse(word: &str) -> ReleaseState {
        match word {
            "proposed" => ReleaseState::Proposed,
            "approved" => ReleaseState::Approved,
            "in_development" => ReleaseState::InDevelopment,
            "released" => ReleaseState::Released,
            _ => ReleaseState::Draft,
        }
    }
}

/// A request in a release.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseItem {
    /// Reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: String,
    /// Requesting establishment.
    pub organisation: String,
    /// Supporting establishments.
    pub supporters: i32,
    /// Score (committees only).
    pub score: Option<f64>,
    /// Mean estimated effort of the assessments, person-days.
    pub estimated_days: Option<f64>,
}

/// A steering member's ballot, as shown to the committees.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BallotView {
    /// Voter.
    pub voter: String,
    /// Vote.
    pub vote: Vote,
    /// References removed (with amendments).
    pub removed: Vec<String>,
    /// Comment.
    pub comment: String,
    /// Cast or last changed.
    pub at: DateTime<Utc>,
}

/// The decision record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionView {
    /// `approved`, `approved_with_amendments` or `sent_back`.
    pub outcome: String,
    /// `ballots` or `chair`.
    pub decided_by: String,
    /// The chair who recorded it.
    pub chair: Option<String>,
    /// The list as proposed.
    pub proposed: Vec<String>,
    /// The list as approved.
    pub approved: Vec<String>,
    /// What was removed.
    pub removed: Vec<String>,
    /// Who voted what and when.
    pub ballots: Vec<BallotView>,
    /// Comment.
    pub comment: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// A release as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseView {
    /// Id.
    pub id: i64,
    /// Offer code.
    pub offer: String,
    /// Version label.
    pub version: String,
    /// `major` or `minor`.
    pub kind: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Declared capacity, person-days.
    pub capacity_days: i32,
    /// State.
    pub state: ReleaseState,
    /// Its requests, in rank order.
    pub items: Vec<ReleaseItem>,
    /// Sum of the items' estimated effort.
    pub total_estimated_days: f64,
    /// Whether that sum exceeds the capacity (shown, never hidden).
    pub over_capacity: bool,
    /// Revision, for changes.
    pub revision: i32,
    /// The count of ballots (committees, while proposed).
    pub tally: Option<Tally>,
    /// The ballots (committees).
    pub ballots: Vec<BallotView>,
    /// The latest decision.
    pub decision: Option<DecisionView>,
    /// Whether the reader may change the list now.
    pub may_edit: bool,
    /// Whether the reader may vote now.
    pub may_vote: bool,
    /// Whether the reader chairs the steering committee.
    pub chair: bool,
}

/// The steering committee's rules and chair (setting `steering`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SteeringSettings {
    /// Quorum and majority.
    #[serde(flatten)]
    pub rules: Rules,
    /// The chair's account id.
    pub chair: Option<i64>,
}

const STEERING: &str = "steering";

/// The steering settings in force.
pub async fn steering_settings<C: ConnectionTrait>(db: &C) -> Result<SteeringSettings, AppError> {
    Ok(Unscoped::find::<setting::Entity>()
        .filter(setting::Column::Key.eq(STEERING))
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

/// Whether the caller may set the steering rules and chair: administrators only (403). Forms
/// that name the chair by address ask this before looking the address up, so that nobody else
/// learns from the answer whether an account has it.
pub fn may_set_steering(caller: &Caller) -> Result<(), AppError> {
    if caller.scope.admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only administrators set the steering rules".to_owned(),
        ))
    }
}

/// Sets the steering rules and chair: administrators only.
pub async fn set_steering_settings<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    settings: SteeringSettings,
) -> Result<SteeringSettings, AppError> {
    may_set_steering(caller)?;
    if settings.rules.quorum == 0 || settings.rules.quorum > 100 {
        return Err(AppError::field("quorum", "must be 1 to 100"));
    }
    if !(50..100).contains(&settings.rules.majority_percent) {
        return Err(AppError::field("majority_percent", "must be 50 to 99"));
    }
    let value = serde_json::to_string(&settings).map_err(|e| AppError::Internal(e.into()))?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(STEERING.to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(settings)
}

fn committee(caller: &Caller) -> bool {
    caller.has(Role::Committee) || caller.scope.admin
}

/// The row of a release the caller reads (404 otherwise).
async fn row<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> Result<release::Model, AppError> {
    db.find::<release::Entity>()
        .filter(release::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .ok_or(AppError::NotFound)
}

fn refs(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// One release.
pub async fn get<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
) -> Result<ReleaseView, AppError> {
    let row = row(db, id).await?;
    let sees = evolutions::committees_see(caller);
    let items = items_of(db.conn(), &[row.id], sees)
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let total: f64 = items.iter().filter_map(|i| i.estimated_days).sum();
    let state = ReleaseState::parse(&row.state);
    let settings = steering_settings(db.conn()).await?;
    let ballots = if sees {
        ballots_of(db.conn(), row.id).await?
    } else {
        Vec::new()
    };
    let tally = (sees && state == ReleaseState::Proposed).then(|| {
        steering::tally(
            &ballots
                .iter()
                .map(|b| Ballot {
                    voter: 0,
                    vote: b.vote,
                    removed: b.removed.clone(),
                })
                .collect::<Vec<_>>(),
        )
    });
    let offer: String = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Code)
        .filter(offer::Column::Id.eq(row.offer_id))
        .into_tuple()
        .one(db.conn())
        .await?
        .unwrap_or_default();
    Ok(ReleaseView {
        id: row.id,
        offer,
        version: row.version,
        kind: row.kind,
        target_date: row.target_date,
        capacity_days: row.capacity_days,
        state,
        total_estimated_days: (total * 10.0).round() / 10.0,
        over_capacity: total > f64::from(row.capacity_days),
        items,
        revision: row.revision,
        tally,
        ballots,
        decision: latest_decision(db.conn(), row.id).await?,
        may_edit: committee(caller) && state == ReleaseState::Draft,
        may_vote: caller.has(Role::Steering) && state == ReleaseState::Proposed,
        chair: settings.chair == Some(caller.account_id),
    })
}

/// The items of some releases (at most 200 each), in rank order, with their estimates and
/// establishments: three queries whatever the number of releases.
async fn items_of<C: ConnectionTrait>(
    db: &C,
    release_ids: &[i64],
    sees_scores: bool,
) -> Result<HashMap<i64, Vec<ReleaseItem>>, AppError> {
    let rows = Unscoped::find::<evolution::Entity>()
        .filter(evolution::Column::ReleaseId.is_in(release_ids.iter().copied()))
        .order_by_asc(evolution::Column::ReleaseId)
        .order_by_asc(evolution::Column::ReleaseRank)
        .limit(200 * release_ids.len() as u64)
        .all(db)
        .await?;
    let mut days: HashMap<i64, (f64, f64)> = HashMap::new();
    let estimates: Vec<(i64, i32)> = Unscoped::find::<evolution_assessment::Entity>()
        .select_only()
        .column(evolution_assessment::Column::EvolutionId)
        .column(evolution_assessment::Column::ComplexityDays)
        .filter(evolution_assessment::Column::EvolutionId.is_in(rows.iter().map(|i| i.id)))
        .into_tuple()
        .all(db)
        .await?;
    for (evolution_id, d) in estimates {
        let entry = days.entry(evolution_id).or_default();
        entry.0 += f64::from(d);
        entry.1 += 1.0;
    }
    let organisations: HashMap<i64, String> = Unscoped::find::<organisation::Entity>()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(rows.iter().map(|i| i.organisation_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut items: HashMap<i64, Vec<ReleaseItem>> = HashMap::new();
    for i in rows {
        let Some(release_id) = i.release_id else {
            continue;
        };
        items.entry(release_id).or_default().push(ReleaseItem {
            estimated_days: days
                .get(&i.id)
                .map(|(sum, n)| (sum / n * 10.0).round() / 10.0),
            organisation: organisations
                .get(&i.organisation_id)
                .cloned()
                .unwrap_or_default(),
            score: if sees_scores { i.score } else { None },
            reference: i.reference,
            title: i.title,
            state: i.state,
            supporters: i.supporters,
        });
    }
    Ok(items)
}

async fn ballots_of<C: ConnectionTrait>(
    db: &C,
    release_id: i64,
) -> Result<Vec<BallotView>, AppError> {
    let rows = Unscoped::find::<steering_ballot::Entity>()
        .filter(steering_ballot::Column::ReleaseId.eq(release_id))
        .order_by_asc(steering_ballot::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i64, String> = Unscoped::find::<account::Entity>()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(rows.iter().map(|r| r.account_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| BallotView {
            voter: names.get(&r.account_id).cloned().unwrap_or_default(),
            vote: Vote::parse(&r.vote).unwrap_or(Vote::Against),
            removed: refs(&r.removed),
            comment: r.comment,
            at: r.updated_at,
        })
        .collect())
}

async fn latest_decision<C: ConnectionTrait>(
    db: &C,
    release_id: i64,
) -> Result<Option<DecisionView>, AppError> {
    let Some(d) = Unscoped::find::<steering_decision::Entity>()
        .filter(steering_decision::Column::ReleaseId.eq(release_id))
        .order_by_desc(steering_decision::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let chair = match d.chair_id {
        Some(id) => {
            Unscoped::find::<account::Entity>()
                .select_only()
                .column(account::Column::DisplayName)
                .filter(account::Column::Id.eq(id))
                .into_tuple::<String>()
                .one(db)
                .await?
        }
        None => None,
    };
    Ok(Some(DecisionView {
        outcome: d.outcome,
        decided_by: d.decided_by,
        chair,
        proposed: refs(&d.proposed),
        approved: refs(&d.approved),
        removed: refs(&d.removed),
        ballots: serde_json::from_str(&d.ballots).unwrap_or_default(),
        comment: d.comment,
        decided_at: d.decided_at,
    }))
}

/// The latest decision on a release (404 when none yet).
pub async fn decision<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    id: i64,
) -> Result<DecisionView, AppError> {
    let row = row(db, id).await?;
    latest_decision(db.conn(), row.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A release in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseSummary {
    /// Id.
    pub id: i64,
    /// Offer code.
    pub offer: String,
    /// Version label.
    pub version: String,
    /// `major` or `minor`.
    pub kind: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// State.
    pub state: ReleaseState,
}

/// The list's filters.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseFilter {
    /// Offer code.
    pub offer: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u64>,
}

/// The releases the caller reads, latest target first.
pub async fn list<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    filter: &ReleaseFilter,
) -> Result<Paged<ReleaseSummary>, AppError> {
    let page = PageRequest {
        page: filter.page.unwrap_or(1),
        per_page: filter.per_page.unwrap_or(50),
    }
    .checked()?;
    let mut select = db.find::<release::Entity>();
    if let Some(code) = filter.offer.as_deref().filter(|c| !c.trim().is_empty()) {
        select = select.filter(release::Column::OfferId.eq(evolutions::offer_id(db, code).await?));
    }
    let total = select.clone().count(db.conn()).await?;
    let rows = select
        .order_by_desc(release::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    let codes: HashMap<i64, String> = Unscoped::find::<offer::Entity>()
        .select_only()
        .column(offer::Column::Id)
        .column(offer::Column::Code)
        .filter(offer::Column::Id.is_in(rows.iter().map(|r| r.offer_id)))
        .into_tuple::<(i64, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    Ok(Paged {
        items: rows
            .into_iter()
            .map(|r| ReleaseSummary {
                id: r.id,
                offer: codes.get(&r.offer_id).cloned().unwrap_or_default(),
                version: r.version,
                kind: r.kind,
                target_date: r.target_date,
                state: ReleaseState::parse(&r.state),
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// A new release.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
pub async fn create<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    new: NewRelease,
) -> Result<ReleaseView, AppError> {
    let offer_id = evolutions::offer_id(db, &new.offer).await?;
    if !committee(caller) {
        return Err(AppError::Forbidden(
            "releases are built by the project committee".to_owned(),
        ));
    }
    let mut problems = Problems::default();
    let version = required_text(&mut problems, "version", &new.version, 50);
    if !matches!(new.kind.as_str(), "major" | "minor") {
        problems.add("kind", "must be major or minor");
    }
    if !(0..=100_000).contains(&new.capacity_days) {
        problems.add("capacity_days", "must be 0 to 100000");
    }
    problems.into_result()?;
    let taken = Unscoped::find::<release::Entity>()
        .filter(release::Column::OfferId.eq(offer_id))
        .filter(release::Column::Version.eq(version.clone()))
        .count(db.conn())
        .await?;
    if taken > 0 {
        return Err(AppError::field(
            "version",
            "this offer already has a release with this label",
        ));
    }
    let now = db.now();
    let created = release::ActiveModel {
        offer_id: Set(offer_id),
        version: Set(version),
        kind: Set(new.kind),
        target_date: Set(new.target_date),
        capacity_days: Set(new.capacity_days),
        state: Set(ReleaseState::Draft.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        revision: Set(1),
        ..Default::default()
    }
    .insert(db.conn())
    .await?;
    get(db, caller, created.id).await
}

/// The ranked list of a draft release.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseItems {
    /// The revision read.
    pub revision: i32,
    /// References, best first (at most 200).
    pub items: Vec<String>,
}

fn locked(state: ReleaseState) -> AppError {
    AppError::Conflict {
        message: format!(
            "the release is {}: its list can no longer be changed",
            state.as_str()
        ),
        details: serde_json::json!({ "state": state.as_str() }),
    }
}

/// Replaces the ranked list of a draft release: qualified requests of its offer, each once.
/// 403 without the committee role; 409 once proposed or on a stale revision; 422 on a request
/// that cannot be in it.
pub async fn set_items<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
    input: ReleaseItems,
) -> Result<ReleaseView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, id).await?;
    if !committee(caller) {
        return Err(AppError::Forbidden(
            "releases are built by the project committee".to_owned(),
        ));
    }
    let state = ReleaseState::parse(&current.state);
    if state != ReleaseState::Draft {
        return Err(locked(state));
    }
    let wanted: Vec<String> = input
        .items
        .iter()
        .map(|r| r.trim().to_uppercase())
        .collect();
    if wanted.len() > 200 || wanted.iter().collect::<BTreeSet<_>>().len() != wanted.len() {
        return Err(AppError::field("items", "at most 200 requests, each once"));
    }
    let rows = db
        .find::<evolution::Entity>()
        .filter(evolution::Column::Reference.is_in(wanted.clone()))
        .all(db.conn())
        .await?;
    let by_ref: HashMap<&str, &evolution::Model> =
        rows.iter().map(|r| (r.reference.as_str(), r)).collect();
    for reference in &wanted {
        match by_ref.get(reference.as_str()) {
            Some(r)
                if r.offer_id == current.offer_id
                    && r.state == State::Qualified.as_str()
                    && r.release_id.is_none_or(|rel| rel == current.id) => {}
            _ => {
                return Err(AppError::field(
                    "items",
                    format!("{reference} is not a qualified request of this offer free to plan"),
                ));
            }
        }
    }
    let now = db.now();
    let txn = db.conn().begin().await?;
    let done = db
        .update_many::<release::Entity>()
        .col_expr(release::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(now))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::Revision.eq(input.revision))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(stale());
    }
    Unscoped::update_many::<evolution::Entity>()
        .col_expr(
            evolution::Column::ReleaseId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            evolution::Column::ReleaseRank,
            Expr::value(Option::<i32>::None),
        )
        .filter(evolution::Column::ReleaseId.eq(id))
        .exec(&txn)
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
        Unscoped::update_many::<evolution::Entity>()
            .col_expr(evolution::Column::ReleaseId, Expr::value(id))
            .col_expr(evolution::Column::ReleaseRank, rank.into())
            .filter(evolution::Column::Reference.is_in(wanted))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    get(db, caller, id).await
}

/// What a release's committee does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// The revision read.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// The release's revision.
    pub revision: i32,
}

/// Moves a release on; its requests follow, their requesters and supporters are told.
/// 403 without the committee role (delivery: or the offer's provider), 409 from the wrong state
/// or on a stale revision.
pub async fn act<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
    action: ReleaseAction,
    revision: i32,
) -> Result<ReleaseView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, id).await?;
    let provider = caller.scope.delivered_offers.contains(&current.offer_id);
    let (from, to, items_action) = match action {
        ReleaseAction::Propose => (ReleaseState::Draft, ReleaseState::Proposed, Action::Propose),
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
    };
    let allowed = committee(caller) || (provider && action != ReleaseAction::Propose);
    if !allowed {
        return Err(AppError::Forbidden(
            "this is the project committee's to do".to_owned(),
        ));
    }
    let state = ReleaseState::parse(&current.state);
    if state != from {
        return Err(AppError::Conflict {
            message: format!("the release is {}", state.as_str()),
            details: serde_json::json!({ "state": state.as_str() }),
        });
    }
    let items = Unscoped::find::<evolution::Entity>()
        .filter(evolution::Column::ReleaseId.eq(id))
        .order_by_asc(evolution::Column::ReleaseRank)
        .all(db.conn())
        .await?;
    if action == ReleaseAction::Propose && items.is_empty() {
        return Err(AppError::field(
            "items",
            "a proposal lists at least one request",
        ));
    }
    let now = db.now();
    let txn = db.conn().begin().await?;
    let done = db
        .update_many::<release::Entity>()
        .col_expr(release::Column::State, Expr::value(to.as_str()))
        .col_expr(release::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(now))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::Revision.eq(revision))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(stale());
    }
    move_items(&txn, &items, items_action, None, caller.account_id, now).await?;
    txn.commit().await?;
    get(db, caller, id).await
}

/// Moves requests through one transition of their machine: their states in one statement, the
/// history and the notifications in a few more, whatever their number.
async fn move_items<C: ConnectionTrait>(
    txn: &C,
    items: &[evolution::Model],
    action: Action,
    reason: Option<String>,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut moved = Vec::new();
    for item in items {
        let from = State::parse(&item.state).unwrap_or(State::Closed);
        if let Ok(to) =
            crate::domain::evolution::apply(from, action, crate::domain::evolution::Side::System)
        {
            moved.push((item, from, to));
        }
    }
    let Some((_, _, to)) = moved.first() else {
        return Ok(());
    };
    let mut update = Unscoped::update_many::<evolution::Entity>()
        .col_expr(evolution::Column::State, Expr::value(to.as_str()))
        .col_expr(evolution::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            evolution::Column::Revision,
            Expr::col(evolution::Column::Revision).add(1),
        )
        .filter(evolution::Column::Id.is_in(moved.iter().map(|(i, _, _)| i.id)));
    if action == Action::AmendOut {
        update = update
            .col_expr(evolution::Column::StateReason, Expr::value(reason.clone()))
            .col_expr(
                evolution::Column::ReleaseId,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                evolution::Column::ReleaseRank,
                Expr::value(Option::<i32>::None),
            );
    }
    update.exec(txn).await?;
    let moved: Vec<(&evolution::Model, Option<State>)> = moved
        .iter()
        .map(|(item, from, _)| (*item, Some(*from)))
        .collect();
    evolutions::steps(txn, &moved, *to, Some(actor), reason, now).await
}

/// A steering member's ballot, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

/// Casts or changes the caller's ballot on a proposal; when the quorum and the majority are
/// reached the decision is taken at once. 403 without the steering role, 409 when the release is
/// not before the steering committee, 422 on a ballot that does not fit the proposal.
pub async fn vote<C>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
    input: BallotInput,
) -> Result<ReleaseView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, id).await?;
    if !caller.has(Role::Steering) {
        return Err(AppError::Forbidden(
            "ballots are the steering committee's".to_owned(),
        ));
    }
    let state = ReleaseState::parse(&current.state);
    if state != ReleaseState::Proposed {
        return Err(decided(state));
    }
    let proposal = proposal_of(db.conn(), id).await?;
    let removed: Vec<String> = input
        .removed
        .iter()
        .map(|r| r.trim().to_uppercase())
        .collect();
    let ballot = Ballot {
        voter: caller.account_id,
        vote: input.vote,
        removed: removed.clone(),
    };
    steering::validate_ballot(&ballot, &proposal).map_err(|(f, r)| AppError::field(f, r))?;
    if input.comment.chars().count() > 10_000 {
        return Err(AppError::field(
            "comment",
            "must be at most 10000 characters",
        ));
    }
    let now = db.now();
    let txn = db.conn().begin().await?;
    // The release row first, still proposed: a ballot after the decision is refused, and the
    // ballots on one release queue behind each other, so the one that completes the quorum
    // counts every other (two last ballots each seeing only itself would decide nothing). A
    // write, not a read: a SQLite transaction that reads first cannot take the write lock later.
    if !move_proposed(&txn, id, ReleaseState::Proposed, now).await? {
        // Its connection back first: SQLite's pool has only that one.
        txn.rollback().await?;
        return Err(not_proposed(db, id).await);
    }
    steering_ballot::Entity::insert(steering_ballot::ActiveModel {
        release_id: Set(id),
        account_id: Set(caller.account_id),
        vote: Set(input.vote.as_str().to_owned()),
        removed: Set(serde_json::to_string(&removed).unwrap_or_else(|_| "[]".to_owned())),
        comment: Set(input.comment.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
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
    .exec_without_returning(&txn)
    .await?;
    let ballots: Vec<Ballot> = Unscoped::find::<steering_ballot::Entity>()
        .filter(steering_ballot::Column::ReleaseId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|b| Ballot {
            voter: b.account_id,
            vote: Vote::parse(&b.vote).unwrap_or(Vote::Against),
            removed: refs(&b.removed),
        })
        .collect();
    let settings = steering_settings(&txn).await?;
    if let Some(outcome) = steering::decide(&ballots, settings.rules) {
        record(
            &txn,
            &current,
            outcome,
            "ballots",
            None,
            String::new(),
            caller.account_id,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    get(db, caller, id).await
}

/// The chair's decision, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    db: &Scoped<'_, C>,
    caller: &Caller,
    id: i64,
    input: ChairDecision,
) -> Result<ReleaseView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let current = row(db, id).await?;
    let settings = steering_settings(db.conn()).await?;
    if settings.chair != Some(caller.account_id) || !caller.has(Role::Steering) {
        return Err(AppError::Forbidden(
            "the steering committee's chair records decisions".to_owned(),
        ));
    }
    let state = ReleaseState::parse(&current.state);
    if state != ReleaseState::Proposed {
        return Err(decided(state));
    }
    let proposal = proposal_of(db.conn(), id).await?;
    let removed: Vec<String> = input
        .removed
        .iter()
        .map(|r| r.trim().to_uppercase())
        .collect();
    let outcome = match input.outcome.as_str() {
        "approved" => Outcome::Approved,
        "sent_back" => Outcome::SentBack,
        "approved_with_amendments" => {
            let ballot = Ballot {
                voter: caller.account_id,
                vote: Vote::ApproveWithAmendments,
                removed: removed.clone(),
            };
            steering::validate_ballot(&ballot, &proposal)
                .map_err(|(f, r)| AppError::field(f, r))?;
            Outcome::ApprovedWithAmendments { removed }
        }
        _ => {
            return Err(AppError::field(
                "outcome",
                "must be approved, approved_with_amendments or sent_back",
            ));
        }
    };
    let now = db.now();
    let txn = db.conn().begin().await?;
    record(
        &txn,
        &current,
        outcome,
        "chair",
        Some(caller.account_id),
        input.comment,
        caller.account_id,
        now,
    )
    .await?;
    txn.commit().await?;
    get(db, caller, id).await
}

/// Moves a release that is still `proposed` to `next` (`proposed` again for a ballot, which only
/// takes the row) with a new revision, in one compare-and-set; false when it was no longer
/// proposed.
async fn move_proposed<C: ConnectionTrait>(
    txn: &C,
    id: i64,
    next: ReleaseState,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let moved = Unscoped::update_many::<release::Entity>()
        .col_expr(release::Column::State, Expr::value(next.as_str()))
        .col_expr(
            release::Column::Revision,
            Expr::col(release::Column::Revision).add(1),
        )
        .col_expr(release::Column::UpdatedAt, Expr::value(now))
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::State.eq(ReleaseState::Proposed.as_str()))
        .exec(txn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The 409 of a ballot or a decision on a release that is not (or no longer) proposed.
fn decided(state: ReleaseState) -> AppError {
    AppError::Conflict {
        message: "the release is not before the steering committee: there is no proposal to \
                  vote on or decide"
            .to_owned(),
        details: serde_json::json!({ "state": state.as_str() }),
    }
}

/// [`decided`], with the state the release is in now: a compare-and-set found it moved on.
async fn not_proposed<C: ConnectionTrait>(db: &Scoped<'_, C>, id: i64) -> AppError {
    match row(db, id).await {
        Ok(now) => decided(ReleaseState::parse(&now.state)),
        Err(err) => err,
    }
}

async fn proposal_of<C: ConnectionTrait>(db: &C, release_id: i64) -> Result<Vec<String>, AppError> {
    Ok(Unscoped::find::<evolution::Entity>()
        .select_only()
        .column(evolution::Column::Reference)
        .filter(evolution::Column::ReleaseId.eq(release_id))
        .order_by_asc(evolution::Column::ReleaseRank)
        .into_tuple()
        .all(db)
        .await?)
}

/// Writes the decision record and carries it out, in the caller's transaction: the release is
/// approved (its requests approved then planned, removed ones deferred with the decision as
/// reason) or sent back to draft (its requests qualified again; the ballots, kept in the
/// record, are cleared for the next round). The record is only ever inserted.
#[expect(
    clippy::too_many_arguments,
    reason = "the decision's parts, all needed"
)]
async fn record<C: ConnectionTrait>(
    txn: &C,
    release: &release::Model,
    outcome: Outcome,
    decided_by: &str,
    chair: Option<i64>,
    comment: String,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let next = match outcome {
        Outcome::SentBack => ReleaseState::Draft,
        _ => ReleaseState::Approved,
    };
    // The move out of `proposed` is the compare-and-set that makes the decision happen once:
    // a concurrent ballot or chair that read the proposal open finds no row to move and
    // answers 409, its transaction rolled back. First in the transaction, so on SQLite it takes
    // the write lock before anything is read.
    if !move_proposed(txn, release.id, next, now).await? {
        let now_in: Option<String> = Unscoped::find::<release::Entity>()
            .select_only()
            .column(release::Column::State)
            .filter(release::Column::Id.eq(release.id))
            .into_tuple()
            .one(txn)
            .await?;
        return Err(decided(ReleaseState::parse(
            now_in.as_deref().unwrap_or_default(),
        )));
    }
    // Every earlier round ended in a decision (sent back, or this one would not be open).
    let earlier = Unscoped::find::<steering_decision::Entity>()
        .filter(steering_decision::Column::ReleaseId.eq(release.id))
        .count(txn)
        .await?;
    let round = i32::try_from(earlier + 1).unwrap_or(i32::MAX);
    let proposed = proposal_of(txn, release.id).await?;
    let removed = match &outcome {
        Outcome::ApprovedWithAmendments { removed } => removed.clone(),
        _ => Vec::new(),
    };
    let approved: Vec<String> = match outcome {
        Outcome::SentBack => Vec::new(),
        _ => proposed
            .iter()
            .filter(|p| !removed.contains(p))
            .cloned()
            .collect(),
    };
    let ballots = ballots_of(txn, release.id).await?;
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned());
    steering_decision::ActiveModel {
        release_id: Set(release.id),
        round: Set(round),
        outcome: Set(outcome.as_str().to_owned()),
        decided_by: Set(decided_by.to_owned()),
        chair_id: Set(chair),
        proposed: Set(json(&proposed)),
        approved: Set(json(&approved)),
        removed: Set(json(&removed)),
        ballots: Set(serde_json::to_string(&ballots).unwrap_or_else(|_| "[]".to_owned())),
        comment: Set(comment.clone()),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|err| {
        // The unique (release, round) index: a decision for this round is already recorded.
        if crate::db::is_unique_violation(&err) {
            decided(next)
        } else {
            err.into()
        }
    })?;
    let items = Unscoped::find::<evolution::Entity>()
        .filter(evolution::Column::ReleaseId.eq(release.id))
        .order_by_asc(evolution::Column::ReleaseRank)
        .all(txn)
        .await?;
    let (out, kept): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|i| removed.contains(&i.reference));
    match outcome {
        Outcome::SentBack => {
            let reason = Some(
                format!("Renvoyée par le comité de pilotage. {comment}")
                    .trim()
                    .to_owned(),
            );
            move_items(txn, &kept, Action::SendBack, reason, actor, now).await?;
            Unscoped::delete_many::<steering_ballot::Entity>()
                .filter(steering_ballot::Column::ReleaseId.eq(release.id))
                .exec(txn)
                .await?;
        }
        _ => {
            let reason = Some(
                format!(
                    "Retirée par le comité de pilotage ({}). {comment}",
                    release.version
                )
                .trim()
                .to_owned(),
            );
            move_items(txn, &out, Action::AmendOut, reason, actor, now).await?;
            move_items(txn, &kept, Action::Approve, None, actor, now).await?;
            let approved_rows = Unscoped::find::<evolution::Entity>()
                .filter(evolution::Column::ReleaseId.eq(release.id))
                .all(txn)
                .await?;
            move_items(txn, &approved_rows, Action::Plan, None, actor, now).await?;
        }
    }
    Ok(())
}

/// A release on an offer's roadmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoadmapRelease {
    /// The release.
    #[serde(flatten)]
    pub release: ReleaseSummary,
    /// Its requests, in rank order.
    pub items: Vec<ReleaseItem>,
}

/// An offer's roadmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Roadmap {
    /// Offer code.
    pub offer: String,
    /// Approved, in development and released releases, the latest target first.
    pub releases: Vec<RoadmapRelease>,
    /// Where the reader's establishment's requests on the offer stand.
    pub mine: Vec<evolutions::EvolutionView>,
}

/// The roadmap of an offer the caller reads.
pub async fn roadmap<C: ConnectionTrait>(
    db: &Scoped<'_, C>,
    caller: &Caller,
    code: &str,
) -> Result<Roadmap, AppError> {
    let offer_id = evolutions::offer_id(db, code).await?;
    let rows = db
        .find::<release::Entity>()
        .filter(release::Column::OfferId.eq(offer_id))
        .filter(release::Column::State.is_in(["approved", "in_development", "released"]))
        .order_by_desc(release::Column::TargetDate)
        .order_by_desc(release::Column::Id)
        .limit(50)
        .all(db.conn())
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items = items_of(db.conn(), &ids, evolutions::committees_see(caller)).await?;
    let offer = code.trim().to_uppercase();
    let releases = rows
        .into_iter()
        .map(|r| RoadmapRelease {
            items: items.remove(&r.id).unwrap_or_default(),
            release: ReleaseSummary {
                id: r.id,
                offer: offer.clone(),
                version: r.version,
                kind: r.kind,
                target_date: r.target_date,
                state: ReleaseState::parse(&r.state),
            },
        })
        .collect();
    let mine = evolutions::list(
        db,
        caller,
        &evolutions::EvolutionFilter {
            offer: Some(code.to_owned()),
            scope: Some("mine".to_owned()),
            per_page: Some(200),
            ..evolutions::EvolutionFilter::default()
        },
    )
    .await?
    .items;
    Ok(Roadmap {
        offer,
        releases,
        mine,
    })
}
