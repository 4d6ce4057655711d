//! The pages of evolution requests and the committees: the portal's "Évolutions" (list, request
//! page with its support button, new request) and "Feuille de route"; the desk's committee
//! queue, request page with actions and assessment, release builder (reordered with buttons, so
//! keyboard-operable without script), steering ballot and decision record, and sessions.

use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    access::Caller,
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    domain::{evolution::Action, steering::Vote},
    error::AppError,
    quota::CreationQuota,
    services::{
        catalogue::offers::{self, OfferFilter},
        committee_sessions::{self, NewSession, SessionFilter},
        evolutions::{
            self, EvolutionActionInput, EvolutionFilter, NewEvolution, assessments, support,
        },
        releases::{
            self, BallotInput, ChairDecision, NewRelease, ReleaseAction, ReleaseFilter,
            ReleaseItems,
        },
    },
    state::AppState,
    view::Page,
    web::forms::field_errors,
};

fn base(caller: &Caller) -> &'static str {
    if caller.is_staff() {
        "/desk"
    } else {
        "/portal"
    }
}

async fn offer_codes<C: sea_orm::ConnectionTrait>(db: &Scoped<'_, C>) -> Result<Value, AppError> {
    let offers = offers::list(
        &crate::services::catalogue::ctx_of(db),
        &OfferFilter {
            q: None,
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
        },
    )
    .await?;
    Ok(json!(offers.items))
}

/// `GET /portal/evolutions` and `/desk/committee`: the requests (the desk's in queue order).
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<EvolutionFilter>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let desk = caller.is_staff();
    let filter = EvolutionFilter {
        sort: filter
            .sort
            .clone()
            .or_else(|| desk.then(|| "queue".to_owned())),
        ..filter
    };
    let found = evolutions::list(&db, &caller, &filter).await?;
    Ok(Page::new(
        "evolutions/list.html",
        json!({ "found": found, "filter": filter, "offers": offer_codes(&db).await?,
                "base": base(&caller), "desk": desk, "contact": caller.has(crate::domain::role::Role::Contact) }),
    ))
}

/// `GET /portal/evolutions/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    Ok(Page::new(
        "evolutions/new.html",
        json!({ "offers": offer_codes(&db).await?, "form": {}, "errors": {} }),
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    _quota: CreationQuota,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let new = NewEvolution {
        offer: form.offer.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        module: Some(form.module.clone()),
    };
    match evolutions::file(&db, &caller, new).await {
        Ok(e) => Ok(Redirect::to(&format!("/portal/evolutions/{}", e.reference)).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/new.html",
                    json!({ "offers": offer_codes(&db).await?, "form": form, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /portal/evolutions/{ref}` and `/desk/evolutions/{ref}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(reference): Path<String>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let evolution = evolutions::get(&db, &caller, &reference).await?;
    let history = evolutions::history(&db, &caller, &reference).await?;
    Ok(Page::new(
        "evolutions/show.html",
        json!({ "e": evolution, "history": history, "base": base(&caller) }),
    ))
}

/// `POST /evolutions/{ref}/support` and `/evolutions/{ref}/withdraw`.
pub async fn give_support(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let e = support::give(&db, &caller, &reference).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(&caller),
        e.reference
    )))
}

/// `POST /evolutions/{ref}/withdraw`.
pub async fn withdraw_support(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let e = support::withdraw(&db, &caller, &reference).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(&caller),
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path((reference, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let input = EvolutionActionInput {
        revision: form.revision,
        reason: form.reason,
        of: form.of,
    };
    let e = evolutions::act(&db, &caller, &reference, action, input).await?;
    Ok(Redirect::to(&format!(
        "{}/evolutions/{}",
        base(&caller),
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<AssessmentForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let input = assessments::AssessmentInput {
        value: form.value,
        clarity: form.clarity,
        complexity_days: form.complexity_days,
        regulatory: form.regulatory.is_some(),
        comment: form.comment,
    };
    let e = assessments::put(&db, &caller, &reference, input).await?;
    Ok(Redirect::to(&format!("/desk/evolutions/{}", e.reference)))
}

/// Query of the roadmap page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapQuery {
    offer: Option<String>,
}

/// `GET /portal/roadmap?offer=CODE`.
pub async fn roadmap(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(query): Query<RoadmapQuery>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let offers = offer_codes(&db).await?;
    let code = query.offer.filter(|o| !o.is_empty()).or_else(|| {
        offers
            .get(0)
            .and_then(|o| o["code"].as_str())
            .map(str::to_owned)
    });
    let roadmap = match code {
        Some(code) => Some(releases::roadmap(&db, &caller, &code).await?),
        None => None,
    };
    Ok(Page::new(
        "evolutions/roadmap.html",
        json!({ "roadmap": roadmap, "offers": offers }),
    ))
}

/// `GET /desk/releases`.
pub async fn releases_list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<ReleaseFilter>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let found = releases::list(&db, &filter).await?;
    Ok(Page::new(
        "evolutions/releases.html",
        json!({ "found": found, "offers": offer_codes(&db).await?, "errors": {}, "form": {} }),
    ))
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<ReleaseForm>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let target_date = match form.target_date.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::field("target_date", "must be a date"))?,
        ),
    };
    let new = NewRelease {
        offer: form.offer.clone(),
        version: form.version.clone(),
        kind: form.kind.clone(),
        target_date,
        capacity_days: form.capacity_days,
    };
    match releases::create(&db, &caller, new).await {
        Ok(r) => Ok(Redirect::to(&format!("/desk/releases/{}", r.id)).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            let found = releases::list(&db, &ReleaseFilter::default()).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/releases.html",
                    json!({ "found": found, "offers": offer_codes(&db).await?, "errors": errors, "form": form }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/releases/{id}`: the builder (draft), the proposal, the ballot, the decision.
pub async fn release_show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let release = releases::get(&db, &caller, id).await?;
    // What may be added: the offer's qualified requests not in a release, best first.
    let candidates = if release.may_edit {
        evolutions::list(
            &db,
            &caller,
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
                "steering": caller.has(crate::domain::role::Role::Steering) }),
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ItemsForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    releases::set_items(
        &db,
        &caller,
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path((id, action)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let action = ReleaseAction::parse(&action).ok_or(AppError::NotFound)?;
    releases::act(&db, &caller, id, action, form.revision).await?;
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<BallotForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let input = BallotInput {
        vote: form.vote,
        removed: form.removed,
        comment: form.comment,
    };
    releases::vote(&db, &caller, id, input).await?;
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
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ChairForm>,
) -> Result<Redirect, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let input = ChairDecision {
        outcome: form.outcome,
        removed: form.removed,
        comment: form.comment,
    };
    releases::decide_as_chair(&db, &caller, id, input).await?;
    Ok(Redirect::to(&format!("/desk/releases/{id}")))
}

/// `GET /desk/offers/{code}/criteria`: the offer's qualification weights.
pub async fn criteria(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(code): Path<String>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let weights = assessments::weights(&db, &code).await?;
    Ok(Page::new(
        "evolutions/criteria.html",
        json!({ "offer": code.to_uppercase(), "w": weights, "errors": {} }),
    ))
}

/// `POST /desk/offers/{code}/criteria`.
pub async fn set_criteria(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<crate::domain::scoring::Weights>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    match assessments::set_weights(&db, &caller, &code, form).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/desk/offers/{}/criteria", code.to_uppercase())).into_response(),
        ),
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/criteria.html",
                    json!({ "offer": code.to_uppercase(), "w": form, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/settings/steering`: quorum, majority and chair (administrators change them).
pub async fn steering(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Page, AppError> {
    let settings = releases::steering_settings(&state.db).await?;
    Ok(Page::new(
        "evolutions/steering.html",
        json!({ "s": settings, "admin": caller.scope.admin, "errors": {} }),
    ))
}

/// The steering settings' form: the chair by e-mail address.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SteeringForm {
    quorum: u32,
    majority_percent: u32,
    #[serde(default)]
    chair: String,
}

/// `POST /desk/settings/steering`.
pub async fn set_steering(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<SteeringForm>,
) -> Result<Response, AppError> {
    releases::may_set_steering(&caller)?;
    let chair = match form.chair.trim() {
        "" => None,
        email => Some(
            crate::services::tickets::account_by_email(&state.db, email)
                .await?
                .ok_or_else(|| AppError::field("chair", "is not an active account"))?,
        ),
    };
    let settings = releases::SteeringSettings {
        rules: crate::domain::steering::Rules {
            quorum: form.quorum,
            majority_percent: form.majority_percent,
        },
        chair,
    };
    match releases::set_steering_settings(&state.db, &caller, settings).await {
        Ok(_) => Ok(Redirect::to("/desk/settings/steering").into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/steering.html",
                    json!({ "s": settings, "admin": caller.scope.admin, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/sessions`.
pub async fn sessions(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<SessionFilter>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let found = committee_sessions::list(&db, &filter).await?;
    Ok(Page::new(
        "evolutions/sessions.html",
        json!({ "found": found, "errors": {}, "form": {} }),
    ))
}

/// The session form: lists one item per line.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SessionForm {
    committee: String,
    held_on: String,
    title: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    decisions: String,
    #[serde(default)]
    minutes: String,
}

/// `POST /desk/sessions`.
pub async fn session_create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<SessionForm>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
    let held_on = chrono::NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field("held_on", "must be a date"));
    let result = match held_on {
        Ok(held_on) => {
            committee_sessions::create(
                &db,
                &caller,
                NewSession {
                    committee: form.committee.clone(),
                    held_on,
                    title: form.title.clone(),
                    attendees: lines(&form.attendees),
                    agenda: lines(&form.agenda),
                    decisions: form.decisions.clone(),
                    minutes: form.minutes.clone(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!("/desk/sessions/{}", s.id)).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            let found = committee_sessions::list(&db, &SessionFilter::default()).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "evolutions/sessions.html",
                    json!({ "found": found, "errors": errors, "form": form }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/sessions/{id}`: printable.
pub async fn session_show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Page, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let session = committee_sessions::get(&db, id).await?;
    Ok(Page::new(
        "evolutions/session.html",
        json!({ "s": session }),
    ))
}

/// `GET /desk/sessions/{id}/minutes.md`: the Markdown export.
pub async fn session_markdown(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let db = Scoped::new(&state.db, &caller.scope).at(state.clock.now());
    let session = committee_sessions::get(&db, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"seance-{id}.md\""),
            ),
        ],
        committee_sessions::markdown(&session),
    )
        .into_response())
}
