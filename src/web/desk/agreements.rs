//! Desk pages for conventions (with their documents) and SLAs.

use axum::{
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use super::staff_only;
use crate::{
    access::Caller,
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    domain::catalogue::{ConventionKind, ConventionStatus},
    error::AppError,
    services::{
        PageRequest,
        catalogue::{
            attachments,
            conventions::{self, ConventionFilter, ConventionInput},
            offers::{self, OfferFilter},
            slas,
        },
        organisations,
    },
    state::AppState,
    view::Page,
    web::forms::{FieldErrors, field_errors},
};

/// The organisations and offers the agreements' forms choose from.
pub(super) async fn choices(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    let db = Scoped::new(&state.db, &caller.scope);
    let all = PageRequest {
        page: 1,
        per_page: crate::services::MAX_PER_PAGE,
    };
    let organisations = organisations::list(&db, all).await?.items;
    let offers = offers::list(
        &db,
        &OfferFilter {
            q: None,
            page: Some(1),
            per_page: Some(crate::services::MAX_PER_PAGE),
        },
    )
    .await?
    .items;
    let slas = slas::list(&db, all).await?.items;
    Ok(json!({
        "organisations": organisations, "offers": offers, "slas": slas,
        "kinds": ConventionKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "statuses": ["draft", "production"],
    }))
}

/// `GET /desk/conventions`.
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<ConventionFilter>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let list = conventions::list(&db, &filter).await?;
    let clients: Vec<_> = organisations::list(
        &db,
        PageRequest {
            page: 1,
            per_page: crate::services::MAX_PER_PAGE,
        },
    )
    .await?
    .items
    .into_iter()
    .filter(|o| o.is_client)
    .collect();
    Ok(Page::new(
        "desk/conventions.html",
        json!({ "list": list, "clients": clients, "client": filter.client,
                "manages": caller.scope.manages_anything() }),
    ))
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

fn optional<T: std::str::FromStr>(field: &str, raw: Option<&str>) -> Result<Option<T>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(field, "is not a valid value")),
    }
}

fn date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::field(field, "expected a date YYYY-MM-DD"))
}

impl ConventionForm {
    fn input(&self) -> Result<ConventionInput, AppError> {
        let amount: Option<f64> = optional("yearly_amount", self.yearly_amount.as_deref())?;
        Ok(ConventionInput {
            revision: self.revision,
            kind: ConventionKind::parse(&self.kind)
                .ok_or_else(|| AppError::field("kind", "unknown kind"))?,
            title: self.title.clone(),
            client_id: self
                .client_id
                .ok_or_else(|| AppError::field("client_id", "is required"))?,
            provider_id: self
                .provider_id
                .ok_or_else(|| AppError::field("provider_id", "is required"))?,
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
    state: &AppState,
    caller: &Caller,
    status: StatusCode,
    convention: Value,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    Ok((
        status,
        Page::new(
            "desk/convention.html",
            json!({ "convention": convention, "errors": errors,
                    "choices": choices(state, caller).await? }),
        ),
    )
        .into_response())
}

/// `GET /desk/conventions/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not manage conventions".to_owned(),
        ));
    }
    let today = crate::services::catalogue::today();
    convention_page(
        &state,
        &caller,
        StatusCode::OK,
        json!({ "kind": "usage", "status": "draft", "offers": [],
                "start_date": today, "end_date": today + chrono::Duration::days(365 * 3) }),
        FieldErrors::new(),
    )
    .await
}

/// `POST /desk/conventions`.
pub async fn create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<ConventionForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async { conventions::create(&db, form.input()?).await }.await;
    match result {
        Ok(created) => {
            Ok(Redirect::to(&format!("/desk/conventions/{}", created.id)).into_response())
        }
        Err(err) => {
            let errors = field_errors(err)?;
            convention_page(
                &state,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.shown(),
                errors,
            )
            .await
        }
    }
}

/// `GET /desk/conventions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let convention = conventions::get(&db, id).await?;
    let manages = caller.scope.manages_organisation(convention.provider.id);
    let mut page = json!(convention);
    page["editing"] = json!(true);
    page["manages"] = json!(manages);
    page["yearly_amount"] = json!(convention.yearly_amount_cents.map(|c| c as f64 / 100.0));
    convention_page(&state, &caller, StatusCode::OK, page, FieldErrors::new()).await
}

/// `POST /desk/conventions/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ConventionForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async { conventions::replace(&db, id, form.input()?).await }.await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/desk/conventions/{id}")).into_response()),
        Err(err) => {
            let errors = field_errors(err)?;
            let current = conventions::get(&db, id).await?;
            let mut page = form.shown();
            page["id"] = json!(id);
            page["documents"] = json!(current.documents);
            page["editing"] = json!(true);
            page["manages"] = json!(true);
            convention_page(
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

/// The terminate form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionForm {
    revision: i32,
}

/// `POST /desk/conventions/{id}/terminate`.
pub async fn terminate(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    conventions::terminate(&db, id, form.revision).await?;
    Ok(Redirect::to(&format!("/desk/conventions/{id}")))
}

/// `POST /desk/conventions/{id}/documents`: a multipart form whose first part is `_csrf`.
pub async fn upload(
    State(state): State<AppState>,
    Signed(caller): Signed,
    _quota: crate::quota::CreationQuota,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    conventions::managed(&db, id).await?;
    crate::auth::csrf::verify_multipart(&session, &mut multipart).await?;
    let upload = crate::api::v1::agreements::file_part(multipart).await?;
    let ctx = crate::db::Ctx::new(state.db.clone(), caller.clone(), state.clock.now());
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
