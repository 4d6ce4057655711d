//! Desk pages for provider teams and their members.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::staff_only;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::error::ServiceError,
    services::{
        PageRequest, accounts, teams,
        teams::{NewTeam, TeamChanges},
    },
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /desk/teams`.
pub async fn list(ctx: Ctx, Query(page): Query<PageRequest>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let list = teams::list(&ctx, page).await?;
    Ok(Page::new(
        "desk/teams.html",
        json!({ "list": list, "manages": ctx.scope().manages_anything() }),
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
pub async fn new_form(ctx: Ctx) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("refused-teams-not-created", vec![]).into());
    }
    Ok(Page::new(
        "desk/team_form.html",
        json!({ "organisations": json!(super::managed_by(&ctx).await?), "form": {} }),
    ))
}

/// `POST /desk/teams`.
pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<TeamForm>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async {
        let organisation_id = form.organisation_id.ok_or_else(|| {
            crate::services::error::ServiceError::field("organisation_id", "field-required", vec![])
        })?;
        teams::create(
            &ctx,
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
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/team_form.html",
                    json!({ "organisations": json!(super::managed_by(&ctx).await?),
                            "errors": errors,
                            "form": { "organisation_id": form.organisation_id, "name": form.name } }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/teams/{id}`: the team, its members, and the accounts that may join it.
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let team = teams::get(&ctx, id).await?;
    let manages = ctx.scope().manages_organisation(team.team.organisation_id);
    let candidates = if manages {
        accounts::list(
            &ctx,
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
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    let changes = TeamChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field_message("revision", "field-required", vec![]))?,
        name: form.name,
    };
    teams::update(&ctx, id, changes).await?;
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
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    teams::add_member(&ctx, id, form.account_id).await?;
    Ok(Redirect::to(&format!("/desk/teams/{id}")))
}

/// `POST /desk/teams/{id}/members/{account_id}/remove`.
pub async fn remove_member(
    ctx: Ctx,
    Path((id, account_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    teams::remove_member(&ctx, id, account_id).await?;
    Ok(Redirect::to(&format!("/desk/teams/{id}")))
}
