//! Desk pages for accounts: list, create, change roles, deactivate, send a reset link.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{staff_only, ticked};
use crate::{
    access::may_grant,
    auth::{Signed, csrf::CsrfForm},
    db::Scoped,
    domain::role::Role,
    error::AppError,
    services::{
        PageRequest, accounts,
        accounts::{AccountChanges, NewAccount},
        organisations,
    },
    state::AppState,
    view::Page,
    web::forms::field_errors,
};

/// Filters of the account list.
#[derive(Deserialize)]
pub struct AccountFilter {
    organisation: Option<i64>,
    #[serde(default = "first")]
    page: u64,
}

fn first() -> u64 {
    1
}

/// `GET /desk/accounts`.
pub async fn list(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<AccountFilter>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let page = PageRequest {
        page: filter.page,
        per_page: 50,
    };
    let list = accounts::list(&db, filter.organisation, page).await?;
    Ok(Page::new(
        "desk/accounts.html",
        json!({ "list": list, "organisation": filter.organisation,
                "manages": caller.scope.manages_anything() }),
    ))
}

fn grantable(caller: &crate::access::Caller) -> Vec<&'static str> {
    Role::ALL
        .into_iter()
        .filter(|r| may_grant(&caller.scope, *r))
        .map(Role::as_str)
        .collect()
}

/// The account forms' fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountForm {
    email: Option<String>,
    display_name: String,
    organisation_id: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    language: String,
    active: Option<String>,
    committee_offers: Option<String>,
    revision: Option<i32>,
}

fn parse_roles(raw: &[String]) -> Result<Vec<Role>, AppError> {
    raw.iter()
        .map(|r| {
            Role::parse(r).ok_or_else(|| AppError::field("roles", format!("unknown role {r}")))
        })
        .collect()
}

/// `GET /desk/accounts/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Query(filter): Query<AccountFilter>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    if !caller.scope.manages_anything() {
        return Err(AppError::Forbidden(
            "your role does not create accounts".to_owned(),
        ));
    }
    Ok(Page::new(
        "desk/account_form.html",
        json!({ "organisations": json!(super::managed_organisations(&state, &caller).await?),
                "grantable": grantable(&caller),
                "form": { "organisation_id": filter.organisation, "language": "fr", "roles": [] } }),
    ))
}

/// `POST /desk/accounts`: creates the account and mails it a link to choose its password.
pub async fn create(
    State(state): State<AppState>,
    Signed(caller): Signed,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let result = async {
        let new = NewAccount {
            email: form.email.clone().unwrap_or_default(),
            display_name: form.display_name.clone(),
            organisation_id: form
                .organisation_id
                .ok_or_else(|| AppError::field("organisation_id", "is required"))?,
            roles: parse_roles(&form.roles)?,
            language: form.language.clone(),
        };
        let created =
            accounts::create(&db, new, None, state.config.max_contacts_per_organisation).await?;
        accounts::send_reset(
            &db,
            &state.mailer,
            &state.config.base_url(),
            created.account.id,
        )
        .await?;
        Ok::<_, AppError>(created)
    }
    .await;
    match result {
        Ok(created) => {
            Ok(Redirect::to(&format!("/desk/accounts/{}", created.account.id)).into_response())
        }
        Err(err) => {
            let errors = field_errors(err)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/account_form.html",
                    json!({ "organisations": json!(super::managed_organisations(&state, &caller).await?),
                            "grantable": grantable(&caller), "errors": errors,
                            "form": { "email": form.email, "display_name": form.display_name,
                                      "organisation_id": form.organisation_id, "roles": form.roles,
                                      "language": form.language } }),
                ),
            )
                .into_response())
        }
    }
}

/// `GET /desk/accounts/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
) -> Result<Page, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let account = accounts::get(&db, id).await?;
    let organisation = organisations::get(&db, account.account.organisation_id).await?;
    let manages = caller
        .scope
        .manages_organisation(account.account.organisation_id);
    Ok(Page::new(
        "desk/account.html",
        json!({ "account": account, "org": organisation, "manages": manages,
                "grantable": grantable(&caller), "all_roles": Role::ALL }),
    ))
}

/// `POST /desk/accounts/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    let changes = AccountChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field("revision", "is required"))?,
        display_name: Some(form.display_name),
        language: Some(form.language),
        roles: Some(parse_roles(&form.roles)?),
        active: Some(ticked(&form.active)),
        committee_offers: form.committee_offers.as_deref().map(|codes| {
            codes
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        }),
    };
    accounts::update(&db, id, changes, state.config.max_contacts_per_organisation).await?;
    Ok(Redirect::to(&format!("/desk/accounts/{id}")))
}

/// `POST /desk/accounts/{id}/reset`: mails the account a password reset link.
pub async fn send_reset(
    State(state): State<AppState>,
    Signed(caller): Signed,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(&caller)?;
    let db = Scoped::new(&state.db, &caller.scope);
    accounts::send_reset(&db, &state.mailer, &state.config.base_url(), id).await?;
    Ok(Redirect::to(&format!("/desk/accounts/{id}?reset=sent")))
}
