//! `Idempotency-Key` on every `POST` of the API (SPEC section 9), in one layer rather than in
//! each creation: the same key with the same request answers the first answer again (status and
//! body), with another request 422 `idempotency_key_reused`, and while the first is still
//! running 409. A request that fails frees its key for a retry. Requests without a key, or
//! without a signed-in caller (the handler refuses those), pass through untouched.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    auth::Identity,
    domain::idempotency,
    error::AppError,
    services::idempotency::{self as keys, Claim, Key},
    state::AppState,
};

/// The header's name.
pub const HEADER: &str = "idempotency-key";

/// The layer's function, for `axum::middleware::from_fn_with_state`.
pub async fn remember(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match run(&state, request, next).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn run(state: &AppState, request: Request, next: Next) -> Result<Response, AppError> {
    let caller = request
        .extensions()
        .get::<Identity>()
        .and_then(|i| i.0.clone());
    let (&Method::POST, Some(sent), Some(caller)) =
        (request.method(), request.headers().get(HEADER), caller)
    else {
        return Ok(next.run(request).await);
    };
    let key = sent
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| idempotency::is_valid_key(k))
        .ok_or_else(|| {
            AppError::BadParameter(crate::error::FieldError::message(
                "Idempotency-Key",
                "field-idempotency-key",
                vec![],
            ))
        })?
        .to_owned();
    let key = Key(&key);
    let (parts, body) = request.into_parts();
    // The body limit layer outside has bounded the body already.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let digest = idempotency::digest(parts.method.as_str(), target, &bytes);
    // A running claim older than twice the request timeout belongs to a request that was
    // stopped: the timeout layer drops every request by then.
    let abandoned_after = chrono::Duration::seconds(
        i64::try_from(state.config.request_timeout_secs.saturating_mul(2)).unwrap_or(i64::MAX),
    );
    let ctx = state.ctx_for(caller);
    match keys::claim(&ctx, key, &digest, abandoned_after).await? {
        Claim::Fresh => {}
        Claim::Replay { status, body } => return Ok(replay(status, body)),
        Claim::Running => {
            return Err(AppError::refused(
                StatusCode::CONFLICT,
                "refused-idempotency-running",
                serde_json::json!({ "idempotency_key": key.0 }),
            ));
        }
        Claim::Reused => return Err(AppError::IdempotencyKeyReused),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !response.status().is_success() {
        keys::release(&ctx, key).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(err) => {
            keys::release(&ctx, key).await?;
            return Err(AppError::Internal(anyhow::anyhow!(
                "reading a response to remember: {err}"
            )));
        }
    };
    let stored = keys::complete(
        &ctx,
        key,
        parts.status.as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
    )
    .await;
    if let Err(err) = stored {
        // The creation is committed: its answer goes out all the same. Unstored, the key stays
        // running and is taken over once abandoned, as after a crash.
        tracing::error!(error = ?err, "an idempotent answer could not be stored");
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// The first answer again. The API answers JSON (or nothing, for a 204).
fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let empty = body.is_empty();
    let mut response = (status, body).into_response();
    if !empty {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    response
}
