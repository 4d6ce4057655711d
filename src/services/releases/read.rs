//! Reading releases: one with its items, ballots and decision; the list; the decision record.

use std::collections::HashMap;

use entity::{
    account, evolution, evolution_assessment, offer, organisation, release, steering_ballot,
    steering_decision,
};
use futures::Stream;
use sea_orm::{
    ActiveEnum, ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    BallotView, DecisionView, ReleaseItem, ReleaseState, ReleaseSummary, ReleaseView, refs, row,
    steering_settings,
};
use crate::{
    db::{Ctx, Handle},
    domain::{
        role::Role,
        steering::{self, Ballot, Vote},
        tenths::tenths,
    },
    i18n::Lang,
    services::{
        Paged,
        error::{ServiceError, ServiceResult},
        evolutions::{self, committee, labels},
        listing::{self, Sort, SortColumn},
    },
};

/// One release.
pub async fn get<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<ReleaseView> {
    let caller = ctx.caller();
    let row = row(ctx, id).await?;
    let sees = evolutions::committees_see(caller);
    let items = items_of(ctx, &[row.id], sees)
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let total: f64 = items.iter().filter_map(|i| i.estimated_days).sum();
    let state = ReleaseState::of(&row);
    let settings = steering_settings(ctx).await?;
    let ballots = if sees {
        ballots_of(ctx, row.id).await?
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
    let offer = offer_codes(ctx, &[row.id])
        .await?
        .remove(&row.offer_id)
        .unwrap_or_default();
    Ok(ReleaseView {
        id: row.id,
        offer,
        version: row.version,
        kind: row.kind.to_value(),
        target_date: row.target_date,
        capacity_days: row.capacity_days,
        state,
        total_estimated_days: tenths(total),
        over_capacity: total > f64::from(row.capacity_days),
        items,
        revision: row.revision,
        tally,
        ballots,
        decision: latest_decision(ctx, row.id).await?,
        may_edit: committee(caller) && state == ReleaseState::Draft,
        may_vote: caller.has(Role::Steering) && state == ReleaseState::Proposed,
        chair: settings.chair == Some(caller.account_id),
    })
}

/// A draft release's planned effort against its capacity, for the committee's home.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftEffort {
    /// Id.
    pub id: i64,
    /// Offer code.
    pub offer: String,
    /// Version label.
    pub version: String,
    /// The capacity the committee declared, in days.
    pub capacity_days: i32,
    /// The items' estimated days, summed.
    pub total_estimated_days: f64,
    /// Whether the items exceed the capacity.
    pub over_capacity: bool,
}

/// The releases in draft the caller reads (newest first, at most `limit`) with their effort:
/// three queries however many there are (releases, their items, their offers' codes).
pub async fn draft_efforts<C: Handle>(ctx: &Ctx<C>, limit: u64) -> ServiceResult<Vec<DraftEffort>> {
    let rows = ctx
        .find::<release::Entity>()
        .filter(release::Column::State.eq(release::ReleaseState::Draft))
        .order_by_desc(release::Column::Id)
        .limit(limit)
        .all(ctx)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items = items_of(ctx, &ids, evolutions::committees_see(ctx.caller())).await?;
    let codes = offer_codes(ctx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let total: f64 = items
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|i| i.estimated_days)
                .sum();
            DraftEffort {
                id: row.id,
                offer: codes.get(&row.offer_id).cloned().unwrap_or_default(),
                version: row.version,
                capacity_days: row.capacity_days,
                total_estimated_days: tenths(total),
                over_capacity: total > f64::from(row.capacity_days),
            }
        })
        .collect())
}

/// The codes of the offers of some releases the caller reads, by offer id.
async fn offer_codes<C: Handle>(ctx: &Ctx<C>, ids: &[i64]) -> ServiceResult<HashMap<i64, String>> {
    labels::<_, offer::Entity, _>(
        ctx,
        ctx.find::<release::Entity>()
            .filter(release::Column::Id.is_in(ids.iter().copied())),
        release::Column::OfferId,
        offer::Column::Id,
        offer::Column::Code,
    )
    .await
}

/// The mean estimated effort of each of some requests' assessments, person-days.
async fn estimates<C: Handle>(
    ctx: &Ctx<C>,
    rows: &[evolution::Model],
) -> ServiceResult<HashMap<i64, f64>> {
    let mut days: HashMap<i64, (f64, f64)> = HashMap::new();
    let estimates: Vec<(i64, i32)> = ctx
        .find::<evolution_assessment::Entity>()
        .select_only()
        .column(evolution_assessment::Column::EvolutionId)
        .column(evolution_assessment::Column::ComplexityDays)
        .filter(evolution_assessment::Column::EvolutionId.is_in(rows.iter().map(|i| i.id)))
        .into_tuple()
        .all(ctx)
        .await?;
    for (evolution_id, d) in estimates {
        let entry = days.entry(evolution_id).or_default();
        entry.0 += f64::from(d);
        entry.1 += 1.0;
    }
    Ok(days
        .into_iter()
        .map(|(id, (sum, n))| (id, tenths(sum / n)))
        .collect())
}

/// The items of some releases (at most 200 each), in rank order, with their estimates and
/// establishments: three queries whatever the number of releases.
pub(super) async fn items_of<C: Handle>(
    ctx: &Ctx<C>,
    release_ids: &[i64],
    sees_scores: bool,
) -> ServiceResult<HashMap<i64, Vec<ReleaseItem>>> {
    let in_them = || {
        ctx.find::<evolution::Entity>()
            .filter(evolution::Column::ReleaseId.is_in(release_ids.iter().copied()))
    };
    let rows = in_them()
        .order_by_asc(evolution::Column::ReleaseId)
        .order_by_asc(evolution::Column::ReleaseRank)
        .limit(200 * release_ids.len() as u64)
        .all(ctx)
        .await?;
    let days = estimates(ctx, &rows).await?;
    let organisations = labels::<_, organisation::Entity, _>(
        ctx,
        in_them(),
        evolution::Column::OrganisationId,
        organisation::Column::Id,
        organisation::Column::Name,
    )
    .await?;
    let mut items: HashMap<i64, Vec<ReleaseItem>> = HashMap::new();
    for i in rows {
        let Some(release_id) = i.release_id else {
            continue;
        };
        items.entry(release_id).or_default().push(ReleaseItem {
            estimated_days: days.get(&i.id).copied(),
            organisation: organisations
                .get(&i.organisation_id)
                .cloned()
                .unwrap_or_default(),
            score: if sees_scores { i.score } else { None },
            reference: i.reference,
            title: i.title,
            state: i.state.to_value(),
            supporters: i.supporters,
        });
    }
    Ok(items)
}

/// The vote of a stored ballot (the database layer refuses a word no vote has).
pub(super) fn vote_of(row: &steering_ballot::Model) -> Vote {
    Vote::from(row.vote)
}

/// The ballots on a release, oldest first, with their voters' names.
pub(super) async fn ballots_of<C: Handle>(
    ctx: &Ctx<C>,
    release_id: i64,
) -> ServiceResult<Vec<BallotView>> {
    let on_it = || {
        ctx.find::<steering_ballot::Entity>()
            .filter(steering_ballot::Column::ReleaseId.eq(release_id))
    };
    let rows = on_it()
        .order_by_asc(steering_ballot::Column::Id)
        .all(ctx)
        .await?;
    let names = labels::<_, account::Entity, _>(
        ctx,
        on_it(),
        steering_ballot::Column::AccountId,
        account::Column::Id,
        account::Column::DisplayName,
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(BallotView {
                voter: names.get(&r.account_id).cloned().unwrap_or_default(),
                vote: vote_of(&r),
                removed: refs(&r.removed),
                comment: r.comment,
                at: r.updated_at,
            })
        })
        .collect()
}

async fn latest_decision<C: Handle>(
    ctx: &Ctx<C>,
    release_id: i64,
) -> ServiceResult<Option<DecisionView>> {
    let latest = || {
        ctx.find::<steering_decision::Entity>()
            .filter(steering_decision::Column::ReleaseId.eq(release_id))
            .order_by_desc(steering_decision::Column::Id)
    };
    let Some(d) = latest().one(ctx).await? else {
        return Ok(None);
    };
    let chair = labels::<_, account::Entity, _>(
        ctx,
        latest().filter(steering_decision::Column::Id.eq(d.id)),
        steering_decision::Column::ChairId,
        account::Column::Id,
        account::Column::DisplayName,
    )
    .await?
    .into_values()
    .next();
    Ok(Some(DecisionView {
        outcome: d.outcome.to_value(),
        decided_by: d.decided_by.to_value(),
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
pub async fn decision<C: Handle>(ctx: &Ctx<C>, id: i64) -> ServiceResult<DecisionView> {
    let row = row(ctx, id).await?;
    latest_decision(ctx, row.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The list's filters, sort and paging.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseFilter {
    /// Offer code.
    #[param(example = "GEFORP")]
    pub offer: Option<String>,
    /// A state: `draft`, `proposed`, `approved`, `in_development`, `released`.
    #[param(example = "draft")]
    pub state: Option<String>,
    /// `major` or `minor`.
    #[param(example = "minor")]
    pub kind: Option<String>,
    /// `missing`: the releases before the steering committee the caller has not voted on yet.
    pub ballot: Option<String>,
    /// `created` (default, newest first), `offer`, `version`, `kind`, `target`, `state`, or the
    /// same with `-` for the other order.
    #[param(example = "-target")]
    pub sort: Option<String>,
    /// `csv`: the whole list as a CSV file (the API also answers CSV to `Accept: text/csv`).
    #[param(example = "csv")]
    pub format: Option<String>,
    /// The CSV separator: `;` (default, for French spreadsheets) or `,`.
    #[param(example = ",")]
    pub sep: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u64>,
}

impl ReleaseFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("offer", self.offer.clone()),
            ("state", self.state.clone()),
            ("kind", self.kind.clone()),
            ("ballot", self.ballot.clone()),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the release list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseColumn {
    /// Created (in id order).
    Created,
    /// The offer's code.
    Offer,
    /// Version label.
    Version,
    /// Major or minor.
    Kind,
    /// Target date.
    Target,
    /// State (its word).
    State,
}

impl SortColumn for ReleaseColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("created", Self::Created),
        ("offer", Self::Offer),
        ("version", Self::Version),
        ("kind", Self::Kind),
        ("target", Self::Target),
        ("state", Self::State),
    ];

    fn key(self) -> SimpleExpr {
        let col = |c: release::Column| Expr::col((release::Entity, c));
        match self {
            Self::Created => col(release::Column::Id),
            Self::Offer => listing::offer_code(release::Entity, release::Column::OfferId),
            Self::Version => col(release::Column::Version),
            Self::Kind => col(release::Column::Kind),
            Self::Target => col(release::Column::TargetDate),
            Self::State => col(release::Column::State),
        }
    }

    fn descending_first(self) -> bool {
        matches!(self, Self::Created | Self::Target)
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 5] = [
    "tickets-offer",
    "release-version",
    "release-kind",
    "release-target",
    "evo-state",
];

/// The releases the caller reads with the list's filters, in the order asked.
async fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReleaseFilter,
) -> ServiceResult<Select<release::Entity>> {
    let sort = Sort::parse(filter.sort.as_deref(), ReleaseColumn::Created)?;
    let mut select = ctx.find::<release::Entity>();
    if let Some(code) = filter.offer.as_deref().filter(|c| !c.trim().is_empty()) {
        select = select.filter(release::Column::OfferId.eq(evolutions::offer_id(ctx, code).await?));
    }
    if let Some(word) = filter.state.as_deref().filter(|s| !s.is_empty()) {
        let state = release::ReleaseState::try_from_value(&word.to_owned())
            .map_err(|_| ServiceError::field("state", "release-state-unknown", vec![]))?;
        select = select.filter(release::Column::State.eq(state));
    }
    if let Some(word) = filter.kind.as_deref().filter(|s| !s.is_empty()) {
        let kind = release::ReleaseKind::try_from_value(&word.to_owned())
            .map_err(|_| ServiceError::field("kind", "release-kind-unknown", vec![]))?;
        select = select.filter(release::Column::Kind.eq(kind));
    }
    match filter.ballot.as_deref() {
        None | Some("") => {}
        Some("missing") => {
            select = select
                .filter(release::Column::State.eq(release::ReleaseState::Proposed))
                .filter(
                    release::Column::Id.not_in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(steering_ballot::Column::ReleaseId)
                            .from(steering_ballot::Entity)
                            .and_where(
                                steering_ballot::Column::AccountId.eq(ctx.caller().account_id),
                            )
                            .to_owned(),
                    ),
                );
        }
        Some(_) => {
            return Err(ServiceError::field(
                "ballot",
                "release-ballot-missing",
                vec![],
            ));
        }
    }
    Ok(sort.apply(select, release::Column::Id))
}

/// The releases the caller reads, filtered, sorted and paged (newest first unless asked
/// otherwise).
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReleaseFilter,
) -> ServiceResult<Paged<ReleaseSummary>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let rows = listing::page_of(ctx, filtered(ctx, filter).await?, page).await?;
    Ok(Paged {
        items: summaries(ctx, rows.items).await?,
        page: rows.page,
        per_page: rows.per_page,
        total: rows.total,
    })
}

/// Some releases in a list, with their offers' codes (one query).
async fn summaries<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<release::Model>,
) -> ServiceResult<Vec<ReleaseSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let codes = offer_codes(ctx, &ids).await?;
    rows.into_iter().map(|r| summary(r, &codes)).collect()
}

/// One release's cells, in the reader's language.
fn cells(r: &ReleaseSummary, lang: Lang) -> Vec<String> {
    vec![
        r.offer.clone(),
        r.version.clone(),
        lang.t(&format!("release-kind-{}", r.kind)),
        r.target_date.map(|d| d.to_string()).unwrap_or_default(),
        lang.t(&format!("release-state-{}", r.state.as_str())),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub async fn export(
    ctx: Ctx,
    filter: ReleaseFilter,
) -> ServiceResult<impl Stream<Item = ServiceResult<Vec<u8>>> + Send + 'static> {
    let sheet = listing::sheet(filter.sep.as_deref())?;
    let query = filtered(&ctx, &filter).await?;
    listing::export(
        ctx,
        query,
        sheet,
        &HEADERS,
        Box::new(|ctx, rows| {
            Box::pin(async move {
                let lang = ctx.caller().language;
                Ok(summaries(ctx, rows)
                    .await?
                    .iter()
                    .map(|r| cells(r, lang))
                    .collect())
            })
        }),
    )
}

/// A release in a list, with its offer's code.
pub(super) fn summary(
    r: release::Model,
    codes: &HashMap<i64, String>,
) -> ServiceResult<ReleaseSummary> {
    Ok(ReleaseSummary {
        state: ReleaseState::of(&r),
        id: r.id,
        offer: codes.get(&r.offer_id).cloned().unwrap_or_default(),
        version: r.version,
        kind: r.kind.to_value(),
        target_date: r.target_date,
    })
}
