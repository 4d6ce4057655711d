//! Desk pages for the organisation hierarchy.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{staff_only, ticked};
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::error::ServiceError,
    services::{
        PageRequest, Paged, accounts,
        listing::PagerView,
        organisations::{
            self, NewOrganisation, OrganisationChanges, OrganisationFilter, OrganisationRow,
            OrganisationView,
        },
    },
    view::Page,
    web::forms::field_errors_in,
};

/// `desk/organisations.html`.
#[derive(Serialize)]
struct OrganisationsPage {
    /// A page of organisations.
    list: Paged<OrganisationRow>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: OrganisationFilter,
    /// The organisations the caller reads, as parents to filter by.
    parents: Vec<OrganisationView>,
    /// Whether the caller manages some organisations (the "new" link).
    manages: bool,
}

/// `GET /desk/organisations`: filters as selects, sortable headers, numbered pages; with
/// `format=csv`, the whole list as a CSV file.
pub async fn list(
    ctx: Ctx,
    Query(filter): Query<OrganisationFilter>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if filter.format.as_deref() == Some("csv") {
        let chunks = organisations::export(ctx, &filter)?;
        return crate::http::csv_stream("organisations.csv", chunks);
    }
    let list = organisations::listed(&ctx, &filter).await?;
    let parents = organisations::list(
        &ctx,
        PageRequest {
            page: 1,
            per_page: crate::services::MAX_PER_PAGE,
        },
    )
    .await?
    .items;
    let pairs = filter.pairs();
    Ok(Page::new(
        "desk/organisations.html",
        OrganisationsPage {
            pager: PagerView::new(&list, &pairs, "code"),
            list,
            f: filter,
            parents,
            manages: ctx.scope().manages_anything(),
        },
    )
    .into_response())
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
pub async fn new_form(ctx: Ctx) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("refused-organisations-not-created", vec![]).into());
    }
    Ok(Page::new(
        "desk/organisation_form.html",
        json!({ "parents": super::managed_by(&ctx).await?, "form": {} }),
    ))
}

fn parse_parent(raw: Option<&str>) -> Result<Option<i64>, ServiceError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ServiceError::field("parent_id", "field-unknown", vec![])),
    }
}

/// `POST /desk/organisations`.
pub async fn create(
    ctx: Ctx,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async {
        let new = NewOrganisation {
            code: form.code.clone().unwrap_or_default(),
            name: form.name.clone(),
            parent_id: parse_parent(form.parent_id.as_deref())?,
            is_client: ticked(&form.is_client),
            is_provider: ticked(&form.is_provider),
        };
        organisations::create(&ctx, new).await
    }
    .await;
    match result {
        Ok(created) => {
            Ok(Redirect::to(&format!("/desk/organisations/{}", created.id)).into_response())
        }
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/organisation_form.html",
                    json!({ "parents": super::managed_by(&ctx).await?, "errors": errors,
                            "form": { "code": form.code, "name": form.name, "parent_id": form.parent_id,
                                      "is_client": ticked(&form.is_client), "is_provider": ticked(&form.is_provider) } }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/organisations/{id}`.
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let organisation = organisations::get(&ctx, id).await?;
    let members = accounts::list(&ctx, Some(id), PageRequest::default()).await?;
    Ok(Page::new(
        "desk/organisation.html",
        json!({ "org": organisation, "accounts": members,
                "manages": ctx.scope().manages_organisation(id) }),
    ))
}

/// `POST /desk/organisations/{id}`.
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let changes = OrganisationChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field_message("revision", "field-required", vec![]))?,
        name: Some(form.name),
        is_client: Some(ticked(&form.is_client)),
        is_provider: Some(ticked(&form.is_provider)),
        active: Some(ticked(&form.active)),
    };
    organisations::update(&ctx, id, changes).await?;
    Ok(Redirect::to(&format!("/desk/organisations/{id}")).into_response())
}
