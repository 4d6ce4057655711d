//! Desk pages for SLAs: the list, the structured editor (week grid, targets table, holiday
//! rules with a preview of the next twelve months' closed days) and the "what if" calculator.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{Value, json};

use super::{agreements::choices, sla_form::SlaForm, staff_only};
use crate::{
    access::Caller,
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::{catalogue::RequestKind, local_time::parse_form_local, sla::Priority},
    error::AppError,
    i18n::Lang,
    services::{
        PageRequest, Paged,
        catalogue::{
            slas::{self, SlaFilter, SlaInput, SlaRow},
            today,
            what_if::{self, PauseInput, SlaDraft, WhatIfInput, WhatIfView},
        },
        error::{ServiceError, ServiceResult},
        listing::PagerView,
        organisations::{self, OrganisationView},
    },
    view::Page,
    web::forms::{FieldErrors, field_errors_in},
};

/// Pause rows of the calculator's form.
const PAUSE_ROWS: usize = 3;

/// `desk/slas.html`.
#[derive(serde::Serialize)]
struct SlasPage {
    /// A page of SLAs.
    list: Paged<SlaRow>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: SlaFilter,
    /// The provider organisations, to filter by.
    providers: Vec<OrganisationView>,
    /// Whether the caller manages some SLAs (the "new" link).
    manages: bool,
}

/// `GET /desk/slas`: filters as selects, sortable headers, numbered pages; with `format=csv`,
/// the whole list as a CSV file.
pub async fn list(ctx: Ctx, Query(filter): Query<SlaFilter>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if filter.format.as_deref() == Some("csv") {
        let chunks = slas::export(ctx, &filter)?;
        return crate::http::csv_stream("slas.csv", chunks);
    }
    let list = slas::listed(&ctx, &filter).await?;
    let providers = organisations::list(
        &ctx,
        PageRequest {
            page: 1,
            per_page: crate::services::MAX_PER_PAGE,
        },
    )
    .await?
    .items
    .into_iter()
    .filter(|o| o.is_provider)
    .collect();
    let pairs = filter.pairs();
    Ok(Page::new(
        "desk/slas.html",
        SlasPage {
            pager: PagerView::new(&list, &pairs, "name"),
            list,
            f: filter,
            providers,
            manages: ctx.scope().manages_anything(),
        },
    )
    .into_response())
}

/// The what-if form's choices, for both pages that carry it.
fn question_choices(page: &mut Value) {
    if let Some(page) = page.as_object_mut() {
        page.insert(
            "rows".to_owned(),
            json!((0..PAUSE_ROWS).collect::<Vec<_>>()),
        );
        page.insert(
            "kinds".to_owned(),
            json!(
                RequestKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
            ),
        );
        page.insert(
            "priorities".to_owned(),
            json!(["critical", "high", "medium", "low"]),
        );
    }
}

/// The editor, filled with `form`, with the closed days its holiday rules give over the next
/// twelve months, and the what-if answer for the values typed when asked.
async fn editor(
    ctx: &Ctx,
    status: StatusCode,
    form: &SlaForm,
    sla: Value,
    (answer, errors): (Option<WhatIfView>, FieldErrors),
) -> Result<Response, AppError> {
    let window = form.window(&mut FieldErrors::new());
    let mut shown = form.shown();
    if let (Some(shown), Some(extra)) = (shown.as_object_mut(), sla.as_object()) {
        shown.extend(extra.clone());
    }
    let mut page = json!({ "sla": shown, "errors": errors, "choices": choices(ctx).await?,
                           "closed_days": what_if::next_closed_days(&window, today(ctx.now())),
                           "typed": form.typed(), "answer": answer });
    question_choices(&mut page);
    Ok((status, Page::new("desk/sla.html", page)).into_response())
}

/// The what-if answer for the SLA as typed in the editor, or the problems of either.
fn simulate_draft(caller: &Caller, lang: Lang, form: &SlaForm) -> Result<WhatIfView, FieldErrors> {
    let (sla, question) = match (form.input(), question(|k| form.get(k))) {
        (Ok(sla), Ok(question)) => (sla, question),
        (sla, question) => {
            let mut problems = sla.err().unwrap_or_default();
            problems.extend(question.err().unwrap_or_default());
            return Err(problems);
        }
    };
    let question = WhatIfInput {
        sla: Some(SlaDraft {
            name: sla.name,
            targets: sla.targets,
            coverage_window: sla.coverage_window,
        }),
        ..question
    };
    what_if::draft(&caller.scope, &question).map_err(|err| match err {
        ServiceError::Invalid(fields) => fields
            .into_iter()
            .map(|f| f.in_lang(lang))
            .map(|f| (f.field, f.reason))
            .collect(),
        // Only those who manage SLAs reach the editor's form; say so as a problem, not a page.
        _ => FieldErrors::from([("start".to_owned(), "sla-error-question".to_owned())]),
    })
}

/// Saves with `save`, or shows the editor again: as typed, with the problems (422), or with
/// the preview or the what-if answer asked for (200).
async fn submit<F>(
    ctx: &Ctx,
    lang: Lang,
    form: SlaForm,
    sla: Value,
    save: impl FnOnce(SlaInput) -> F,
) -> Result<Response, AppError>
where
    F: std::future::Future<Output = ServiceResult<slas::SlaView>>,
{
    match form.action() {
        "preview" => {
            return editor(ctx, StatusCode::OK, &form, sla, Default::default()).await;
        }
        "simulate" => {
            let (status, outcome) = match simulate_draft(ctx.caller(), lang, &form) {
                Ok(answer) => (StatusCode::OK, (Some(answer), FieldErrors::new())),
                Err(problems) => (StatusCode::UNPROCESSABLE_ENTITY, (None, problems)),
            };
            return editor(ctx, status, &form, sla, outcome).await;
        }
        _ => {}
    }
    let errors = match form.input() {
        Ok(input) => match save(input).await {
            Ok(saved) => {
                return Ok(Redirect::to(&format!("/desk/slas/{}", saved.id)).into_response());
            }
            Err(err) => field_errors_in(err.into(), lang)?,
        },
        Err(problems) => problems,
    };
    editor(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        &form,
        sla,
        (None, errors),
    )
    .await
}

/// `GET /desk/slas/new`.
pub async fn new_sla(ctx: Ctx) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("catalogue-refused-role-slas", vec![]).into());
    }
    let form = SlaForm::new_sla();
    editor(&ctx, StatusCode::OK, &form, json!({}), Default::default()).await
}

/// `POST /desk/slas`.
pub async fn create_sla(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let form = SlaForm::from_pairs(pairs);
    submit(&ctx, lang, form, json!({}), |input| {
        slas::create(&ctx, input)
    })
    .await
}

/// `GET /desk/slas/{id}`.
pub async fn show_sla(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let sla = slas::get(&ctx, id).await?;
    let manages = ctx.scope().manages_organisation(sla.provider_id);
    editor(
        &ctx,
        StatusCode::OK,
        &SlaForm::of(&sla),
        json!({ "id": id, "editing": true, "manages": manages }),
        Default::default(),
    )
    .await
}

/// `POST /desk/slas/{id}`.
pub async fn update_sla(
    ctx: Ctx,
    lang: Lang,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let form = SlaForm::from_pairs(pairs);
    let sla = json!({ "id": id, "editing": true, "manages": true });
    submit(&ctx, lang, form, sla, |input| {
        slas::replace(&ctx, id, input)
    })
    .await
}

/// The calculator's question as typed (Paris wall-clock times), or the problems found; `get`
/// reads a field ("" when absent).
fn question<'a>(get: impl Fn(&str) -> &'a str) -> Result<WhatIfInput, FieldErrors> {
    let mut problems = FieldErrors::new();
    let mut instant = |field: &str| {
        let at = parse_form_local(get(field));
        if at.is_none() {
            problems.insert(field.to_owned(), "sla-error-instant".to_owned());
        }
        at
    };
    let start = instant("start");
    let mut pauses = Vec::new();
    for i in 0..PAUSE_ROWS {
        let (from, to) = (format!("pause_from_{i}"), format!("pause_to_{i}"));
        if get(&from).is_empty() && get(&to).is_empty() {
            continue;
        }
        if let (Some(from), Some(to)) = (instant(&from), instant(&to)) {
            pauses.push(PauseInput { from, to });
        }
    }
    let kind = RequestKind::parse(get("kind"));
    let priority = serde_json::from_value::<Priority>(json!(get("priority"))).ok();
    match (start, kind, priority) {
        (Some(start), Some(kind), Some(priority)) if problems.is_empty() => Ok(WhatIfInput {
            start,
            kind,
            priority,
            pauses,
            sla: None,
        }),
        _ => {
            problems
                .entry("start".to_owned())
                .or_insert_with(|| "sla-error-question".to_owned());
            Err(problems)
        }
    }
}

/// `GET /desk/slas/{id}/simulate`: the calculator, and its answer once asked. For the SLA's
/// provider's coordinators and the administrators (404 for anyone else).
pub async fn simulate(
    ctx: Ctx,
    lang: Lang,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let sla = slas::get(&ctx, id).await?;
    if !ctx.scope().manages_organisation(sla.provider_id) {
        return Err(AppError::NotFound);
    }
    let asked = pairs.iter().any(|(k, _)| k == "start");
    let (answer, errors) = if asked {
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map_or("", |(_, v)| v.trim())
        };
        match question(get) {
            Ok(input) => match what_if::saved(&ctx, id, &input).await {
                Ok(answer) => (Some(answer), FieldErrors::new()),
                Err(err) => (None, field_errors_in(err.into(), lang)?),
            },
            Err(problems) => (None, problems),
        }
    } else {
        (None, FieldErrors::new())
    };
    let typed: serde_json::Map<String, Value> =
        pairs.into_iter().map(|(k, v)| (k, json!(v))).collect();
    let mut page = json!({ "sla": sla, "typed": typed, "answer": answer, "errors": errors });
    question_choices(&mut page);
    Ok(Page::new("desk/sla_simulate.html", page))
}
