//! The requests' pages: the portal's list, new request, request page with its support button
//! and actions, the committee's queue and assessment, and offers' roadmaps.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{base, offer_codes, organisation_choices};
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::evolution::Action,
    error::AppError,
    i18n::Lang,
    quota::CreationQuota,
    services::{
        evolutions::{
            self, EvolutionActionInput, EvolutionFilter, NewEvolution, assessments, support,
        },
        listing::PagerView,
        releases,
    },
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /portal/evolutions` and `/desk/committee`: the requests (the desk's in queue order),
/// filters as selects, sortable headers, numbered pages; with `format=csv`, the whole list as
/// a CSV file.
pub async fn list(ctx: Ctx, Query(filter): Query<EvolutionFilter>) -> Result<Response, AppError> {
    let desk = ctx.caller().is_staff();
    let default_sort = if desk { "queue" } else { "updated" };
    let filter = EvolutionFilter {
        sort: filter
            .sort
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| Some(default_sort.to_owned())),
        ..filter
    };
    if filter.format.as_deref() == Some("csv") {
        let chunks = evolutions::export(ctx, filter).await?;
        return crate::http::csv_stream("evolutions.csv", chunks);
    }
    let found = evolutions::list(&ctx, &filter).await?;
    let pager = PagerView::new(&found, &filter.pairs(), default_sort);
    Ok(Page::new(
        "evolutions/list.html",
        json!({ "found": found, "pager": pager, "filter": filter, "offers": offer_codes(&ctx).await?,
                "organisations": organisation_choices(&ctx).await?,
                "base": base(ctx.caller()), "desk": desk, "contact": ctx.caller().has(crate::domain::role::Role::Contact) }),
    )
    .into_response())
}

/// `GET /portal/evolutions/new`.
pub async fn new_form(ctx: Ctx) -> Result<Page, AppError> {
    Ok(Page::new(
        "evolutions/new.html",
        json!({ "offers": offer_codes(&ctx).await?, "form": {}, "errors": {} }),
    ))
}

/// The new request's form.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewForm {
    offer: String,
    title: String,
    description: String,
    #[serde(default)]
    module: String,
}

/// `POST /portal/evolutions`.
pub async fn create(
    ctx: Ctx,
    lang: Lang,
    _quota: CreationQuota,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response, AppError> {
    let new = NewEvolution {
        offer: form.offer.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        module: Some(form.module.clone()),
    };
    match evolutions::file(&ctx, new).await {
        Ok(e) => Ok(Redirect::to(&format!("/portal/evolutions/{}", e.reference)).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/new.html",
                    json!({ "offers": offer_codes(&ctx).await?, "form": form, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /portal/evolutions/{ref}` and `/desk/evolutions/{ref}`.
pub async fn show(ctx: Ctx, Path(reference): Path<String>) -> Result<Page, AppError> {
    let evolution = evolutions::get(&ctx, &reference).await?;
    let history = evolutions::history(&ctx, &reference).await?;
    Ok(Page::new(
        "evolutions/show.html",
        json!({ "e": evolution, "history": history, "base": base(ctx.caller()) }),
    ))
}

/// `POST /evolutions/{ref}/support` and `/evolutions/{ref}/withdraw`.
pub async fn give_support(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    let e = support::give(&ctx, &reference).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(ctx.caller()),
        e.reference
    )))
}

/// `POST /evolutions/{ref}/withdraw`.
pub async fn withdraw_support(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    let e = support::withdraw(&ctx, &reference).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(ctx.caller()),
        e.reference
    )))
}

/// An action's form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionForm {
    revision: i32,
    reason: Option<String>,
    of: Option<String>,
}

/// `POST /evolutions/{ref}/actions/{action}`.
pub async fn act(
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Redirect, AppError> {
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let input = EvolutionActionInput {
        revision: form.revision,
        reason: form.reason,
        of: form.of,
    };
    let e = evolutions::act(&ctx, &reference, action, input).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(ctx.caller()),
        e.reference
    )))
}

/// The assessment form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentForm {
    value: u8,
    clarity: u8,
    complexity_days: u32,
    regulatory: Option<String>,
    comment: Option<String>,
}

/// `POST /evolutions/{ref}/assessment`.
pub async fn assess(
    ctx: Ctx,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<AssessmentForm>,
) -> Result<Redirect, AppError> {
    let input = assessments::AssessmentInput {
        value: form.value,
        clarity: form.clarity,
        complexity_days: form.complexity_days,
        regulatory: form.regulatory.is_some(),
        comment: form.comment,
    };
    let e = assessments::put(&ctx, &reference, input).await?;
    Ok(Redirect::to(&format!("/desk/evolutions/{}", e.reference)))
}

/// Query of the roadmap page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapQuery {
    offer: Option<String>,
}

/// `GET /portal/roadmap?offer=CODE`.
pub async fn roadmap(ctx: Ctx, Query(query): Query<RoadmapQuery>) -> Result<Page, AppError> {
    let offers = offer_codes(&ctx).await?;
    let code = query.offer.filter(|o| !o.is_empty()).or_else(|| {
        offers
            .get(0)
            .and_then(|o| o["code"].as_str())
            .map(str::to_owned)
    });
    let roadmap = match code {
        Some(code) => Some(releases::roadmap(&ctx, &code).await?),
        None => None,
    };
    Ok(Page::new(
        "evolutions/roadmap.html",
        json!({ "roadmap": roadmap, "offers": offers }),
    ))
}
