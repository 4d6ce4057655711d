//! Desk pages for SLAs: the list, the structured editor (week grid, targets table, holiday
//! rules with a preview of the next twelve months' closed days) and the "what if" calculator.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{Value, json};

use super::{agreements::choices, sla_form::SlaForm, staff_only};
use crate::{
    access::Caller,
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    domain::{catalogue::RequestKind, local_time::parse_form_local, sla::Priority},
    error::AppError,
    services::{
        PageRequest,
        catalogue::{
            slas::{self, SlaInput},
            today,
            what_if::{self, PauseInput, WhatIfInput},
        },
    },
    state::AppState,
    view::Page,
    web::forms::{FieldErrors, field_errors},
};

/// Pause rows of the calculator's form.
const PAUSE_ROWS: usize = 3;

/// `GET /desk/slas`.
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(page): Query<PageRequest>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let list = slas::list(&db, page).await?;
    Ok(Page::new(
        "desk/slas.html",
        json!({ "list": list, "manages": caller.scope.manages_anything() }),
    ))
}

/// The editor, filled with `form`, with the closed days its holiday rules give over the next
/// twelve months.
async fn editor(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    form: &SlaForm,
    sla: Value,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let window = form.window(&mut FieldErrors::new());
    let mut shown = form.shown();
    if let (Some(shown), Some(extra)) = (shown.as_object_mut(), sla.as_object()) {
        shown.extend(extra.clone());
    }
    Ok((
        status,
        Page::new(
            "desk/sla.html",
            json!({ "sla": shown, "errors": errors, "choices": choices(state, caller).await?,
                    "closed_days": what_if::next_closed_days(&window, today()) }),
        ),
    )
        .into_response())
}

/// Saves with `save`, or shows the editor again: as typed, with the problems (422), or with
/// the preview asked for (200).
async fn submit<F>(
    state: &AppState,
    caller: &Caller,
    form: SlaForm,
    sla: Value,
    save: impl FnOnce(SlaInput) -> F,
) -> Result<Response, AppError>
where
    F: std::future::Future<Output = Result<slas::SlaView, AppError>>,
{
    if form.is_preview() {
        return editor(
            state,
            caller,
            StatusCode::OK,
            &form,
            sla,
            FieldErrors::new(),
        )
        .await;
    }
    let errors = match form.input() {
        Ok(input) => match save(input).await {
            Ok(saved) => {
                return Ok(Redirect::to(&format!("/desk/slas/{}", saved.id)).into_response());
            }
            Err(err) => field_errors(err)?,
        },
        Err(problems) => problems,
    };
    editor(
        state,
        caller,
        StatusCode::UNPROCESSABLE_ENTITY,
        &form,
        sla,
        errors,
    )
    .await
}

/// `GET /desk/slas/new`.
pub async fn new_sla(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not manage SLAs".to_owned(),
        ));
    }
    let form = SlaForm::new_sla();
    editor(
        &state,
        &caller,
        StatusCode::OK,
        &form,
        json!({}),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/slas`.
pub async fn create_sla(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let form = SlaForm::from_pairs(pairs);
    submit(&state, &caller, form, json!({}), |input| {
        slas::create(&db, input)
    })
    .await
}

/// `GET /desk/slas/{id}`.
pub async fn show_sla(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let sla = slas::get(&db, id).await?;
    let manages = caller.scope.manages_organisation(sla.provider_id);
    editor(
        &state,
        &caller,
        StatusCode::OK,
        &SlaForm::of(&sla),
        json!({ "id": id, "editing": true, "manages": manages }),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/slas/{id}`.
pub async fn update_sla(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let form = SlaForm::from_pairs(pairs);
    let sla = json!({ "id": id, "editing": true, "manages": true });
    submit(&state, &caller, form, sla, |input| {
        slas::replace(&db, id, input)
    })
    .await
}

/// The calculator's question as typed (Paris wall-clock times), or the problems found.
fn question(pairs: &[(String, String)]) -> Result<WhatIfInput, FieldErrors> {
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.trim())
    };
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let sla = slas::get(&db, id).await?;
    if !caller.scope.manages_organisation(sla.provider_id) {
        return Err(AppError::NotFound);
    }
    let asked = pairs.iter().any(|(k, _)| k == "start");
    let (answer, errors) = if asked {
        match question(&pairs) {
            Ok(input) => match what_if::saved(&db, id, &input).await {
                Ok(answer) => (Some(answer), FieldErrors::new()),
                Err(err) => (None, field_errors(err)?),
            },
            Err(problems) => (None, problems),
        }
    } else {
        (None, FieldErrors::new())
    };
    let typed: serde_json::Map<String, Value> =
        pairs.into_iter().map(|(k, v)| (k, json!(v))).collect();
    Ok(Page::new(
        "desk/sla_simulate.html",
        json!({ "sla": sla, "typed": typed, "answer": answer, "errors": errors,
                "rows": (0..PAUSE_ROWS).collect::<Vec<_>>(),
                "kinds": RequestKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                "priorities": ["critical", "high", "medium", "low"] }),
    ))
}
