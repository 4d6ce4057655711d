//! The evolution pipeline: the caller's evolution requests by offer and state, as they stand
//! now (the period does not apply: a pipeline is a snapshot); one grouped query.

use entity::evolution::{self, EvolutionState};
use sea_orm::{
    ColumnTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ReportFilter, label_of, offer_codes, offer_id,
    table::{Cell, Table},
};
use crate::{
    db::{Ctx, Handle},
    domain::evolution::State,
    services::error::ServiceResult,
};

/// One state's count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StateCount {
    /// The state's word.
    pub state: String,
    /// Requests in it.
    pub count: i64,
    /// Their list (HTML path with the filters of `GET /api/v1/evolutions`).
    pub list: String,
}

/// One offer's requests by state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PipelineRow {
    /// Offer code.
    pub offer: String,
    /// Requests in any state.
    pub total: i64,
    /// By state, in the order of the process (every state, zeros included).
    pub states: Vec<StateCount>,
    /// All the offer's requests (HTML path).
    pub list: String,
}

/// The committee's list of an offer's requests, in one state or all.
fn list(offer: &str, state: Option<State>) -> String {
    let mut pairs = vec![("offer", offer.to_owned())];
    pairs.extend(state.map(|s| ("state", s.as_str().to_owned())));
    format!(
        "/desk/committee?{}",
        serde_html_form::to_string(pairs).unwrap_or_default()
    )
}

/// The caller's evolution requests by offer and state.
pub async fn pipeline<C: Handle>(
    ctx: &Ctx<C>,
    filter: &ReportFilter,
) -> ServiceResult<Vec<PipelineRow>> {
    super::managers_only(ctx)?;
    let mut query = ctx.find::<evolution::Entity>();
    if let Some(offer) = offer_id(ctx, filter).await? {
        query = query.filter(evolution::Column::OfferId.eq(offer));
    }
    let counts: Vec<(i64, EvolutionState, i64)> = query
        .select_only()
        .column(evolution::Column::OfferId)
        .column(evolution::Column::State)
        .expr_as(
            Expr::col((evolution::Entity, evolution::Column::Id)).count(),
            "n",
        )
        .group_by(evolution::Column::OfferId)
        .group_by(evolution::Column::State)
        .into_tuple()
        .all(ctx)
        .await?;
    let mut offers: Vec<i64> = counts.iter().map(|c| c.0).collect();
    offers.sort_unstable();
    offers.dedup();
    let codes = offer_codes(ctx, offers.clone()).await?;
    let mut rows: Vec<PipelineRow> = offers
        .into_iter()
        .map(|offer| {
            let code = label_of(&codes, offer);
            let states: Vec<StateCount> = State::ALL
                .into_iter()
                .map(|state| StateCount {
                    state: state.as_str().to_owned(),
                    count: counts
                        .iter()
                        .find(|c| c.0 == offer && State::from(c.1) == state)
                        .map_or(0, |c| c.2),
                    list: list(&code, Some(state)),
                })
                .collect();
            PipelineRow {
                total: states.iter().map(|s| s.count).sum(),
                list: list(&code, None),
                offer: code,
                states,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.offer.cmp(&b.offer));
    Ok(rows)
}

/// The rows as a table.
pub fn table(rows: &[PipelineRow]) -> Table {
    let mut headers = vec!["tickets-offer".to_owned(), "report-requests".to_owned()];
    headers.extend(
        State::ALL
            .iter()
            .map(|s| format!("evo-state-{}", s.as_str())),
    );
    Table {
        headers,
        rows: rows
            .iter()
            .map(|r| {
                let mut cells = vec![
                    Cell::text(r.offer.clone()),
                    Cell::count(r.total).linked(r.list.clone()),
                ];
                cells.extend(
                    r.states
                        .iter()
                        .map(|s| Cell::count(s.count).linked(s.list.clone())),
                );
                cells
            })
            .collect(),
    }
}
