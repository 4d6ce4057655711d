//! Desk pages for the organisation hierarchy.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{staff_only, ticked};
use crate::{
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    error::AppError,
    services::{
        PageRequest, accounts, organisations,
        organisations::{NewOrganisation, OrganisationChanges},
    },
    state::AppState,
    view::Page,
    web::forms::field_errors,
};

/// `GET /desk/organisations`: the hierarchy as a tree.
pub async fn list(State(state): State<AppState>, Signed(caller): Signed) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let (tree, more) = organisations::tree(&db).await?;
    let rows: Vec<_> = tree
        .into_iter()
        .map(|(depth, org)| json!({ "depth": depth, "org": org }))
        .collect();
    Ok(Page::new(
        "desk/organisations.html",
        json!({ "rows": rows, "more": more, "manages": caller.scope.manages_anything() }),
    ))
}

/// The organisation form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationForm {
    code: Option<String>,
    name: String,
    parent_id: Option<String>,
    is_client: Option<String>,
    is_provider: Option<String>,
    active: Option<String>,
    revision: Option<i32>,
}

/// `GET /desk/organisations/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not create organisations".to_owned(),
        ));
    }
    Ok(Page::new(
        "desk/organisation_form.html",
        json!({ "parents": super::managed_organisations(&state, &caller).await?, "form": {} }),
    ))
}

fn parse_parent(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field("parent_id", "is not an organisation")),
    }
}

/// `POST /desk/organisations`.
pub async fn create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async {
        let new = NewOrganisation {
            code: form.code.clone().unwrap_or_default(),
            name: form.name.clone(),
            parent_id: parse_parent(form.parent_id.as_deref())?,
            is_client: ticked(&form.is_client),
            is_provider: ticked(&form.is_provider),
        };
        organisations::create(&db, new).await
    }
    .await;
    match result {
        Ok(created) => {
            Ok(Redirect::to(&format!("/desk/organisations/{}", created.id)).into_response())
        }
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/organisation_form.html",
                    json!({ "parents": super::managed_organisations(&state, &caller).await?, "errors": errors,
                            "form": { "code": form.code, "name": form.name, "parent_id": form.parent_id,
                                      "is_client": ticked(&form.is_client), "is_provider": ticked(&form.is_provider) } }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/organisations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let organisation = organisations::get(&db, id).await?;
    let members = accounts::list(&db, Some(id), PageRequest::default()).await?;
    Ok(Page::new(
        "desk/organisation.html",
        json!({ "org": organisation, "accounts": members,
                "manages": caller.scope.manages_organisation(id) }),
    ))
}

/// `POST /desk/organisations/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let changes = OrganisationChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field("revision", "is required"))?,
        name: Some(form.name),
        is_client: Some(ticked(&form.is_client)),
        is_provider: Some(ticked(&form.is_provider)),
        active: Some(ticked(&form.active)),
    };
    organisations::update(&db, id, changes).await?;
    Ok(Redirect::to(&format!("/desk/organisations/{id}")).into_response())
}
