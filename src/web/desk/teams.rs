//! Desk pages for provider teams and their members.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::staff_only;
use crate::{
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    error::AppError,
    services::{
        PageRequest, accounts, teams,
        teams::{NewTeam, TeamChanges},
    },
    state::AppState,
    view::Page,
    web::forms::field_errors,
};

/// `GET /desk/teams`.
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(page): Query<PageRequest>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let list = teams::list(&db, page).await?;
    Ok(Page::new(
        "desk/teams.html",
        json!({ "list": list, "manages": caller.scope.manages_anything() }),
    ))
}

/// The team forms' fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamForm {
    organisation_id: Option<i64>,
    name: String,
    revision: Option<i32>,
}

/// `GET /desk/teams/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not create teams".to_owned(),
        ));
    }
    Ok(Page::new(
        "desk/team_form.html",
        json!({ "organisations": json!(super::managed_organisations(&state, &caller).await?), "form": {} }),
    ))
}

/// `POST /desk/teams`.
pub async fn create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async {
        let organisation_id = form
            .organisation_id
            .ok_or_else(|| AppError::field("organisation_id", "is required"))?;
        teams::create(
            &db,
            NewTeam {
                organisation_id,
                name: form.name.clone(),
            },
        )
        .await
    }
    .await;
    match result {
        Ok(team) => Ok(Redirect::to(&format!("/desk/teams/{}", team.team.id)).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/team_form.html",
                    json!({ "organisations": json!(super::managed_organisations(&state, &caller).await?),
                            "errors": errors,
                            "form": { "organisation_id": form.organisation_id, "name": form.name } }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/teams/{id}`: the team, its members, and the accounts that may join it.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let team = teams::get(&db, id).await?;
    let manages = caller.scope.manages_organisation(team.team.organisation_id);
    let candidates = if manages {
        accounts::list(
            &db,
            None,
            PageRequest {
                page: 1,
                per_page: crate::services::MAX_PER_PAGE,
            },
        )
        .await?
        .items
    } else {
        Vec::new()
    };
    Ok(Page::new(
        "desk/team.html",
        json!({ "team": team, "manages": manages, "candidates": candidates }),
    ))
}

/// `POST /desk/teams/{id}`: renames the team.
pub async fn update(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let changes = TeamChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field("revision", "is required"))?,
        name: form.name,
    };
    teams::update(&db, id, changes).await?;
    Ok(Redirect::to(&format!("/desk/teams/{id}")))
}

/// The add-member form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberForm {
    account_id: i64,
}

/// `POST /desk/teams/{id}/members`.
pub async fn add_member(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    teams::add_member(&db, id, form.account_id).await?;
    Ok(Redirect::to(&format!("/desk/teams/{id}")))
}

/// `POST /desk/teams/{id}/members/{account_id}/remove`.
pub async fn remove_member(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path((id, account_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    teams::remove_member(&db, id, account_id).await?;
    Ok(Redirect::to(&format!("/desk/teams/{id}")))
}
