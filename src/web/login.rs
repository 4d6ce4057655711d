//! Signing in and out, and resetting a forgotten password.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::{
    forms::{field_errors_in, is_local_path},
    sso,
};
use crate::{
    auth::{
        Identity, SIGNED_IN, SignedIn,
        client_ip::ClientIp,
        csrf::CsrfForm,
        password_reset::{self, ResetRequest},
        signin::{self, SignIn},
    },
    error::AppError,
    i18n::Lang,
    services::identity_providers,
    sso::SignedVia,
    state::AppState,
    view::Page,
};

/// Query of `GET /login`.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Up to this many establishments get a button each; more get a chooser.
const BUTTONS_AT_MOST: usize = 3;

/// The sign-in page with `fields` (`email`, `next`, `failure`), the establishments' providers
/// and the one chosen last (first, and preselected).
pub async fn page(
    state: &AppState,
    last: Option<i64>,
    mut fields: serde_json::Value,
) -> Result<Page, AppError> {
    let mut choices = identity_providers::choices(&state.platform()).await?;
    if let Some(i) = choices.iter().position(|c| Some(c.id) == last) {
        let chosen = choices.remove(i);
        choices.insert(0, chosen);
    }
    fields["sso"] = json!({
        "choices": choices,
        "last": last.filter(|id| choices.iter().any(|c| c.id == *id)),
        "chooser": choices.len() > BUTTONS_AT_MOST,
    });
    Ok(Page::new("login.html", fields))
}

/// The provider chosen last on this browser, from its cookie.
fn last_choice(jar: &CookieJar) -> Option<i64> {
    jar.get(sso::LAST_CHOICE_COOKIE)?.value().parse().ok()
}

/// `GET /login`: the sign-in form (or home, for who is signed in already).
pub async fn form(
    State(state): State<AppState>,
    identity: axum::Extension<Identity>,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if identity.0.0.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let page = page(&state, last_choice(&jar), json!({ "next": query.next })).await?;
    Ok(page.into_response())
}

/// The sign-in form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: signs in with a new session id, or shows the form again with one message for
/// every failure (unknown address and wrong password alike).
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    lang: Lang,
    session: Session,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<Credentials>,
) -> Result<Response, AppError> {
    let attempt = SignIn {
        config: &state.config,
        hasher: &state.passwords,
        ip,
        now: state.clock.now(),
    };
    let last = last_choice(&jar);
    let again = async |status: StatusCode, failure: serde_json::Value| {
        let fields = json!({ "email": form.email, "next": form.next, "failure": failure });
        Ok::<_, AppError>((status, page(&state, last, fields).await?))
    };
    match signin::sign_in(&state.platform(), attempt, &form.email, &form.password)
        .await
        .map_err(AppError::from)
    {
        Ok(account_id) => {
            // A new id at sign-in: a session id planted before it (fixation) is worth nothing.
            session
                .cycle_id()
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            session
                .insert(
                    SIGNED_IN,
                    SignedIn {
                        account_id,
                        // Session lifetimes run on the system clock, as the session store's do.
                        at: crate::clock::wall_now().timestamp(),
                        via: None,
                    },
                )
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            let next = form
                .next
                .clone()
                .filter(|n| is_local_path(n) && !n.starts_with("/login"))
                .unwrap_or_else(|| "/".to_owned());
            Ok(Redirect::to(&next).into_response())
        }
        Err(AppError::InvalidCredentials) => Ok(again(
            StatusCode::UNAUTHORIZED,
            json!({ "kind": "invalid" }),
        )
        .await?
        .into_response()),
        Err(err @ AppError::Validation(_)) => {
            let errors = field_errors_in(err, lang)?;
            let page = again(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "kind": "field", "text": errors.get("password") }),
            )
            .await?;
            Ok(page.into_response())
        }
        Err(err @ (AppError::TooManyRequests { .. } | AppError::Overloaded { .. })) => {
            let retry_after = err.retry_after().unwrap_or(1);
            let failure = match err {
                AppError::TooManyRequests { .. } => {
                    json!({ "kind": "locked", "minutes": retry_after.div_ceil(60) })
                }
                _ => json!({ "kind": "busy" }),
            };
            let page = again(err.status(), failure).await?;
            Ok((
                [(axum::http::header::RETRY_AFTER, retry_after.to_string())],
                page,
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

/// The logout form has no field but its token.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

/// `POST /logout`: ends the session on the server, not just in the browser. A session opened
/// through an identity provider that does single logout then offers to end the provider's
/// session too (a link: the pages' `form-action 'self'` policy stops a form's redirection to
/// another site), which sends the browser back to the sign-in page.
pub async fn logout(
    session: Session,
    CsrfForm(_): CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    let signed_in: Option<SignedIn> = session
        .get(SIGNED_IN)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match signed_in.and_then(|s| s.via) {
        Some(SignedVia {
            label,
            logout_url: Some(logout_url),
            ..
        }) => Ok(Page::new(
            "logged_out.html",
            json!({ "provider": label, "logout_url": logout_url }),
        )
        .into_response()),
        _ => Ok(Redirect::to("/login").into_response()),
    }
}

/// `GET /password/forgot`.
pub async fn forgot_form() -> Page {
    Page::new("password_forgot.html", json!({}))
}

/// The forgotten-password form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forgot {
    email: String,
}

/// `POST /password/forgot`: the same answer whether or not the address has an account, and
/// whether or not a mail limit was reached.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm<Forgot>,
) -> Result<Page, AppError> {
    // Nobody is signed in: the platform looks the address up.
    let platform = state.platform();
    password_reset::request(&platform, ResetRequest::new(&state, ip), &form.email).await?;
    Ok(Page::new("password_forgot.html", json!({ "sent": true })))
}

/// Query of `GET /password/reset`.
#[derive(Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// `GET /password/reset?token=…`: the new-password form.
pub async fn reset_form(Query(query): Query<ResetQuery>) -> Page {
    Page::new("password_reset.html", json!({ "token": query.token }))
}

/// The new-password form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reset {
    token: String,
    password: String,
}

/// `POST /password/reset`.
pub async fn reset_submit(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(form): CsrfForm<Reset>,
) -> Result<Response, AppError> {
    // The token is the visitor's only credential: the platform checks it.
    let platform = state.platform();
    let rules = password_reset::NewPassword::new(&state);
    match password_reset::complete(&platform, rules, &form.token, &form.password).await {
        Ok(()) => Ok(Page::new("password_reset.html", json!({ "done": true })).into_response()),
        Err(err) => {
            let errors = field_errors_in(err.into(), lang)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::new(
                    "password_reset.html",
                    json!({ "token": form.token, "errors": errors }),
                ),
            )
                .into_response())
        }
    }
}
