//! Desk pages for the establishments' identity providers: list, create, edit, turn off and on.
//! Administrators only (the service answers anyone else 404). The client secret is never put
//! back into a page: its field is blank, and left blank it keeps the stored one.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ticked;
use crate::{
    auth::csrf::CsrfForm,
    db::Ctx,
    error::AppError,
    services::{
        error::ServiceError,
        identity_providers::{self, KINDS, NewProvider, ProviderChanges, ProviderView},
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// `GET /desk/identity-providers`: every provider with its establishment.
pub async fn list(ctx: Ctx) -> Result<Page, AppError> {
    let providers = identity_providers::list(&ctx).await?;
    let organisations = super::managed_by(&ctx).await?;
    let rows: Vec<Value> = providers
        .into_iter()
        .map(|p| {
            let organisation = organisations
                .iter()
                .find(|o| o.id == p.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            json!({ "provider": p, "organisation": organisation })
        })
        .collect();
    Ok(Page::new(
        "desk/identity_providers.html",
        json!({ "rows": rows }),
    ))
}

/// The provider form's fields, as typed (shown again with its errors). Checkboxes are absent
/// when unticked.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderForm {
    #[serde(default)]
    organisation_id: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    label: String,
    server_url: String,
    #[serde(default)]
    client_id: String,
    /// Never shown again: blank when the form comes back.
    #[serde(default, skip_serializing)]
    client_secret: String,
    email_attribute: String,
    name_attribute: String,
    email_domains: String,
    #[serde(default)]
    create_contacts: Option<String>,
    #[serde(default)]
    single_logout: Option<String>,
    #[serde(default)]
    revision: Option<i32>,
}

impl ProviderForm {
    /// The form filled from a stored provider (secret blank).
    fn of(p: &ProviderView) -> Self {
        Self {
            organisation_id: Some(p.organisation_id.to_string()),
            kind: Some(p.kind.clone()),
            label: p.label.clone(),
            server_url: p.server_url.clone(),
            client_id: p.client_id.clone().unwrap_or_default(),
            client_secret: String::new(),
            email_attribute: p.email_attribute.clone(),
            name_attribute: p.name_attribute.clone(),
            email_domains: p.email_domains.join(" "),
            create_contacts: p.create_contacts.then(String::new),
            single_logout: p.single_logout.then(String::new),
            revision: Some(p.revision),
        }
    }

    fn view(&self) -> Value {
        let mut form = json!(self);
        form["create_contacts"] = json!(ticked(&self.create_contacts));
        form["single_logout"] = json!(ticked(&self.single_logout));
        form
    }

    fn domains(&self) -> Vec<String> {
        crate::sso::refusal::domains(&self.email_domains)
    }

    fn secret(&self) -> Option<String> {
        Some(self.client_secret.trim().to_owned()).filter(|s| !s.is_empty())
    }
}

/// The new-provider page, empty or as typed with its errors.
async fn new_page(ctx: &Ctx, form: Value, errors: Value) -> Result<Page, AppError> {
    Ok(Page::new(
        "desk/identity_provider_form.html",
        json!({ "organisations": super::managed_by(ctx).await?, "kinds": KINDS,
                "form": form, "errors": errors, "provider": null }),
    ))
}

/// `GET /desk/identity-providers/new`.
pub async fn new_form(ctx: Ctx) -> Result<Page, AppError> {
    // Listing first: only administrators get past it.
    identity_providers::list(&ctx).await?;
    let blank = ProviderForm {
        email_attribute: "mail".to_owned(),
        name_attribute: "cn".to_owned(),
        single_logout: Some(String::new()),
        ..ProviderForm::default()
    };
    new_page(&ctx, blank.view(), json!({})).await
}

/// `POST /desk/identity-providers`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ProviderForm>,
) -> Result<Response, AppError> {
    let result = async {
        let organisation_id = form
            .organisation_id
            .as_deref()
            .and_then(|o| o.trim().parse().ok())
            .ok_or_else(|| ServiceError::field("organisation_id", "field-required", vec![]))?;
        let new = NewProvider {
            organisation_id,
            kind: form.kind.clone().unwrap_or_default(),
            label: form.label.clone(),
            server_url: form.server_url.clone(),
            client_id: Some(form.client_id.clone()),
            client_secret: form.secret(),
            email_attribute: form.email_attribute.clone(),
            name_attribute: form.name_attribute.clone(),
            email_domains: form.domains(),
            create_contacts: ticked(&form.create_contacts),
            single_logout: ticked(&form.single_logout),
        };
        identity_providers::create(&ctx, &state.sealer, new).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/desk/identity-providers").into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let page = new_page(&ctx, form.view(), json!(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The edit page of `provider`, with `form` as typed and its errors.
fn edit_page(provider: &ProviderView, form: Value, errors: Value) -> Page {
    Page::new(
        "desk/identity_provider_form.html",
        json!({ "provider": provider, "kinds": KINDS, "organisations": [],
                "form": form, "errors": errors }),
    )
}

/// `GET /desk/identity-providers/{id}`: the edit form.
pub async fn edit_form(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    let provider = identity_providers::get(&ctx, id).await?;
    let form = ProviderForm::of(&provider).view();
    Ok(edit_page(&provider, form, json!({})))
}

/// `POST /desk/identity-providers/{id}`: saves the edit; a refused form comes back as typed
/// (422), a stale one says so (409) with the form as typed.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ProviderForm>,
) -> Result<Response, AppError> {
    let changes = ProviderChanges {
        revision: form.revision.unwrap_or_default(),
        label: Some(form.label.clone()),
        server_url: Some(form.server_url.clone()),
        client_id: Some(form.client_id.clone()),
        client_secret: form.secret(),
        email_attribute: Some(form.email_attribute.clone()),
        name_attribute: Some(form.name_attribute.clone()),
        email_domains: Some(form.domains()),
        create_contacts: Some(ticked(&form.create_contacts)),
        single_logout: Some(ticked(&form.single_logout)),
        enabled: None,
    };
    match identity_providers::update(&ctx, &state.sealer, id, changes).await {
        Ok(_) => Ok(Redirect::to("/desk/identity-providers").into_response()),
        Err(ServiceError::Conflict { .. }) => {
            let provider = identity_providers::get(&ctx, id).await?;
            let errors = json!({ "revision": ctx.caller().language.t("refused-stale") });
            let page = edit_page(&provider, form.view(), errors);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(err) => {
            let errors = field_errors_in(err.into(), ctx.caller().language)?;
            let provider = identity_providers::get(&ctx, id).await?;
            let page = edit_page(&provider, form.view(), json!(errors));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The on/off switch's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchForm {
    enabled: bool,
    revision: i32,
}

/// `POST /desk/identity-providers/{id}/enabled`: turns a provider off (its button disappears
/// and its sign-ins are refused) or on again.
pub async fn switch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SwitchForm>,
) -> Result<Redirect, AppError> {
    let changes = ProviderChanges {
        revision: form.revision,
        enabled: Some(form.enabled),
        ..ProviderChanges::default()
    };
    identity_providers::update(&ctx, &state.sealer, id, changes).await?;
    Ok(Redirect::to("/desk/identity-providers"))
}
