//! Reading requests: the filtered, paged list and the views a reader gets.

use std::collections::{BTreeSet, HashMap};

use entity::{
    account,
    evolution::{self, EvolutionState},
    evolution_support, offer, organisation, release,
};
use futures::Stream;
use sea_orm::{
    ActiveEnum, ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    EvolutionView, allowed_for, assessments, committee, committees_see, labels, offer_id, state_of,
};
use crate::{
    db::{Ctx, Handle},
    domain::{evolution::State, role::Role},
    i18n::Lang,
    services::{
        Paged,
        error::{ServiceError, ServiceResult},
        listing::{self, Sort, SortColumn},
    },
};

/// The filters, sort and paging of the list.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvolutionFilter {
    /// Offer code.
    #[param(example = "SMS-U")]
    pub offer: Option<String>,
    /// State, or `open` (not delivered, closed, rejected or duplicate).
    #[param(example = "open")]
    pub state: Option<String>,
    /// Only the requests of this establishment (its id).
    #[param(example = 7)]
    pub organisation: Option<i64>,
    /// `mine`: the caller's establishment's requests.
    pub scope: Option<String>,
    /// `mine`: the requests open to assessment the caller has not assessed yet.
    pub assess: Option<String>,
    /// `queue` (score, then support, then age), `updated` (default, latest change first; also
    /// `recent`), `ref`, `title`, `offer`, `organisation`, `state`, `supporters`, `score`,
    /// `created`, or the same with `-` for the other order.
    #[param(example = "-supporters")]
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

impl EvolutionFilter {
    /// The filters and sort set, as query-string pairs (paging left out), for the page's links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("offer", self.offer.clone()),
            ("state", self.state.clone()),
            ("organisation", self.organisation.map(|o| o.to_string())),
            ("scope", self.scope.clone()),
            ("assess", self.assess.clone()),
            ("sort", self.sort.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }
}

/// The columns the list sorts by (the committee's queue aside, which orders by three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvolutionColumn {
    /// Reference (in filing order).
    Reference,
    /// Title.
    Title,
    /// The offer's code.
    Offer,
    /// The requesting establishment's name.
    Organisation,
    /// State (its word).
    State,
    /// Supporting establishments.
    Supporters,
    /// Consolidated score.
    Score,
    /// Filed.
    Created,
    /// Last changed.
    Updated,
}

impl SortColumn for EvolutionColumn {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("ref", Self::Reference),
        ("title", Self::Title),
        ("offer", Self::Offer),
        ("organisation", Self::Organisation),
        ("state", Self::State),
        ("supporters", Self::Supporters),
        ("score", Self::Score),
        ("created", Self::Created),
        ("updated", Self::Updated),
        ("recent", Self::Updated),
    ];

    fn key(self) -> SimpleExpr {
        let col = |c: evolution::Column| Expr::col((evolution::Entity, c));
        match self {
            Self::Reference => col(evolution::Column::Reference),
            Self::Title => col(evolution::Column::Title),
            Self::Offer => listing::offer_code(evolution::Entity, evolution::Column::OfferId),
            Self::Organisation => {
                listing::organisation_name(evolution::Entity, evolution::Column::OrganisationId)
            }
            Self::State => col(evolution::Column::State),
            Self::Supporters => col(evolution::Column::Supporters),
            Self::Score => col(evolution::Column::Score),
            Self::Created => col(evolution::Column::CreatedAt),
            Self::Updated => col(evolution::Column::UpdatedAt),
        }
    }

    fn descending_first(self) -> bool {
        matches!(
            self,
            Self::Supporters | Self::Score | Self::Created | Self::Updated
        )
    }
}

/// The columns of the CSV export, by catalogue key.
const HEADERS: [&str; 9] = [
    "evo-ref",
    "evo-request",
    "tickets-offer",
    "list-establishment",
    "evo-state",
    "evo-supporters",
    "evo-score",
    "list-created",
    "list-updated",
];

/// The caller's requests with the list's filters, in the order asked.
async fn filtered<C: Handle>(
    ctx: &Ctx<C>,
    filter: &EvolutionFilter,
) -> ServiceResult<Select<evolution::Entity>> {
    let mut select = ctx.find::<evolution::Entity>();
    if let Some(code) = filter.offer.as_deref().filter(|c| !c.trim().is_empty()) {
        select = select.filter(evolution::Column::OfferId.eq(offer_id(ctx, code).await?));
    }
    match filter.state.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some("open") => {
            select = select.filter(
                evolution::Column::State.is_in(
                    State::ALL
                        .into_iter()
                        .filter(|s| s.is_open())
                        .map(EvolutionState::from),
                ),
            );
        }
        Some(word) => {
            let state = EvolutionState::try_from_value(&word.to_owned())
                .map_err(|_| ServiceError::field("state", "evo-state-unknown", vec![]))?;
            select = select.filter(evolution::Column::State.eq(state));
        }
    }
    if let Some(organisation) = filter.organisation {
        select = select.filter(evolution::Column::OrganisationId.eq(organisation));
    }
    match filter.scope.as_deref() {
        None | Some("") => {}
        Some("mine") => {
            select =
                select.filter(evolution::Column::OrganisationId.eq(ctx.caller().organisation_id));
        }
        Some(_) => return Err(ServiceError::field("scope", "evo-scope-mine", vec![])),
    }
    match filter.assess.as_deref() {
        None | Some("") => {}
        Some("mine") => select = select.filter(to_assess(ctx.caller().account_id)),
        Some(_) => return Err(ServiceError::field("assess", "evo-scope-mine", vec![])),
    }
    Ok(match filter.sort.as_deref().map(str::trim) {
        // The committee's queue: score (unassessed last), support, then the oldest first.
        Some("queue") => select
            .order_by_asc(Expr::col(evolution::Column::Score).is_null())
            .order_by_desc(evolution::Column::Score)
            .order_by_desc(evolution::Column::Supporters)
            .order_by_asc(evolution::Column::CreatedAt)
            .order_by_asc(evolution::Column::Id),
        sort => Sort::parse(sort, EvolutionColumn::Updated)
            .map_err(|_| ServiceError::field("sort", "evo-sort-known", vec![]))?
            .apply(select, evolution::Column::Id),
    })
}

/// The requests the caller reads, filtered, sorted and paged.
pub async fn list<C: Handle>(
    ctx: &Ctx<C>,
    filter: &EvolutionFilter,
) -> ServiceResult<Paged<EvolutionView>> {
    let page = listing::paging(filter.page, filter.per_page)?;
    let rows = listing::page_of(ctx, filtered(ctx, filter).await?, page).await?;
    Ok(Paged {
        items: views(ctx, rows.items).await?,
        page: rows.page,
        per_page: rows.per_page,
        total: rows.total,
    })
}

/// One request's cells, in the reader's language (the score only where the view shows it).
fn cells(e: &EvolutionView, lang: Lang) -> Vec<String> {
    vec![
        e.reference.clone(),
        e.title.clone(),
        e.offer.clone(),
        e.organisation.clone(),
        lang.t(&format!("evo-state-{}", e.state.as_str())),
        e.supporting_organisations.to_string(),
        e.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
        listing::local(Some(e.created_at)),
        listing::local(Some(e.updated_at)),
    ]
}

/// The whole list as the filters keep and sort it, as CSV (see [`listing::export`]); 422
/// before the first byte on a bad filter or separator.
pub async fn export(
    ctx: Ctx,
    filter: EvolutionFilter,
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
                Ok(views(ctx, rows)
                    .await?
                    .iter()
                    .map(|e| cells(e, lang))
                    .collect())
            })
        }),
    )
}

/// The requests in a state members assess in, without an assessment by `account`.
fn to_assess(account: i64) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(
            evolution::Column::State.is_in(
                State::ALL
                    .into_iter()
                    .filter(|s| assessments::assessable(*s))
                    .map(EvolutionState::from),
            ),
        )
        .add(
            evolution::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(entity::evolution_assessment::Column::EvolutionId)
                    .from(entity::evolution_assessment::Entity)
                    .and_where(entity::evolution_assessment::Column::AccountId.eq(account))
                    .to_owned(),
            ),
        )
}

/// What the views of some requests show beside their rows: names, supports and releases, one
/// query per table, each through the requests the caller reads.
struct Around {
    offers: HashMap<i64, String>,
    organisations: HashMap<i64, String>,
    people: HashMap<i64, String>,
    releases: HashMap<i64, String>,
    duplicates: HashMap<i64, String>,
    mine: BTreeSet<i64>,
}

async fn around<C: Handle>(ctx: &Ctx<C>, rows: &[evolution::Model]) -> ServiceResult<Around> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let these = || {
        ctx.find::<evolution::Entity>()
            .filter(evolution::Column::Id.is_in(ids.iter().copied()))
    };
    Ok(Around {
        offers: labels::<_, offer::Entity, _>(
            ctx,
            these(),
            evolution::Column::OfferId,
            offer::Column::Id,
            offer::Column::Code,
        )
        .await?,
        organisations: labels::<_, organisation::Entity, _>(
            ctx,
            these(),
            evolution::Column::OrganisationId,
            organisation::Column::Id,
            organisation::Column::Name,
        )
        .await?,
        people: labels::<_, account::Entity, _>(
            ctx,
            these(),
            evolution::Column::RequesterId,
            account::Column::Id,
            account::Column::DisplayName,
        )
        .await?,
        releases: labels::<_, release::Entity, _>(
            ctx,
            these(),
            evolution::Column::ReleaseId,
            release::Column::Id,
            release::Column::Version,
        )
        .await?,
        // A duplicate and its survivor share an offer: the survivor reads as the duplicate does.
        duplicates: ctx
            .find::<evolution::Entity>()
            .select_only()
            .column(evolution::Column::Id)
            .column(evolution::Column::Reference)
            .filter(evolution::Column::Id.is_in(rows.iter().filter_map(|r| r.duplicate_of_id)))
            .into_tuple::<(i64, String)>()
            .all(ctx)
            .await?
            .into_iter()
            .collect(),
        mine: ctx
            .find::<evolution_support::Entity>()
            .select_only()
            .column(evolution_support::Column::EvolutionId)
            .filter(evolution_support::Column::EvolutionId.is_in(ids.iter().copied()))
            .filter(evolution_support::Column::OrganisationId.eq(ctx.caller().organisation_id))
            .into_tuple::<i64>()
            .all(ctx)
            .await?
            .into_iter()
            .collect(),
    })
}

/// The views of some rows: names, supports and releases in one query per table.
pub async fn views<C: Handle>(
    ctx: &Ctx<C>,
    rows: Vec<evolution::Model>,
) -> ServiceResult<Vec<EvolutionView>> {
    let caller = ctx.caller();
    let around = around(ctx, &rows).await?;
    let sees = committees_see(caller);
    // The breakdown is for a request's own page; lists show the stored score.
    let mut scores = HashMap::new();
    if let [only] = rows.as_slice()
        && sees
        && let Some(score) = assessments::breakdown(ctx, only).await?
    {
        scores.insert(only.id, score);
    }
    rows.into_iter()
        .map(|row| {
            let state = state_of(&row);
            let named = sees
                || caller.organisation_id == row.organisation_id
                || caller.scope.delivered_offers.contains(&row.offer_id);
            let may_support = caller.has(Role::Contact)
                && caller.scope.subscribed_offers.contains(&row.offer_id)
                && state.is_open()
                && caller.organisation_id != row.organisation_id;
            Ok(EvolutionView {
                offer: around
                    .offers
                    .get(&row.offer_id)
                    .cloned()
                    .unwrap_or_default(),
                organisation: around
                    .organisations
                    .get(&row.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                requester: named
                    .then(|| around.people.get(&row.requester_id).cloned())
                    .flatten(),
                supported_by_me: around.mine.contains(&row.id),
                may_support,
                score: if sees { row.score } else { None },
                score_breakdown: scores.remove(&row.id),
                analysis: if sees { row.analysis.clone() } else { None },
                release: row
                    .release_id
                    .and_then(|r| around.releases.get(&r).cloned()),
                duplicate_of: row
                    .duplicate_of_id
                    .and_then(|d| around.duplicates.get(&d).cloned()),
                description_html: crate::markdown::to_safe_html(&row.description),
                allowed_actions: allowed_for(caller, &row, state),
                committee_side: committee(caller),
                may_assess: caller.has(Role::Committee)
                    && caller.organisation_id != row.organisation_id,
                reference: row.reference,
                title: row.title,
                description: row.description,
                module: row.module,
                state,
                state_reason: super::told(
                    caller.language,
                    row.state_note,
                    row.state_note_about.as_deref(),
                    row.state_reason.as_deref(),
                ),
                supporting_organisations: row.supporters,
                release_id: row.release_id,
                release_rank: row.release_rank,
                created_at: row.created_at,
                updated_at: row.updated_at,
                revision: row.revision,
            })
        })
        .collect()
}
