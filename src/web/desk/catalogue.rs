//! Desk pages for the catalogue: offers and their subcategories.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::staff_only;
use crate::{
    access::Caller,
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    domain::catalogue::{ExtraField, OfferStatus, RequestKind, SubcategoryStatus},
    error::AppError,
    services::{
        PageRequest,
        catalogue::offers::{
            self, NewOffer, NewSubcategory, OfferChanges, OfferFilter, SubcategoryChanges,
        },
        teams,
    },
    state::AppState,
    view::Page,
    web::forms::{FieldErrors, field_errors},
};

/// Lists of choices the forms need: organisations the caller manages, teams it reads.
async fn choices(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    let all = PageRequest {
        page: 1,
        per_page: crate::services::MAX_PER_PAGE,
    };
    let providers = super::managed_organisations(state, caller).await?;
    // Transitional (i15-people): the organisations and teams services take a context.
    let ctx = crate::db::Ctx::new(
        state.db.clone(),
        std::sync::Arc::new(caller.clone()),
        state.clock.now(),
    );
    let teams = teams::list(&ctx, all).await?.items;
    Ok(json!({
        "providers": providers, "teams": teams,
        "statuses": OfferStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "kinds": RequestKind::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "fields": ExtraField::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    }))
}

/// `GET /desk/offers`.
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<OfferFilter>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let list = offers::list(&db, &filter).await?;
    Ok(Page::new(
        "desk/offers.html",
        json!({ "list": list, "q": filter.q, "manages": caller.scope.manages_anything() }),
    ))
}

/// The offer form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferForm {
    code: Option<String>,
    name: String,
    description: String,
    provider_id: Option<i64>,
    status: String,
    app_url: String,
    docs_url: String,
    source_url: String,
    versions: String,
    modules: String,
    environments: String,
    revision: Option<i32>,
}

fn comma_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn status_of(text: &str) -> Result<OfferStatus, AppError> {
    OfferStatus::parse(text).ok_or_else(|| AppError::field("status", "unknown status"))
}

async fn offer_form_page(
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    offer: Value,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    Ok((
        status,
        Page::new(
            "desk/offer.html",
            json!({ "offer": offer, "errors": errors, "choices": choices(state, caller).await? }),
        ),
    )
        .into_response())
}

/// `GET /desk/offers/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not manage the catalogue".to_owned(),
        ));
    }
    offer_form_page(
        &state,
        &caller,
        StatusCode::OK,
        json!({ "status": "implementation" }),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/offers`.
pub async fn create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async {
        offers::create(
            &db,
            NewOffer {
                code: form.code.clone().unwrap_or_default(),
                name: form.name.clone(),
                description: form.description.clone(),
                provider_id: form
                    .provider_id
                    .ok_or_else(|| AppError::field("provider_id", "is required"))?,
                status: Some(status_of(&form.status)?),
                app_url: Some(form.app_url.clone()),
                docs_url: Some(form.docs_url.clone()),
                source_url: Some(form.source_url.clone()),
                versions: comma_list(&form.versions),
                modules: comma_list(&form.modules),
                environments: comma_list(&form.environments),
            },
        )
        .await
    }
    .await;
    match result {
        Ok(offer) => Ok(Redirect::to(&format!("/desk/offers/{}", offer.code)).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            offer_form_page(
                &state,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                submitted(&form),
                errors,
            )
            .await
        }
    }
}

/// The form's values, shown again next to their errors.
fn submitted(form: &OfferForm) -> Value {
    json!({ "code": form.code, "name": form.name, "description": form.description,
            "provider": { "id": form.provider_id }, "status": form.status, "app_url": form.app_url,
            "docs_url": form.docs_url, "source_url": form.source_url,
            "versions": comma_list(&form.versions), "modules": comma_list(&form.modules),
            "environments": comma_list(&form.environments), "revision": form.revision })
}

/// `GET /desk/offers/{code}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let offer = offers::get(&db, &code).await?;
    let manages = caller.scope.manages_organisation(offer.provider.id);
    let mut page = json!(offer);
    page["editing"] = json!(true);
    page["manages"] = json!(manages);
    offer_form_page(&state, &caller, StatusCode::OK, page, FieldErrors::new()).await
}

/// `POST /desk/offers/{code}`.
pub async fn update(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async {
        offers::update(
            &db,
            &code,
            OfferChanges {
                revision: form
                    .revision
                    .ok_or_else(|| AppError::field("revision", "is required"))?,
                name: Some(form.name.clone()),
                description: Some(form.description.clone()),
                status: Some(status_of(&form.status)?),
                app_url: Some(form.app_url.clone()),
                docs_url: Some(form.docs_url.clone()),
                source_url: Some(form.source_url.clone()),
                versions: Some(comma_list(&form.versions)),
                modules: Some(comma_list(&form.modules)),
                environments: Some(comma_list(&form.environments)),
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/desk/offers/{code}")).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            let current = offers::get(&db, &code).await?;
            let mut page = submitted(&form);
            page["code"] = json!(current.code);
            page["provider"] = json!(current.provider);
            page["subcategories"] = json!(current.subcategories);
            page["editing"] = json!(true);
            page["manages"] = json!(true);
            offer_form_page(
                &state,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                page,
                errors,
            )
            .await
        }
    }
}

/// The subcategory form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcategoryForm {
    name: String,
    kind: Option<String>,
    status: Option<String>,
    default_team_id: Option<String>,
    #[serde(default)]
    required_fields: Vec<String>,
    revision: Option<i32>,
}

impl SubcategoryForm {
    fn team(&self) -> Result<Option<i64>, AppError> {
        match self
            .default_team_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(id) => id
                .parse()
                .map(Some)
                .map_err(|_| AppError::field("default_team_id", "no such team")),
        }
    }

    fn fields(&self) -> Result<Vec<ExtraField>, AppError> {
        self.required_fields
            .iter()
            .map(|f| {
                ExtraField::parse(f)
                    .ok_or_else(|| AppError::field("required_fields", "unknown field"))
            })
            .collect()
    }
}

/// `POST /desk/offers/{code}/subcategories`.
pub async fn add_subcategory(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<SubcategoryForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let kind = form
        .kind
        .as_deref()
        .and_then(RequestKind::parse)
        .ok_or_else(|| AppError::field("kind", "is required"))?;
    offers::add_subcategory(
        &db,
        &code,
        NewSubcategory {
            name: form.name.clone(),
            kind,
            status: None,
            default_team_id: form.team()?,
            required_fields: form.fields()?,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/desk/offers/{code}")))
}

/// `POST /desk/subcategories/{id}`.
pub async fn update_subcategory(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SubcategoryForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let updated = offers::update_subcategory(
        &db,
        id,
        SubcategoryChanges {
            revision: form
                .revision
                .ok_or_else(|| AppError::field("revision", "is required"))?,
            name: Some(form.name.clone()),
            status: form.status.as_deref().and_then(SubcategoryStatus::parse),
            default_team_id: form.team()?,
            required_fields: Some(form.fields()?),
        },
    )
    .await?;
    let code = offers::code_of(&db, updated.offer_id).await?;
    Ok(Redirect::to(&format!("/desk/offers/{code}")))
}
