//! Signing in through an establishment's identity provider: `GET /login/sso?provider=…` starts
//! (remembering the choice in a cookie), the provider sends the browser back to
//! `GET /login/sso/callback`, which checks everything before a session is opened. A refusal
//! ends the pre-sign-in session and says why on the sign-in page.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use entity::identity_provider;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::{forms::is_local_path, login};
use crate::{
    auth::{SIGNED_IN, SignedIn, secret},
    error::AppError,
    services::identity_providers,
    sso::{Asserted, SignedVia, cas, flow, http_client, oidc, refusal::Refusal},
    state::AppState,
};

/// The cookie that remembers the last provider chosen.
pub const LAST_CHOICE_COOKIE: &str = "guichet_sso";
/// Session key of the `state` of the sign-in under way.
const STATE_KEY: &str = "sso_state";
/// The callback's path.
const CALLBACK: &str = "/login/sso/callback";

fn internal(err: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(err.into())
}

/// Query of `GET /login/sso`.
#[derive(Deserialize)]
pub struct StartQuery {
    provider: i64,
    next: Option<String>,
}

/// Where CAS sends the browser back: the callback, with our `state` (CAS has no parameter of
/// its own for it).
fn cas_service(base: &str, state: &str) -> String {
    let query = serde_html_form::to_string([("state", state)]).unwrap_or_default();
    format!("{base}{CALLBACK}?{query}")
}

fn cas_version(kind: &str) -> cas::Version {
    if kind == "cas2" {
        cas::Version::V2
    } else {
        cas::Version::V3
    }
}

fn relying<'a>(
    provider: &'a identity_provider::Model,
    client_secret: &'a str,
    redirect_uri: &'a str,
) -> oidc::Relying<'a> {
    oidc::Relying {
        issuer: &provider.server_url,
        client_id: provider.client_id.as_deref().unwrap_or_default(),
        client_secret,
        redirect_uri,
    }
}

/// `GET /login/sso?provider=…&next=…`: sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    Query(query): Query<StartQuery>,
) -> Result<Response, AppError> {
    let platform = state.platform();
    let provider = match identity_providers::for_sign_in(&platform, query.provider).await? {
        Ok(provider) => provider,
        Err(refusal) => return refuse(&state, &session, refusal).await,
    };
    let next = query
        .next
        .filter(|n| is_local_path(n) && !n.starts_with("/login"));
    let started = flow::start(&platform, provider.id, next, state.clock.now())
        .await
        .map_err(internal)?;
    session
        .insert(STATE_KEY, &started.state)
        .await
        .map_err(internal)?;
    let base = state.config.base_url();
    let target = if provider.kind == "oidc" {
        let http = http_client::client().map_err(internal)?;
        let redirect_uri = format!("{base}{CALLBACK}");
        let secret = match identity_providers::client_secret(&state.sealer, &provider) {
            Ok(secret) => secret,
            Err(refusal) => return refuse(&state, &session, refusal).await,
        };
        let metadata = match oidc::discover(&http, &provider.server_url).await {
            Ok(metadata) => metadata,
            Err(refusal) => return refuse(&state, &session, refusal).await,
        };
        match oidc::authorize_url(
            metadata,
            &relying(&provider, &secret, &redirect_uri),
            &started.state,
            &started.nonce,
            &started.pkce_verifier,
        ) {
            Ok(url) => url,
            Err(refusal) => return refuse(&state, &session, refusal).await,
        }
    } else {
        cas::login_url(&provider.server_url, &cas_service(&base, &started.state))
    };
    let remembered = Cookie::build((LAST_CHOICE_COOKIE, provider.id.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .permanent()
        .build();
    Ok((jar.add(remembered), Redirect::to(&target)).into_response())
}

/// Query of the callback: `state` always; `ticket` from CAS; `code` (or `error`) from OpenID
/// Connect.
#[derive(Deserialize)]
pub struct CallbackQuery {
    state: Option<String>,
    ticket: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

/// `GET /login/sso/callback`: checks the `state` against this browser's session and takes its
/// flow (once), has the provider vouch for the ticket or code, maps the e-mail to an account of
/// the provider's establishment, then opens a new session (new id) that records the provider.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    match signed_in_account(&state, &session, &query).await? {
        Ok((account_id, via, next)) => {
            // A new id at sign-in: a session id planted before it (fixation) is worth nothing.
            session.cycle_id().await.map_err(internal)?;
            session
                .remove::<String>(STATE_KEY)
                .await
                .map_err(internal)?;
            session
                .insert(
                    SIGNED_IN,
                    SignedIn {
                        account_id,
                        at: crate::clock::wall_now().timestamp(),
                        via: Some(via),
                    },
                )
                .await
                .map_err(internal)?;
            Ok(Redirect::to(next.as_deref().unwrap_or("/")).into_response())
        }
        Err(refusal) => refuse(&state, &session, refusal).await,
    }
}

/// Everything the callback checks, in order; `Ok(Err(_))` is a refusal to show.
async fn signed_in_account(
    state: &AppState,
    session: &Session,
    query: &CallbackQuery,
) -> Result<Result<(i64, SignedVia, Option<String>), Refusal>, AppError> {
    let expected: Option<String> = session.remove(STATE_KEY).await.map_err(internal)?;
    let Some(sent) = query.state.as_deref() else {
        return Ok(Err(Refusal::State));
    };
    if !expected.is_some_and(|e| secret::same(&e, sent)) {
        return Ok(Err(Refusal::State));
    }
    let platform = state.platform();
    let Some(flow) = flow::take(&platform, sent, state.clock.now())
        .await
        .map_err(internal)?
    else {
        return Ok(Err(Refusal::State));
    };
    let provider = match identity_providers::for_sign_in(&platform, flow.provider_id).await? {
        Ok(provider) => provider,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let http = http_client::client().map_err(internal)?;
    let base = state.config.base_url();
    let back = format!("{base}/login");
    let (asserted, logout_url): (Asserted, Option<String>) =
        if provider.kind == "oidc" {
            if query.error.is_some() {
                return Ok(Err(Refusal::Token));
            }
            let Some(code) = query.code.as_deref() else {
                return Ok(Err(Refusal::Token));
            };
            let redirect_uri = format!("{base}{CALLBACK}");
            let secret = match identity_providers::client_secret(&state.sealer, &provider) {
                Ok(secret) => secret,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let metadata = match oidc::discover(&http, &provider.server_url).await {
                Ok(metadata) => metadata,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let rp = relying(&provider, &secret, &redirect_uri);
            let (asserted, id_token) =
                match oidc::finish(&http, metadata, &rp, code, &flow.pkce_verifier, &flow.nonce)
                    .await
                {
                    Ok(done) => done,
                    Err(refusal) => return Ok(Err(refusal)),
                };
            let logout = if provider.single_logout {
                oidc::logout_url(&http, &provider.server_url, rp.client_id, &id_token, &back).await
            } else {
                None
            };
            (asserted, logout)
        } else {
            let Some(ticket) = query.ticket.as_deref() else {
                return Ok(Err(Refusal::Ticket));
            };
            let service = cas_service(&base, sent);
            let validated = match cas::validate(
                &http,
                &provider.server_url,
                cas_version(&provider.kind),
                &service,
                ticket,
            )
            .await
            {
                Ok(validated) => validated,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let asserted = match cas::asserted(
                &validated,
                &provider.email_attribute,
                &provider.name_attribute,
            ) {
                Ok(asserted) => asserted,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let logout = provider
                .single_logout
                .then(|| cas::logout_url(&provider.server_url, &back));
            (asserted, logout)
        };
    let account = identity_providers::account_for(
        &platform,
        &provider,
        &asserted,
        state.config.max_contacts_per_organisation,
    )
    .await?;
    Ok(account.map(|account_id| {
        let via = SignedVia {
            provider_id: provider.id,
            label: provider.label.clone(),
            logout_url,
        };
        (account_id, via, flow.next.clone())
    }))
}

/// Ends the pre-sign-in session (nothing of the attempt survives) and shows the sign-in page
/// with the reason.
async fn refuse(
    state: &AppState,
    session: &Session,
    refusal: Refusal,
) -> Result<Response, AppError> {
    tracing::info!(reason = refusal.key(), "single sign-on refused");
    // The sign-in under way ends with its refusal, but never a session already signed in: a
    // link to the callback from another site must not sign anyone out.
    let signed_in: Option<SignedIn> = session.get(SIGNED_IN).await.map_err(internal)?;
    if signed_in.is_none() {
        session.flush().await.map_err(internal)?;
    }
    let status = match refusal {
        Refusal::Unavailable | Refusal::Secret => StatusCode::BAD_GATEWAY,
        _ => StatusCode::FORBIDDEN,
    };
    let failure = json!({ "failure": { "kind": "sso", "key": refusal.key() } });
    let page = login::page(state, None, failure).await?;
    Ok((status, page).into_response())
}
