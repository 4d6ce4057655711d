//! Authentication: who is calling. Pages use a database-backed session cookie, the API a bearer
//! token; both end in the same [`Caller`] (see [`crate::access`]), built once per request by
//! [`identify`] and read by handlers through the [`Signed`] and [`ApiCaller`] extractors.

pub mod callers;
pub mod client_ip;
pub mod csrf;
pub mod password_reset;
pub mod reach;
pub mod sealing;
pub mod secret;
pub mod session_store;
pub mod signin;
pub mod throttle;

use std::{collections::BTreeSet, sync::Arc};

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use entity::{account, account_role, api_token, committee_offer, feed_token, team_member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect, QueryTrait, Statement, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    access::{Caller, Scope},
    db::{Ctx, Unscoped},
    domain::role::Role,
    error::AppError,
    i18n::Lang,
    state::AppState,
};

/// Session key holding who signed in, and when.
pub const SIGNED_IN: &str = "signed_in";

/// What a session remembers of its sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    /// The account.
    pub account_id: i64,
    /// Unix time of the sign-in, for the absolute expiry.
    pub at: i64,
    /// The identity provider signed in through, if not a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<crate::sso::SignedVia>,
}

pub use crate::access::Identity;

/// Finds who is calling: the bearer token for `/api/` paths, the session cookie for pages. The
/// caller comes from `state`'s cache while nothing its scope reads changed.
pub async fn identify(
    state: &AppState,
    session: Option<&Session>,
    bearer: Option<&str>,
    api: bool,
) -> Result<Option<Arc<Caller>>, AppError> {
    let now = crate::clock::wall_now();
    if api {
        let Some(token) = bearer else {
            return Ok(None);
        };
        return from_token(state, token, now).await;
    }
    let Some(session) = session else {
        return Ok(None);
    };
    let signed_in: Option<SignedIn> = session
        .get(SIGNED_IN)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let Some(signed_in) = signed_in else {
        return Ok(None);
    };
    let absolute = chrono::Duration::hours(state.config.session_absolute_hours);
    if now.timestamp() - signed_in.at > absolute.num_seconds() {
        session
            .flush()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        return Ok(None);
    }
    Ok(state
        .callers
        .caller(state.reader(), signed_in.account_id, None)
        .await?)
}

async fn from_token(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Arc<Caller>>, AppError> {
    let db = state.reader();
    // The scope revision comes with the token, in the same statement: on SQLite every
    // statement is a round trip to the connection's thread, and this one is on every call.
    let query = Unscoped::find::<api_token::Entity>()
        .select_only()
        .column(api_token::Column::Id)
        .column(api_token::Column::AccountId)
        .column(api_token::Column::LastUsedAt)
        .expr_as(callers::scope_revision_expr(), "scope_revision")
        .filter(api_token::Column::TokenHash.eq(secret::digest(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .into_query();
    let Some(row) = crate::db::first::<TokenUse>(db, query).await? else {
        return Ok(None);
    };
    // Recorded at most once a minute: a busy client should not turn every read into a write.
    if row
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::minutes(1))
    {
        Unscoped::update_many::<api_token::Entity>()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(row.id))
            .exec(state.connection())
            .await?;
    }
    Ok(state
        .callers
        .caller_at(db, row.account_id, Some(row.id), row.scope_revision)
        .await?)
}

/// What a request needs of its bearer token, and the scope revision read with it.
#[derive(sea_orm::FromQueryResult)]
struct TokenUse {
    id: i64,
    account_id: i64,
    last_used_at: Option<DateTime<Utc>>,
    scope_revision: i64,
}

/// The context a service status feed is read in: the owner of the personal feed token in its
/// address (a feed reader cannot sign in), at the application clock's instant; none for a token
/// that is no one's, or an inactive account's.
pub async fn feed_ctx(state: &AppState, token: &str) -> Result<Option<Ctx>, AppError> {
    if token.is_empty() {
        return Ok(None);
    }
    let db = state.connection();
    // Unscoped: the token identifies the caller itself, before any context exists.
    let Some(row) = Unscoped::find::<feed_token::Entity>()
        .filter(feed_token::Column::TokenHash.eq(secret::digest(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let caller = load_caller(db, row.account_id, None).await?;
    Ok(caller.map(|caller| state.ctx_for(Arc::new(caller))))
}

/// Builds the caller for an active account: its roles, teams and organisation subtree. An
/// inactive or deleted account is no caller at all, so deactivation takes effect at once.
pub async fn load_caller<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    token_id: Option<i64>,
) -> Result<Option<Caller>, crate::services::error::ServiceError> {
    let Some(account) = Unscoped::find::<account::Entity>()
        .filter(account::Column::Id.eq(account_id))
        .filter(account::Column::Active.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let roles: BTreeSet<Role> = Unscoped::find::<account_role::Entity>()
        .filter(account_role::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .iter()
        .map(|r| Role::from(r.role))
        .collect();
    let team_ids: Vec<i64> = Unscoped::find::<team_member::Entity>()
        .select_only()
        .column(team_member::Column::TeamId)
        .filter(team_member::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(db)
        .await?;
    let subtree = organisation_subtree(db, account.organisation_id).await?;
    let mut scope = Scope::new(&roles, subtree, team_ids.clone());
    scope.ancestors = organisation_ancestors(db, account.organisation_id).await?;
    let reach = reach::reach(db, &scope.ancestors, &team_ids).await?;
    scope.offers = reach.offers;
    scope.slas = reach.slas;
    scope.subscribed_offers = reach.subscribed;
    scope.account_id = account_id;
    scope.contact = roles.contains(&Role::Contact);
    if roles.contains(&Role::Agent) {
        scope.delivered_offers = reach.delivered;
    }
    let committee_offers: Vec<i64> = Unscoped::find::<committee_offer::Entity>()
        .select_only()
        .column(committee_offer::Column::OfferId)
        .filter(committee_offer::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(db)
        .await?;
    let scope = scope.with_committee_offers(&roles, &committee_offers);
    Ok(Some(Caller {
        account_id,
        email: account.email,
        display_name: account.display_name,
        organisation_id: account.organisation_id,
        language: account.language.into(),
        roles,
        team_ids,
        scope,
        token_id,
    }))
}

/// An organisation and all its descendants, by one recursive query (the three databases all
/// have `WITH RECURSIVE`), so the scope never needs the whole organisation table in memory.
pub async fn organisation_subtree<C: ConnectionTrait>(
    db: &C,
    root: i64,
) -> Result<Vec<i64>, crate::services::error::ServiceError> {
    organisation_subtrees(db, &[root]).await
}

/// Some organisations and all their descendants, by the same one recursive query (a
/// descendant of two roots comes once).
pub async fn organisation_subtrees<C: ConnectionTrait>(
    db: &C,
    roots: &[i64],
) -> Result<Vec<i64>, crate::services::error::ServiceError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=roots.len())
        .map(|n| match backend {
            sea_orm::DbBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        })
        .collect();
    // UNION (not UNION ALL): overlapping subtrees are walked once.
    let sql = format!(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM organisation WHERE id IN ({}) \
         UNION SELECT o.id FROM organisation o JOIN sub ON o.parent_id = sub.id) \
         SELECT id FROM sub",
        placeholders.join(", ")
    );
    let values = roots.iter().map(|id| (*id).into());
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            row.try_get::<i64>("", "id")
                .map_err(crate::services::error::ServiceError::from)
        })
        .collect()
}

/// An organisation and all its ancestors, up to the consortium.
pub async fn organisation_ancestors<C: ConnectionTrait>(
    db: &C,
    start: i64,
) -> Result<Vec<i64>, crate::services::error::ServiceError> {
    let backend = db.get_database_backend();
    let placeholder = match backend {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM organisation WHERE id = {placeholder} \
         UNION ALL SELECT o.id, o.parent_id FROM organisation o JOIN up ON o.id = up.parent_id) \
         SELECT id FROM up"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [start.into()]))
        .await?;
    rows.iter()
        .map(|row| {
            row.try_get::<i64>("", "id")
                .map_err(crate::services::error::ServiceError::from)
        })
        .collect()
}

/// Each of some organisations with itself and its ancestors, as `(organisation, ancestor)`
/// pairs, by one recursive query whatever their number (the webhooks of a release's requests).
pub async fn organisations_ancestors<C: ConnectionTrait>(
    db: &C,
    starts: &[i64],
) -> Result<Vec<(i64, i64)>, crate::services::error::ServiceError> {
    if starts.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=starts.len())
        .map(|n| match backend {
            sea_orm::DbBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        })
        .collect();
    // Each walk up carries the organisation it started from.
    let sql = format!(
        "WITH RECURSIVE up(origin, id, parent_id) AS (SELECT id, id, parent_id FROM organisation \
         WHERE id IN ({}) UNION ALL SELECT up.origin, o.id, o.parent_id FROM organisation o \
         JOIN up ON o.id = up.parent_id) SELECT origin, id FROM up",
        placeholders.join(", ")
    );
    let values = starts.iter().map(|id| (*id).into());
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "origin")?,
                row.try_get::<i64>("", "id")?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(crate::services::error::ServiceError::from)
}

/// A page handler's signed-in caller; anyone else is sent to the sign-in page.
pub struct Signed(pub Arc<Caller>);

/// The redirection to the sign-in page, coming back to where the visitor was going.
pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        let next = serde_html_form::to_string([("next", self.0.as_str())]).unwrap_or_default();
        Redirect::to(&format!("/login?{next}")).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = ToLogin;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Identity>() {
            Some(Identity(Some(caller))) => Ok(Signed(caller.clone())),
            _ => Err(ToLogin(
                parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".to_owned()),
            )),
        }
    }
}

/// An API handler's caller, authenticated by a bearer token; anyone else gets 401.
pub struct ApiCaller(pub Arc<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Identity>() {
            Some(Identity(Some(caller))) => Ok(ApiCaller(caller.clone())),
            _ => Err(AppError::Unauthorized),
        }
    }
}

/// The request context of a signed-in caller (see [`Ctx`]): the database through their scope, at
/// the application clock's instant. Without a caller, a page goes to the sign-in page and an API
/// call gets 401.
impl FromRequestParts<AppState> for Ctx {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Identity>() {
            Some(Identity(Some(caller))) => Ok(state.ctx_for(caller.clone())),
            _ => {
                let uri = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or(&parts.uri, |original| &original.0);
                if uri.path().starts_with("/api/") {
                    Err(NotSignedIn::Api)
                } else {
                    Err(NotSignedIn::Page(ToLogin(
                        uri.path_and_query()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_else(|| "/".to_owned()),
                    )))
                }
            }
        }
    }
}

/// Why a request has no context: nobody signed in.
pub enum NotSignedIn {
    /// A page: to the sign-in page and back.
    Page(ToLogin),
    /// An API call: 401.
    Api,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            Self::Page(to_login) => to_login.into_response(),
            Self::Api => AppError::Unauthorized.into_response(),
        }
    }
}

/// The reader's language (see [`Lang::choose`]), from the identity [`crate::http`] put in the
/// request.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let account = parts
            .extensions
            .get::<Identity>()
            .and_then(|i| i.0.as_ref())
            .map(|c| c.language);
        Ok(Lang::choose(&parts.headers, account))
    }
}

/// The bearer token of an `Authorization` header, if there is one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}
