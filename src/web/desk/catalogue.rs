//! Desk pages for the catalogue: offers and their subcategories.

use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::staff_only;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::catalogue::{ExtraField, OfferStatus, RequestKind, SubcategoryStatus},
    error::{AppError, FieldError},
    i18n::Lang,
    services::{
        PageRequest, Paged,
        catalogue::offers::{
            self, NewOffer, NewSubcategory, OfferChanges, OfferFilter, OfferView,
            SubcategoryChanges,
        },
        error::ServiceError,
        listing::PagerView,
        organisations::{self, OrganisationView},
        teams,
        teams::TeamView,
    },
    view::Page,
    web::forms::{FieldErrors, field_errors_in},
};

/// The choices of the offer form.
#[derive(Serialize)]
struct Choices {
    /// Organisations the caller manages (an offer's provider).
    providers: Vec<OrganisationView>,
    /// Teams it reads (a subcategory's default team).
    teams: Vec<TeamView>,
    /// Offer statuses.
    statuses: Vec<&'static str>,
    /// Subcategory kinds.
    kinds: Vec<&'static str>,
    /// Extra ticket fields a subcategory may require.
    fields: Vec<&'static str>,
}

/// Lists of choices the forms need: organisations the caller manages, teams it reads.
async fn choices(ctx: &Ctx) -> Result<Choices, AppError> {
    let all = PageRequest {
        page: 1,
        per_page: crate::services::MAX_PER_PAGE,
    };
    Ok(Choices {
        providers: super::managed_by(ctx).await?,
        teams: teams::list(ctx, all).await?.items,
        statuses: OfferStatus::ALL.iter().map(|s| s.as_str()).collect(),
        kinds: RequestKind::ALL.iter().map(|s| s.as_str()).collect(),
        fields: ExtraField::ALL.iter().map(|s| s.as_str()).collect(),
    })
}

/// `desk/offers.html`.
#[derive(Serialize)]
struct OffersPage {
    /// A page of offers.
    list: Paged<OfferView>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: OfferFilter,
    /// The providers, to filter by.
    providers: Vec<OrganisationView>,
    /// The states, to filter by.
    statuses: Vec<&'static str>,
    /// Whether the caller manages some catalogue (the "new" link).
    manages: bool,
}

/// `desk/offer.html`: the offer form, new or filled.
#[derive(Serialize)]
struct OfferFormPage {
    /// The offer as shown or as typed.
    offer: Value,
    /// Field → reason.
    errors: FieldErrors,
    /// The form's choices.
    choices: Choices,
}

/// `GET /desk/offers`.
pub async fn list(ctx: Ctx, Query(filter): Query<OfferFilter>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if filter.format.as_deref() == Some("csv") {
        let chunks = offers::export(ctx, filter).await?;
        return crate::http::csv_stream("offers.csv", chunks);
    }
    let list = offers::list(&ctx, &filter).await?;
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
        "desk/offers.html",
        OffersPage {
            pager: PagerView::new(&list, &pairs, "code"),
            list,
            f: filter,
            providers,
            statuses: OfferStatus::ALL.iter().map(|s| s.as_str()).collect(),
            manages: ctx.scope().manages_anything(),
        },
    )
    .into_response())
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

/// A form field's problem, told by a catalogue message.
fn invalid(field: &str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError::message(field, key, vec![])])
}

fn status_of(text: &str) -> Result<OfferStatus, AppError> {
    OfferStatus::parse(text).ok_or_else(|| invalid("status", "catalogue-unknown-value"))
}

async fn offer_form_page(
    ctx: &Ctx,
    status: StatusCode,
    offer: Value,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    Ok((
        status,
        Page::new(
            "desk/offer.html",
            OfferFormPage {
                offer,
                errors,
                choices: choices(ctx).await?,
            },
        ),
    )
        .into_response())
}

/// `GET /desk/offers/new`.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("catalogue-refused-role-catalogue", vec![]).into());
    }
    offer_form_page(
        &ctx,
        StatusCode::OK,
        json!({ "status": "implementation" }),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/offers`.
pub async fn create(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async {
        Ok::<_, AppError>(
            offers::create(
                &ctx,
                NewOffer {
                    code: form.code.clone().unwrap_or_default(),
                    name: form.name.clone(),
                    description: form.description.clone(),
                    provider_id: form
                        .provider_id
                        .ok_or_else(|| invalid("provider_id", "field-required"))?,
                    status: Some(status_of(&form.status)?),
                    app_url: Some(form.app_url.clone()),
                    docs_url: Some(form.docs_url.clone()),
                    source_url: Some(form.source_url.clone()),
                    versions: comma_list(&form.versions),
                    modules: comma_list(&form.modules),
                    environments: comma_list(&form.environments),
                },
            )
            .await?,
        )
    }
    .await;
    match result {
        Ok(offer) => Ok(Redirect::to(&format!("/desk/offers/{}", offer.code)).into_response()),
        Err(err) => {
            let errors = field_errors_in(err, lang)?;
            offer_form_page(
                &ctx,
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
pub async fn show(ctx: Ctx, Path(code): Path<String>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let offer = offers::get(&ctx, &code).await?;
    let manages = ctx.scope().manages_organisation(offer.provider.id);
    let mut page = json!(offer);
    page["editing"] = json!(true);
    page["manages"] = json!(manages);
    offer_form_page(&ctx, StatusCode::OK, page, FieldErrors::new()).await
}

/// `POST /desk/offers/{code}`.
pub async fn update(
    ctx: Ctx,
    lang: Lang,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async {
        Ok::<_, AppError>(
            offers::update(
                &ctx,
                &code,
                OfferChanges {
                    revision: form
                        .revision
                        .ok_or_else(|| invalid("revision", "field-required"))?,
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
            .await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/desk/offers/{code}")).into_response()),
        Err(err) => {
            let errors = field_errors_in(err, lang)?;
            let current = offers::get(&ctx, &code).await?;
            let mut page = submitted(&form);
            page["code"] = json!(current.code);
            page["provider"] = json!(current.provider);
            page["subcategories"] = json!(current.subcategories);
            page["editing"] = json!(true);
            page["manages"] = json!(true);
            offer_form_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, page, errors).await
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
                .map_err(|_| invalid("default_team_id", "catalogue-no-team")),
        }
    }

    fn fields(&self) -> Result<Vec<ExtraField>, AppError> {
        self.required_fields
            .iter()
            .map(|f| {
                ExtraField::parse(f)
                    .ok_or_else(|| invalid("required_fields", "catalogue-unknown-value"))
            })
            .collect()
    }
}

/// `POST /desk/offers/{code}/subcategories`.
pub async fn add_subcategory(
    ctx: Ctx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<SubcategoryForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    let kind = form
        .kind
        .as_deref()
        .and_then(RequestKind::parse)
        .ok_or_else(|| invalid("kind", "field-required"))?;
    offers::add_subcategory(
        &ctx,
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
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SubcategoryForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    let updated = offers::update_subcategory(
        &ctx,
        id,
        SubcategoryChanges {
            revision: form
                .revision
                .ok_or_else(|| invalid("revision", "field-required"))?,
            name: Some(form.name.clone()),
            status: form.status.as_deref().and_then(SubcategoryStatus::parse),
            default_team_id: form.team()?,
            required_fields: Some(form.fields()?),
        },
    )
    .await?;
    let code = offers::code_of(&ctx, updated.offer_id).await?;
    Ok(Redirect::to(&format!("/desk/offers/{code}")))
}
