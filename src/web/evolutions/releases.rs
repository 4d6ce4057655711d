//! The release builder (reordered with buttons, so keyboard-operable without script), the
//! steering ballot and the chair's decision.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::offer_codes;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::steering::Vote,
    error::AppError,
    i18n::Lang,
    services::error::ServiceError,
    services::{
        evolutions::{self, EvolutionFilter},
        listing::PagerView,
        releases::{
            self, BallotInput, ChairDecision, NewRelease, ReleaseAction, ReleaseFilter,
            ReleaseItems,
        },
    },
    view::Page,
    web::forms::field_errors_in,
};

/// The releases page: the list as filtered, sorted and paged, and the new release's form.
async fn releases_page(
    ctx: &Ctx,
    filter: ReleaseFilter,
    errors: Value,
    form: Value,
) -> Result<Page, AppError> {
    let found = releases::list(ctx, &filter).await?;
    let pager = PagerView::new(&found, &filter.pairs(), "created");
    Ok(Page::new(
        "evolutions/releases.html",
        json!({ "found": found, "pager": pager, "filter": filter,
                "offers": offer_codes(ctx).await?, "errors": errors, "form": form }),
    ))
}

/// `GET /desk/releases`: filters as selects, sortable headers, numbered pages; with
/// `format=csv`, the whole list as a CSV file.
pub async fn releases_list(
    ctx: Ctx,
    Query(filter): Query<ReleaseFilter>,
) -> Result<Response, AppError> {
    if filter.format.as_deref() == Some("csv") {
        let chunks = releases::export(ctx, filter).await?;
        return crate::http::csv_stream("releases.csv", chunks);
    }
    Ok(releases_page(&ctx, filter, json!({}), json!({}))
        .await?
        .into_response())
}

/// The new release's form.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseForm {
    offer: String,
    version: String,
    kind: String,
    #[serde(default)]
    target_date: String,
    capacity_days: i32,
}

/// `POST /desk/releases`.
pub async fn release_create(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<ReleaseForm>,
) -> Result<Response, AppError> {
    let target_date = match form.target_date.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ServiceError::field("target_date", "field-date", vec![]))?,
        ),
    };
    let new = NewRelease {
        offer: form.offer.clone(),
        version: form.version.clone(),
        kind: form.kind.clone(),
        target_date,
        capacity_days: form.capacity_days,
    };
    match releases::create(&ctx, new).await {
        Ok(r) => Ok(Redirect::to(&format!("/desk/releases/{}", r.id)).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            let page =
                releases_page(&ctx, ReleaseFilter::default(), json!(errors), json!(form)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `GET /desk/releases/{id}`: the builder (draft), the proposal, the ballot, the decision.
pub async fn release_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    let release = releases::get(&ctx, id).await?;
    // What may be added: the offer's qualified requests not in a release, best first.
    let candidates = if release.may_edit {
        evolutions::list(
            &ctx,
            &EvolutionFilter {
                offer: Some(release.offer.clone()),
                state: Some("qualified".to_owned()),
                sort: Some("queue".to_owned()),
                per_page: Some(200),
                ..EvolutionFilter::default()
            },
        )
        .await?
        .items
        .into_iter()
        .filter(|e| e.release_id.is_none())
        .collect()
    } else {
        Vec::new()
    };
    // The list with each item moved up or down, for the keyboard-operable buttons.
    let refs: Vec<String> = release.items.iter().map(|i| i.reference.clone()).collect();
    let moved = |from: usize, to: usize| {
        let mut order = refs.clone();
        order.swap(from, to);
        order
    };
    let orders: Vec<Value> = (0..refs.len())
        .map(|i| {
            json!({
                "up": (i > 0).then(|| moved(i, i - 1)),
                "down": (i + 1 < refs.len()).then(|| moved(i, i + 1)),
                "without": refs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, r)| r.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Page::new(
        "evolutions/release.html",
        json!({ "r": release, "orders": orders, "refs": refs, "candidates": candidates,
                "steering": ctx.caller().has(crate::domain::role::Role::Steering) }),
    ))
}

/// The list's form: the items in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsForm {
    revision: i32,
    #[serde(default)]
    items: Vec<String>,
    /// Where to put the keyboard focus back (the moved item's button).
    focus: Option<String>,
}

/// `POST /desk/releases/{id}/items`.
pub async fn release_items(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ItemsForm>,
) -> Result<Redirect, AppError> {
    releases::set_items(
        &ctx,
        id,
        ReleaseItems {
            revision: form.revision,
            items: form.items,
        },
    )
    .await?;
    let anchor = form
        .focus
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|f| format!("#{f}"))
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/desk/releases/{id}{anchor}")))
}

/// The revision of a release action's form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionForm {
    revision: i32,
}

/// `POST /desk/releases/{id}/actions/{action}`.
pub async fn release_act(
    ctx: Ctx,
    Path((id, action)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Redirect, AppError> {
    let action = ReleaseAction::parse(&action).ok_or(AppError::NotFound)?;
    releases::act(&ctx, id, action, form.revision).await?;
    Ok(Redirect::to(&format!("/desk/releases/{id}")))
}

/// The ballot form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotForm {
    vote: Vote,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    comment: String,
}

/// `POST /desk/releases/{id}/ballots`.
pub async fn release_vote(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<BallotForm>,
) -> Result<Redirect, AppError> {
    let input = BallotInput {
        vote: form.vote,
        removed: form.removed,
        comment: form.comment,
    };
    releases::vote(&ctx, id, input).await?;
    Ok(Redirect::to(&format!("/desk/releases/{id}")))
}

/// The chair's form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChairForm {
    outcome: String,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    comment: String,
}

/// `POST /desk/releases/{id}/decision`.
pub async fn release_decide(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ChairForm>,
) -> Result<Redirect, AppError> {
    let input = ChairDecision {
        outcome: form.outcome,
        removed: form.removed,
        comment: form.comment,
    };
    releases::decide_as_chair(&ctx, id, input).await?;
    Ok(Redirect::to(&format!("/desk/releases/{id}")))
}
