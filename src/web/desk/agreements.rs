//! Desk pages for conventions (with their documents) and SLAs.

use axum::{
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::staff_only;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::catalogue::{ConventionKind, ConventionStatus},
    error::{AppError, FieldError},
    i18n::Lang,
    services::{
        PageRequest, Paged,
        catalogue::{
            attachments,
            conventions::{self, ConventionFilter, ConventionInput, ConventionView},
            offers::{self, OfferFilter, OfferView},
            slas::{self, SlaView},
        },
        error::ServiceError,
        listing::PagerView,
        organisations::{self, OrganisationView},
    },
    state::AppState,
    view::Page,
    web::forms::{FieldErrors, field_errors_in},
};

/// The choices of the convention and SLA forms.
#[derive(Serialize)]
pub(super) struct Choices {
    /// Organisations the caller reads (clients and providers).
    organisations: Vec<OrganisationView>,
    /// Offers it reads (those a convention covers).
    offers: Vec<OfferView>,
    /// SLAs it reads.
    slas: Vec<SlaView>,
    /// Convention kinds.
    kinds: Vec<&'static str>,
    /// The statuses one sets by hand.
    statuses: [&'static str; 2],
}

/// `desk/conventions.html`.
#[derive(Serialize)]
struct ConventionsPage {
    /// A page of conventions.
    list: Paged<ConventionView>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: ConventionFilter,
    /// The client organisations, to filter by.
    clients: Vec<OrganisationView>,
    /// The provider organisations, to filter by.
    providers: Vec<OrganisationView>,
    /// The offers, to filter by.
    offers: Vec<OfferView>,
    /// Whether the caller manages some conventions (the "new" link).
    manages: bool,
}

/// `desk/convention.html`: the convention form, new or filled.
#[derive(Serialize)]
struct ConventionFormPage {
    /// The convention as shown or as typed.
    convention: Value,
    /// Field → reason.
    errors: FieldErrors,
    /// The form's choices.
    choices: Choices,
}

/// The organisations and offers the agreements' forms choose from.
pub(super) async fn choices(ctx: &Ctx) -> Result<Choices, AppError> {
    let all = PageRequest {
        page: 1,
        per_page: crate::services::MAX_PER_PAGE,
    };
    let organisations = organisations::list(ctx, all).await?.items;
    let offers = offers::list(
        ctx,
        &OfferFilter {
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
            ..OfferFilter::default()
        },
    )
    .await?
    .items;
    let slas = slas::list(ctx, all).await?.items;
    Ok(Choices {
        organisations,
        offers,
        slas,
        kinds: ConventionKind::ALL.iter().map(|k| k.as_str()).collect(),
        statuses: ["draft", "production"],
    })
}

/// `GET /desk/conventions`: filters as selects, sortable headers, numbered pages; with
/// `format=csv`, the whole list as a CSV file.
pub async fn list(ctx: Ctx, Query(filter): Query<ConventionFilter>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if filter.format.as_deref() == Some("csv") {
        let chunks = conventions::export(ctx, filter).await?;
        return crate::http::csv_stream("conventions.csv", chunks);
    }
    let list = conventions::list(&ctx, &filter).await?;
    let Choices {
        organisations,
        offers,
        ..
    } = choices(&ctx).await?;
    let (clients, providers) = (
        organisations
            .iter()
            .filter(|o| o.is_client)
            .cloned()
            .collect(),
        organisations
            .into_iter()
            .filter(|o| o.is_provider)
            .collect(),
    );
    let pairs = filter.pairs();
    Ok(Page::new(
        "desk/conventions.html",
        ConventionsPage {
            pager: PagerView::new(&list, &pairs, "end"),
            list,
            f: filter,
            clients,
            providers,
            offers,
            manages: ctx.scope().manages_anything(),
        },
    )
    .into_response())
}

/// The convention form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionForm {
    kind: String,
    title: String,
    client_id: Option<i64>,
    provider_id: Option<i64>,
    #[serde(default)]
    offers: Vec<String>,
    status: String,
    start_date: String,
    end_date: String,
    description: String,
    sla_id: Option<String>,
    open_ticket_cap: Option<String>,
    fee_group: String,
    yearly_amount: Option<String>,
    revision: Option<i32>,
}

/// A form field's problem, told by a catalogue message.
fn invalid(field: &str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError::message(field, key, vec![])])
}

fn optional<T: std::str::FromStr>(field: &str, raw: Option<&str>) -> Result<Option<T>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| invalid(field, "catalogue-invalid-value")),
    }
}

fn date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| invalid(field, "catalogue-invalid-date"))
}

impl ConventionForm {
    fn input(&self) -> Result<ConventionInput, AppError> {
        let amount: Option<f64> = optional("yearly_amount", self.yearly_amount.as_deref())?;
        Ok(ConventionInput {
            revision: self.revision,
            kind: ConventionKind::parse(&self.kind)
                .ok_or_else(|| invalid("kind", "catalogue-unknown-value"))?,
            title: self.title.clone(),
            client_id: self
                .client_id
                .ok_or_else(|| invalid("client_id", "field-required"))?,
            provider_id: self
                .provider_id
                .ok_or_else(|| invalid("provider_id", "field-required"))?,
            offers: self.offers.clone(),
            status: ConventionStatus::parse(&self.status),
            start_date: date("start_date", &self.start_date)?,
            end_date: date("end_date", &self.end_date)?,
            description: self.description.clone(),
            sla_id: optional("sla_id", self.sla_id.as_deref())?,
            open_ticket_cap: optional("open_ticket_cap", self.open_ticket_cap.as_deref())?,
            fee_group: Some(self.fee_group.clone()),
            yearly_amount_cents: amount.map(|a| (a * 100.0).round() as i64),
        })
    }

    fn shown(&self) -> Value {
        json!({ "kind": self.kind, "title": self.title, "client": { "id": self.client_id },
                "provider": { "id": self.provider_id }, "offers": self.offers, "status": self.status,
                "start_date": self.start_date, "end_date": self.end_date,
                "description": self.description, "sla_id": self.sla_id,
                "open_ticket_cap": self.open_ticket_cap, "fee_group": self.fee_group,
                "yearly_amount": self.yearly_amount, "revision": self.revision })
    }
}

async fn convention_page(
    ctx: &Ctx,
    status: StatusCode,
    convention: Value,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    Ok((
        status,
        Page::new(
            "desk/convention.html",
            ConventionFormPage {
                convention,
                errors,
                choices: choices(ctx).await?,
            },
        ),
    )
        .into_response())
}

/// `GET /desk/conventions/new`.
pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("catalogue-refused-role-conventions", vec![]).into());
    }
    let today = crate::services::catalogue::today(ctx.now());
    convention_page(
        &ctx,
        StatusCode::OK,
        json!({ "kind": "usage", "status": "draft", "offers": [],
                "start_date": today, "end_date": today + chrono::Duration::days(365 * 3) }),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/conventions`.
pub async fn create(
    ctx: Ctx,
    lang: Lang,
    CsrfForm(form): CsrfForm<ConventionForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async { Ok::<_, AppError>(conventions::create(&ctx, form.input()?).await?) }.await;
    match result {
        Ok(created) => {
            Ok(Redirect::to(&format!("/desk/conventions/{}", created.id)).into_response())
        }
        Err(err) => {
            let errors = field_errors_in(err, lang)?;
            convention_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, form.shown(), errors).await
        }
    }
}

/// `GET /desk/conventions/{id}`.
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let convention = conventions::get(&ctx, id).await?;
    let manages = ctx.scope().manages_organisation(convention.provider.id);
    let mut page = json!(convention);
    page["editing"] = json!(true);
    page["manages"] = json!(manages);
    page["yearly_amount"] = json!(convention.yearly_amount_cents.map(|c| c as f64 / 100.0));
    convention_page(&ctx, StatusCode::OK, page, FieldErrors::new()).await
}

/// `POST /desk/conventions/{id}`.
pub async fn update(
    ctx: Ctx,
    lang: Lang,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ConventionForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result =
        async { Ok::<_, AppError>(conventions::replace(&ctx, id, form.input()?).await?) }.await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/desk/conventions/{id}")).into_response()),
        Err(err) => {
            let errors = field_errors_in(err, lang)?;
            let current = conventions::get(&ctx, id).await?;
            let mut page = form.shown();
            page["id"] = json!(id);
            page["documents"] = json!(current.documents);
            page["editing"] = json!(true);
            page["manages"] = json!(true);
            convention_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, page, errors).await
        }
    }
}

/// The terminate form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionForm {
    revision: i32,
}

/// `POST /desk/conventions/{id}/terminate`.
pub async fn terminate(
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    conventions::terminate(&ctx, id, form.revision).await?;
    Ok(Redirect::to(&format!("/desk/conventions/{id}")))
}

/// `POST /desk/conventions/{id}/documents`: a multipart form whose first part is `_csrf`.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    _quota: crate::quota::CreationQuota,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    conventions::managed(&ctx, id).await?;
    crate::auth::csrf::verify_multipart(&session, &mut multipart).await?;
    let upload = crate::api::v1::agreements::file_part(multipart).await?;
    attachments::store(
        &ctx,
        &state.config.data_dir,
        entity::attachment::OwnerKind::Convention,
        id,
        upload,
        state.config.attachment_max_bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/desk/conventions/{id}")))
}
