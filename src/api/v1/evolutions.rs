//! Evolution requests, their support and assessments; releases, steering ballots and decisions;
//! offers' roadmaps and criteria; committee sessions.

use axum::{
    Json,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::IntoResponse,
};
use utoipa_axum::routes;

use crate::{
    db::Ctx,
    domain::{evolution::Action, scoring::Weights},
    error::AppError,
    quota::CreationQuota,
    services::{
        Paged,
        committee_sessions::{self, NewSession, SessionFilter, SessionView},
        evolutions::{
            self, EvolutionActionInput, EvolutionFilter, EvolutionStep, EvolutionView,
            NewEvolution,
            assessments::{self, AssessmentInput},
            support,
        },
        releases::{
            self, BallotInput, ChairDecision, DecisionView, NewRelease, ReleaseAction,
            ReleaseFilter, ReleaseItems, ReleaseSummary, ReleaseView, Revision, Roadmap,
            SteeringSettings,
        },
    },
};

/// The evolution requests the caller reads: those of every offer its establishment subscribes
/// to, filtered, sorted and paged. `sort=queue` is the committee's order (score, support, age).
/// With `format=csv` or `Accept: text/csv`, the whole list (same filters and order) as CSV.
#[utoipa::path(get, path = "/api/v1/evolutions", tag = "evolutions", params(EvolutionFilter),
    responses((status = 200, description = "A page of requests; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<EvolutionView> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<EvolutionFilter>,
) -> Result<axum::response::Response, AppError> {
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = evolutions::export(ctx, filter).await?;
        return crate::http::csv_stream("evolutions.csv", chunks);
    }
    Ok(Json(evolutions::list(&ctx, &filter).await?).into_response())
}

/// Files an evolution request for the caller's establishment (same filing rule as tickets).
#[utoipa::path(post, path = "/api/v1/evolutions", tag = "evolutions", request_body = NewEvolution,
    responses((status = 201, body = EvolutionView), (status = 403), (status = 404), (status = 422), (status = 429)),
    security(("bearer" = [])))]
pub async fn create(
    ctx: Ctx,
    _quota: CreationQuota,
    Json(body): Json<NewEvolution>,
) -> Result<(StatusCode, Json<EvolutionView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(evolutions::file(&ctx, body).await?),
    ))
}

/// One evolution request.
#[utoipa::path(get, path = "/api/v1/evolutions/{ref}", tag = "evolutions",
    params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$")),
    responses((status = 200, body = EvolutionView), (status = 404)), security(("bearer" = [])))]
pub async fn get(ctx: Ctx, Path(reference): Path<String>) -> Result<Json<EvolutionView>, AppError> {
    Ok(Json(evolutions::get(&ctx, &reference).await?))
}

/// A request's history.
#[utoipa::path(get, path = "/api/v1/evolutions/{ref}/history", tag = "evolutions",
    params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$")),
    responses((status = 200, body = Vec<EvolutionStep>), (status = 404)), security(("bearer" = [])))]
pub async fn history(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<Json<Vec<EvolutionStep>>, AppError> {
    Ok(Json(evolutions::history(&ctx, &reference).await?))
}

/// The caller's establishment supports the request (once per establishment).
#[utoipa::path(post, path = "/api/v1/evolutions/{ref}/support", tag = "evolutions",
    params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$")),
    responses((status = 200, body = EvolutionView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn give_support(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<Json<EvolutionView>, AppError> {
    Ok(Json(support::give(&ctx, &reference).await?))
}

/// The caller's establishment withdraws its support (not the requesting one).
#[utoipa::path(delete, path = "/api/v1/evolutions/{ref}/support", tag = "evolutions",
    params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$")),
    responses((status = 200, body = EvolutionView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn withdraw_support(
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Result<Json<EvolutionView>, AppError> {
    Ok(Json(support::withdraw(&ctx, &reference).await?))
}

/// An action on a request: `review`, `request_info`, `qualify`, `defer`, `reject`,
/// `mark_duplicate`, `close` (a delivered request; project committee), `provide_info`
/// (requesting establishment). `reason` is required to defer or reject (for `qualify` it is the
/// committee's analysis); `of` names the request a duplicate merges into.
#[utoipa::path(post, path = "/api/v1/evolutions/{ref}/actions/{action}", tag = "evolutions",
    request_body = EvolutionActionInput,
    params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$"), ("action" = String, Path, description = "the action (the others of `EvolutionAction` are the platform's)", pattern = "^(review|request_info|provide_info|qualify|defer|reject|mark_duplicate|close)$")),
    responses((status = 200, body = EvolutionView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn act(
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    Json(body): Json<EvolutionActionInput>,
) -> Result<Json<EvolutionView>, AppError> {
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    Ok(Json(evolutions::act(&ctx, &reference, action, body).await?))
}

/// Records or replaces the caller's own assessment (project committee members of another
/// establishment; 409 for a member of the requesting one).
#[utoipa::path(put, path = "/api/v1/evolutions/{ref}/assessment", tag = "evolutions",
    request_body = AssessmentInput, params(("ref" = String, Path, description = "reference, e.g. E-000001", pattern = "^E-[0-9]{6,}$")),
    responses((status = 200, body = EvolutionView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn assess(
    ctx: Ctx,
    Path(reference): Path<String>,
    Json(body): Json<AssessmentInput>,
) -> Result<Json<EvolutionView>, AppError> {
    Ok(Json(assessments::put(&ctx, &reference, body).await?))
}

/// An offer's qualification weights.
#[utoipa::path(get, path = "/api/v1/offers/{code}/criteria", tag = "evolutions",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = Weights), (status = 404)), security(("bearer" = [])))]
pub async fn criteria(ctx: Ctx, Path(code): Path<String>) -> Result<Json<Weights>, AppError> {
    Ok(Json(assessments::weights(&ctx, &code).await?))
}

/// Sets an offer's weights (its provider's coordinators, administrators).
#[utoipa::path(put, path = "/api/v1/offers/{code}/criteria", tag = "evolutions", request_body = Weights,
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = Weights), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn set_criteria(
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<Weights>,
) -> Result<Json<Weights>, AppError> {
    Ok(Json(assessments::set_weights(&ctx, &code, body).await?))
}

/// An offer's roadmap: approved, in development and released releases with their requests, and
/// where the caller's establishment's requests stand.
#[utoipa::path(get, path = "/api/v1/offers/{code}/roadmap", tag = "evolutions",
    params(("code" = String, Path, description = "offer code, e.g. SMS-U", pattern = "^[A-Za-z0-9-]{1,32}$")),
    responses((status = 200, body = Roadmap), (status = 404)), security(("bearer" = [])))]
pub async fn roadmap(ctx: Ctx, Path(code): Path<String>) -> Result<Json<Roadmap>, AppError> {
    Ok(Json(releases::roadmap(&ctx, &code).await?))
}

/// The releases the caller reads, filtered, sorted and paged (newest first unless asked
/// otherwise); with `format=csv` or `Accept: text/csv`, the whole list (same filters and order)
/// as CSV.
#[utoipa::path(get, path = "/api/v1/releases", tag = "evolutions", params(ReleaseFilter),
    responses((status = 200, description = "A page of releases; with format=csv or Accept: text/csv, the whole list as CSV (UTF-8 with BOM, `;`-separated)",
            content((Paged<ReleaseSummary> = "application/json"), (String = "text/csv"))),
        (status = 422)), security(("bearer" = [])))]
pub async fn list_releases(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(filter): Query<ReleaseFilter>,
) -> Result<axum::response::Response, AppError> {
    if crate::http::wants_csv(&headers, filter.format.as_deref()) {
        let chunks = releases::export(ctx, filter).await?;
        return crate::http::csv_stream("releases.csv", chunks);
    }
    Ok(Json(releases::list(&ctx, &filter).await?).into_response())
}

/// Opens a release in draft (project committee).
#[utoipa::path(post, path = "/api/v1/releases", tag = "evolutions", request_body = NewRelease,
    responses((status = 201, body = ReleaseView), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_release(
    ctx: Ctx,
    Json(body): Json<NewRelease>,
) -> Result<(StatusCode, Json<ReleaseView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(releases::create(&ctx, body).await?),
    ))
}

/// One release, with its items, total effort against capacity, tally and decision.
#[utoipa::path(get, path = "/api/v1/releases/{id}", tag = "evolutions",
    params(("id" = i64, Path, description = "release id", minimum = 1)),
    responses((status = 200, body = ReleaseView), (status = 404)), security(("bearer" = [])))]
pub async fn get_release(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ReleaseView>, AppError> {
    Ok(Json(releases::get(&ctx, id).await?))
}

/// Replaces a draft release's ranked list (project committee; 409 once proposed).
#[utoipa::path(put, path = "/api/v1/releases/{id}/items", tag = "evolutions", request_body = ReleaseItems,
    params(("id" = i64, Path, description = "release id", minimum = 1)),
    responses((status = 200, body = ReleaseView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn set_items(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<ReleaseItems>,
) -> Result<Json<ReleaseView>, AppError> {
    Ok(Json(releases::set_items(&ctx, id, body).await?))
}

/// `propose` (draft → proposed), `start` (approved → in_development), `release`
/// (in_development → released); the requests follow.
#[utoipa::path(post, path = "/api/v1/releases/{id}/actions/{action}", tag = "evolutions",
    request_body = Revision,
    params(("id" = i64, Path, description = "release id", minimum = 1), ("action" = ReleaseAction, Path, description = "the committee's move")),
    responses((status = 200, body = ReleaseView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn act_release(
    ctx: Ctx,
    Path((id, action)): Path<(i64, String)>,
    Json(body): Json<Revision>,
) -> Result<Json<ReleaseView>, AppError> {
    let action = ReleaseAction::parse(&action).ok_or(AppError::NotFound)?;
    Ok(Json(releases::act(&ctx, id, action, body.revision).await?))
}

/// Casts or changes the caller's ballot (steering committee); the decision is taken when the
/// quorum and the majority are reached.
#[utoipa::path(post, path = "/api/v1/releases/{id}/ballots", tag = "evolutions", request_body = BallotInput,
    params(("id" = i64, Path, description = "release id", minimum = 1)),
    responses((status = 200, body = ReleaseView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn vote(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<BallotInput>,
) -> Result<Json<ReleaseView>, AppError> {
    Ok(Json(releases::vote(&ctx, id, body).await?))
}

/// The latest decision on a release: who voted what and when, the list as proposed and as
/// approved. Immutable: there is no route to change it.
#[utoipa::path(get, path = "/api/v1/releases/{id}/decision", tag = "evolutions",
    params(("id" = i64, Path, description = "release id", minimum = 1)),
    responses((status = 200, body = DecisionView), (status = 404)), security(("bearer" = [])))]
pub async fn decision(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<DecisionView>, AppError> {
    Ok(Json(releases::decision(&ctx, id).await?))
}

/// The chair records the decision (409 once decided).
#[utoipa::path(post, path = "/api/v1/releases/{id}/decision", tag = "evolutions", request_body = ChairDecision,
    params(("id" = i64, Path, description = "release id", minimum = 1)),
    responses((status = 200, body = ReleaseView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn chair_decides(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<ChairDecision>,
) -> Result<Json<ReleaseView>, AppError> {
    Ok(Json(releases::decide_as_chair(&ctx, id, body).await?))
}

/// The steering committee's quorum, majority and chair.
#[utoipa::path(get, path = "/api/v1/settings/steering", tag = "evolutions",
    responses((status = 200, body = SteeringSettings)), security(("bearer" = [])))]
pub async fn steering(ctx: Ctx) -> Result<Json<SteeringSettings>, AppError> {
    Ok(Json(releases::steering_settings(&ctx).await?))
}

/// Sets them (administrators).
#[utoipa::path(put, path = "/api/v1/settings/steering", tag = "evolutions", request_body = SteeringSettings,
    responses((status = 200, body = SteeringSettings), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn set_steering(
    ctx: Ctx,
    Json(body): Json<SteeringSettings>,
) -> Result<Json<SteeringSettings>, AppError> {
    Ok(Json(releases::set_steering_settings(&ctx, body).await?))
}

/// The committees' sessions (empty for anyone else).
#[utoipa::path(get, path = "/api/v1/committee-sessions", tag = "evolutions", params(SessionFilter),
    responses((status = 200, body = Paged<SessionView>)), security(("bearer" = [])))]
pub async fn list_sessions(
    ctx: Ctx,
    Query(filter): Query<SessionFilter>,
) -> Result<Json<Paged<SessionView>>, AppError> {
    Ok(Json(committee_sessions::list(&ctx, &filter).await?))
}

/// Records a session (a member of that committee).
#[utoipa::path(post, path = "/api/v1/committee-sessions", tag = "evolutions", request_body = NewSession,
    responses((status = 201, body = SessionView), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn create_session(
    ctx: Ctx,
    Json(body): Json<NewSession>,
) -> Result<(StatusCode, Json<SessionView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(committee_sessions::create(&ctx, body).await?),
    ))
}

/// One session.
#[utoipa::path(get, path = "/api/v1/committee-sessions/{id}", tag = "evolutions",
    params(("id" = i64, Path, description = "session id", minimum = 1)),
    responses((status = 200, body = SessionView), (status = 404)), security(("bearer" = [])))]
pub async fn get_session(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<SessionView>, AppError> {
    Ok(Json(committee_sessions::get(&ctx, id).await?))
}

/// A session's minutes as a Markdown document.
#[utoipa::path(get, path = "/api/v1/committee-sessions/{id}/minutes.md", tag = "evolutions",
    params(("id" = i64, Path, description = "session id", minimum = 1)),
    responses((status = 200, content_type = "text/markdown"), (status = 404)), security(("bearer" = [])))]
pub async fn session_markdown(
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, AppError> {
    let session = committee_sessions::get(&ctx, id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        committee_sessions::markdown(&session),
    ))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(history))
        .routes(routes!(give_support, withdraw_support))
        .routes(routes!(act))
        .routes(routes!(assess))
        .routes(routes!(criteria, set_criteria))
        .routes(routes!(roadmap))
        .routes(routes!(list_releases, create_release))
        .routes(routes!(get_release))
        .routes(routes!(set_items))
        .routes(routes!(act_release))
        .routes(routes!(vote))
        .routes(routes!(decision, chair_decides))
        .routes(routes!(steering, set_steering))
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(get_session))
        .routes(routes!(session_markdown))
}
