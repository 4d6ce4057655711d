//! Desk pages for accounts: list, create, change roles, deactivate, send a reset link.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{staff_only, ticked};
use crate::{
    access::may_grant,
    auth::csrf::CsrfForm,
    db::Ctx,
    domain::role::Role,
    error::AppError,
    services::error::ServiceError,
    services::{
        PageRequest, Paged, accounts,
        accounts::{AccountChanges, AccountFilter, AccountView, NewAccount},
        listing::PagerView,
        organisations::{self, OrganisationView},
    },
    state::AppState,
    view::Page,
    web::forms::field_errors_in,
};

/// `desk/accounts.html`.
#[derive(Serialize)]
struct AccountsPage {
    /// A page of accounts.
    list: Paged<AccountView>,
    /// Its page links, sort and query strings.
    pager: PagerView,
    /// The filters set.
    f: AccountFilter,
    /// The organisations the caller reads, to filter by.
    organisations: Vec<OrganisationView>,
    /// The roles, to filter by.
    roles: Vec<&'static str>,
    /// Whether the caller manages some accounts (the "new" link).
    manages: bool,
}

/// `GET /desk/accounts`: filters as selects, sortable headers, numbered pages; with
/// `format=csv`, the whole list as a CSV file.
pub async fn list(ctx: Ctx, Query(filter): Query<AccountFilter>) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    if filter.format.as_deref() == Some("csv") {
        let chunks = accounts::export(ctx, &filter)?;
        return crate::http::csv_stream("accounts.csv", chunks);
    }
    let list = accounts::listed(&ctx, &filter).await?;
    let organisations = organisations::list(
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
        "desk/accounts.html",
        AccountsPage {
            pager: PagerView::new(&list, &pairs, "email"),
            list,
            f: filter,
            organisations,
            roles: Role::ALL.into_iter().map(Role::as_str).collect(),
            manages: ctx.scope().manages_anything(),
        },
    )
    .into_response())
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
            Role::parse(r).ok_or_else(|| {
                AppError::field_message("roles", "field-role-unknown", vec![("role", r.clone())])
            })
        })
        .collect()
}

/// `GET /desk/accounts/new`.
pub async fn new_form(ctx: Ctx, Query(filter): Query<AccountFilter>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    if !ctx.scope().manages_anything() {
        return Err(ServiceError::forbidden("refused-accounts-not-created", vec![]).into());
    }
    Ok(Page::new(
        "desk/account_form.html",
        json!({ "organisations": json!(super::managed_by(&ctx).await?),
                "grantable": grantable(ctx.caller()),
                "form": { "organisation_id": filter.organisation, "language": "fr", "roles": [] } }),
    ))
}

/// `POST /desk/accounts`: creates the account and mails it a link to choose its password.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, AppError> {
    staff_only(ctx.caller())?;
    let result = async {
        let new = NewAccount {
            email: form.email.clone().unwrap_or_default(),
            display_name: form.display_name.clone(),
            organisation_id: form.organisation_id.ok_or_else(|| {
                AppError::field_message("organisation_id", "field-required", vec![])
            })?,
            roles: parse_roles(&form.roles)?,
            language: form.language.clone(),
        };
        let created =
            accounts::create(&ctx, new, None, state.config.max_contacts_per_organisation).await?;
        accounts::send_reset(
            &ctx,
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
            let errors = field_errors_in(err, ctx.caller().language)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "desk/account_form.html",
                    json!({ "organisations": json!(super::managed_by(&ctx).await?),
                            "grantable": grantable(ctx.caller()), "errors": errors,
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
pub async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Page, AppError> {
    staff_only(ctx.caller())?;
    let account = accounts::get(&ctx, id).await?;
    let organisation = organisations::get(&ctx, account.account.organisation_id).await?;
    let manages = ctx
        .scope()
        .manages_organisation(account.account.organisation_id);
    Ok(Page::new(
        "desk/account.html",
        json!({ "account": account, "org": organisation, "manages": manages,
                "grantable": grantable(ctx.caller()), "all_roles": Role::ALL }),
    ))
}

/// `POST /desk/accounts/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    let changes = AccountChanges {
        revision: form
            .revision
            .ok_or_else(|| AppError::field_message("revision", "field-required", vec![]))?,
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
    accounts::update(
        &ctx,
        id,
        changes,
        state.config.max_contacts_per_organisation,
    )
    .await?;
    Ok(Redirect::to(&format!("/desk/accounts/{id}")))
}

/// `POST /desk/accounts/{id}/reset`: mails the account a password reset link.
pub async fn send_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::login::Nothing>,
) -> Result<Redirect, AppError> {
    staff_only(ctx.caller())?;
    accounts::send_reset(&ctx, &state.mailer, &state.config.base_url(), id).await?;
    Ok(Redirect::to(&format!("/desk/accounts/{id}?reset=sent")))
}
