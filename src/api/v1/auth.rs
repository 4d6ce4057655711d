//! Signing in to the API, out of it, resetting a password, and who am I.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::{
    auth::{
        client_ip::ClientIp,
        password_reset::{self, NewPassword, ResetRequest},
        signin::{self, SignIn},
    },
    db::Ctx,
    domain::role::Role,
    error::AppError,
    services::{
        accounts::{self, AccountDetail, TeamRef, own::OwnChanges},
        organisations, tokens,
    },
    state::AppState,
};

/// Credentials.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "contact@univ-toulon.demo.guichet", "password": "demo"}))]
pub struct Login {
    /// Sign-in address.
    email: String,
    /// Password.
    password: String,
}

/// A bearer token for `Authorization: Bearer …`.
#[derive(Serialize, ToSchema)]
#[schema(as = AuthSession)]
pub struct Session {
    /// The token.
    token: String,
    /// When it stops working.
    expires_at: DateTime<Utc>,
}

/// Signs in; the same 401 for an unknown address and a wrong password, 429 while locked out.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = Session), (status = 401, description = "invalid_credentials"),
              (status = 422, description = "password longer than password_max_chars"),
              (status = 429, description = "too many failures; see Retry-After"),
              (status = 503, description = "overloaded: too many sign-ins at once; see Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<Login>,
) -> Result<Json<Session>, AppError> {
    let attempt = SignIn {
        config: &state.config,
        hasher: &state.passwords,
        ip,
        now: state.clock.now(),
    };
    let account_id =
        signin::sign_in(&state.platform(), attempt, &body.email, &body.password).await?;
    // The password just proved who this is: the platform issues the account its token.
    let platform = state.platform();
    let token = tokens::create(
        &platform,
        account_id,
        "sign-in",
        Duration::hours(state.config.api_login_token_hours),
    )
    .await?;
    Ok(Json(Session {
        token: token.token,
        expires_at: token.expires_at,
    }))
}

/// Revokes the token the request came with.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401)), security(("bearer" = [])))]
pub async fn logout(ctx: Ctx) -> Result<StatusCode, AppError> {
    if let Some(token_id) = ctx.caller().token_id {
        tokens::revoke_own(&ctx, token_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// An address to send a reset link to.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "contact@univ-toulon.demo.guichet"}))]
pub struct Forgot {
    /// Sign-in address.
    email: String,
}

/// Sends a reset link if an account has this address and neither the account nor the client's
/// address has reached its hourly mail limit; answers 202 in every case.
#[utoipa::path(post, path = "/api/v1/auth/password/forgot", tag = "auth", request_body = Forgot,
    responses((status = 202)))]
pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<Forgot>,
) -> Result<StatusCode, AppError> {
    // Nobody is signed in: the platform looks the address up.
    let platform = state.platform();
    password_reset::request(&platform, ResetRequest::new(&state, ip), &body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A reset token and the new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "gch_lien-recu-par-courriel", "password": "une phrase de passe bien plus longue"}))]
pub struct Reset {
    /// The token from the mailed link.
    token: String,
    /// 12 to `password_max_chars` (128) characters.
    password: String,
}

/// Sets a new password; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password/reset", tag = "auth", request_body = Reset,
    responses((status = 204), (status = 422, description = "token unknown, used or expired; password too short or too long"),
              (status = 503, description = "overloaded; see Retry-After")))]
pub async fn reset(
    State(state): State<AppState>,
    Json(body): Json<Reset>,
) -> Result<StatusCode, AppError> {
    // The token is the visitor's only credential: the platform checks it.
    let platform = state.platform();
    password_reset::complete(
        &platform,
        NewPassword::new(&state),
        &body.token,
        &body.password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    id: i64,
    /// Sign-in address.
    email: String,
    /// Shown name.
    display_name: String,
    /// The account's organisation.
    organisation: organisations::OrganisationView,
    /// Roles held.
    roles: Vec<Role>,
    /// Teams.
    teams: Vec<TeamRef>,
    /// `fr` or `en`.
    language: String,
    /// For optimistic locking: `PATCH /api/v1/me` takes it.
    revision: i32,
}

/// The caller's account as [`Me`] shows it, read now (after a change, with the change).
async fn read_me(ctx: &Ctx, detail: Option<AccountDetail>) -> Result<Me, AppError> {
    let caller = ctx.caller();
    let detail = match detail {
        Some(detail) => detail,
        None => accounts::get(ctx, caller.account_id).await?,
    };
    let organisation = organisations::get(ctx, caller.organisation_id).await?;
    let account = detail.account;
    Ok(Me {
        id: account.id,
        email: account.email,
        display_name: account.display_name,
        organisation,
        roles: account.roles,
        teams: detail.teams,
        language: account.language,
        revision: account.revision,
    })
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401)), security(("bearer" = [])))]
pub async fn me(ctx: Ctx) -> Result<Json<Me>, AppError> {
    Ok(Json(read_me(&ctx, None).await?))
}

/// Changes one's own name, language or password (the new one with the current one); what is
/// absent stays. 422 naming the field (a wrong current password on `current_password`), 409
/// on a stale revision.
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = OwnChanges,
    responses((status = 200, body = Me), (status = 401), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_me(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<OwnChanges>,
) -> Result<Json<Me>, AppError> {
    let detail = accounts::own::update(&ctx, NewPassword::new(&state), body).await?;
    Ok(Json(read_me(&ctx, Some(detail)).await?))
}

/// The routes of this module.
pub fn routes() -> super::Area {
    super::Area::default()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(forgot))
        .routes(routes!(reset))
        .routes(routes!(me, update_me))
}
