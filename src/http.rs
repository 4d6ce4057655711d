//! The layers every request goes through: request id and tracing, timeouts, body limits,
//! compression, security headers, and the rendering of pages and error pages.

use std::time::Duration;

use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use std::sync::Arc;

use tower_sessions::{Expiry, Session, SessionManagerLayer, cookie::SameSite};

use crate::{
    access::Caller,
    auth::{self, Identity, csrf, session_store::DbSessionStore},
    error::{AppError, ErrorInfo, FieldError, error_body},
    i18n::Lang,
    state::AppState,
    view::PendingPage,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// No inline script or style anywhere, nothing from other origins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of downloaded files: a sandbox with nothing allowed.
const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'";

/// Wraps the routes with every cross-cutting layer, outermost first. The probes (`/healthz`)
/// take the outer ones only (request id, tracing, security headers, panics, timeout): a load
/// balancer asks them many times a second, and they have no session, form, caller or page.
pub fn layers(router: Router<AppState>, probes: Router<AppState>, state: AppState) -> Router {
    let config = state.config.clone();
    let timeout = Duration::from_secs(config.request_timeout_secs);
    let hsts = config
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    let pages_and_api = router
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(CompressionLayer::new())
                .layer(
                    SessionManagerLayer::new(DbSessionStore::new(
                        state.connection().clone(),
                        state.reader().clone(),
                    ))
                    .with_name("guichet_session")
                    .with_http_only(true)
                    .with_same_site(SameSite::Lax)
                    .with_secure(config.secure_cookies)
                    .with_expiry(Expiry::OnInactivity(
                        time::Duration::minutes(config.session_idle_minutes),
                    )),
                )
                .layer(middleware::from_fn(csrf::same_site_only))
                // Inside compression (it reads error bodies), outside everything that can
                // refuse a request (panics, timeouts, body limits, the router itself).
                .layer(middleware::from_fn_with_state(state.clone(), finish))
                .layer(CatchPanicLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    timeout,
                ))
                // Inside `finish`, which names the field in the reader's language and gives
                // the refusal its error page or body, and inside the timeout, as it reads
                // bodies (up to the body limit, which it applies itself).
                .layer(middleware::from_fn_with_state(
                    config.body_limit_bytes,
                    crate::controls::refuse_controls,
                ))
                .layer(RequestBodyLimitLayer::new(config.body_limit_bytes)),
        );
    let probes = probes.layer(ServiceBuilder::new().layer(CatchPanicLayer::new()).layer(
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout),
    ));
    pages_and_api
        .merge(probes)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request| {
                        // Every log line of the request carries its id, method and path.
                        let id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            id,
                            method = %request.method(),
                            path = %request.uri().path(),
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::map_response_with_state(
                    SecurityHeaders { hsts },
                    security_headers,
                )),
        )
        .with_state(state)
}

/// The headers every response carries unless its handler set its own (a download's sandbox
/// policy, the API docs' inline styles); `hsts` only when cookies are secure (behind HTTPS).
#[derive(Clone)]
struct SecurityHeaders {
    hsts: Option<HeaderValue>,
}

/// Adds the security headers in one step: one layer rather than one per header, whose nested
/// futures every request paid for (moved around on each poll, under load).
async fn security_headers(
    State(policy): State<SecurityHeaders>,
    mut response: Response,
) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    if let Some(hsts) = policy.hsts {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(hsts);
    }
    response
}

/// Whether a path belongs to the JSON API, whose errors are JSON whatever went wrong.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The code of an error response that no handler produced (the router's 405, the timeout's 408,
/// the body limit's 413, an extractor's rejection…).
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "validation",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::CONFLICT => "conflict",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// Finishes every response: renders the pages handlers returned as [`crate::view::Page`];
/// gives every error the shape of [`crate::error::AppError`]'s, whoever refused the request (the
/// router's 405, the timeout's 408, the body limit's 413, an extractor's rejection, a panic);
/// shows errors outside `/api/` as an HTML page in the visitor's language; and forbids caching
/// whatever answers an identified caller.
async fn finish(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let session = request.extensions().get::<Session>().cloned();
    // Assets need no identity: spare them the database.
    let anonymous = path.starts_with("/static/");
    let caller = if anonymous {
        None
    } else {
        match auth::identify(
            &state,
            session.as_ref(),
            auth::bearer(request.headers()),
            is_api(&path),
        )
        .await
        {
            Ok(caller) => caller,
            Err(err) => return err.into_response(),
        }
    };
    let lang = Lang::choose(request.headers(), caller.as_ref().map(|c| c.language));
    request.extensions_mut().insert(Identity(caller.clone()));
    let identified = caller.is_some();
    let mut response = shape(
        &state,
        session,
        caller,
        lang,
        &path,
        next.run(request).await,
    )
    .await;
    if identified {
        // What a signed-in caller reads is theirs: no browser or proxy may keep it (a shared
        // computer's back button, a proxy answering someone else).
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Renders a pending page, and gives an error the API's shape or the error page.
async fn shape(
    state: &AppState,
    session: Option<Session>,
    caller: Option<Arc<Caller>>,
    lang: Lang,
    path: &str,
    response: Response,
) -> Response {
    if let Some(page) = response.extensions().get::<PendingPage>().cloned() {
        let (parts, _) = response.into_parts();
        let frame = match frame(
            session.as_ref(),
            caller.as_deref(),
            state.demo_accounts(),
            state.clock.now(),
        )
        .await
        {
            Ok(frame) => frame,
            Err(err) => return err.into_response(),
        };
        // The frame comes first, so no page data can shadow who is signed in or the form token.
        let ctx = minijinja::context! { ..frame, ..page.ctx };
        return match state.views.render(page.template, lang, path, ctx) {
            Ok(html) => (parts, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = ?err, template = page.template, "page rendering failed");
                error_page(
                    state,
                    lang,
                    path,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ("internal", &[], None),
                    None,
                )
            }
        };
    }
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let response = match response.extensions().get::<ErrorInfo>() {
        Some(_) => response,
        // A handler's own JSON answer with an error status stays as it is.
        None if is_json(&response) => return response,
        None => as_json_error(response).await,
    };
    let info = response.extensions().get::<ErrorInfo>().cloned();
    let Some(info) = info else {
        return response;
    };
    let fields: Vec<_> = info
        .fields
        .iter()
        .map(|f| f.clone().in_lang(lang))
        .collect();
    let reason = info.reason.as_ref().map(|r| r.in_lang(lang));
    if is_api(path) {
        return in_lang(response, &info, reason, &fields, lang);
    }
    // The error page keeps the site's navigation: who is signed in and the way back.
    let around = frame(
        session.as_ref(),
        caller.as_deref(),
        state.demo_accounts(),
        state.clock.now(),
    )
    .await
    .ok();
    let mut page = error_page(
        state,
        lang,
        path,
        status,
        (info.code, &fields, reason),
        around,
    );
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

/// What every page shows around its content: who is signed in, the form token, whether
/// demo accounts can sign in, and the instant relative times are told from.
async fn frame(
    session: Option<&Session>,
    caller: Option<&Caller>,
    demo_accounts: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<minijinja::Value, AppError> {
    let csrf = match session {
        Some(session) => Some(csrf::token(session).await?),
        None => None,
    };
    let me = caller.map(|c| {
        minijinja::context! {
            id => c.account_id,
            display_name => c.display_name.clone(),
            email => c.email.clone(),
            staff => c.is_staff(),
            manages => c.scope.manages_anything(),
            roles => c.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        }
    });
    Ok(minijinja::context! {
        csrf => csrf, me => me, demo_accounts => demo_accounts,
        now => minijinja::Value::from(minijinja::value::Serde(&now)),
    })
}

/// The API's JSON error body again, in the reader's language: the refusal's own reason, or
/// the message of its code (`api-error-…`), with the field reasons translated.
fn in_lang(
    response: Response,
    info: &ErrorInfo,
    reason: Option<String>,
    fields: &[FieldError],
    lang: Lang,
) -> Response {
    let key = format!("api-error-{}", info.code);
    let message = reason.unwrap_or_else(|| {
        let told = lang.t(&key);
        if told == key {
            info.message.clone()
        } else {
            told
        }
    });
    let details = if fields.is_empty() {
        info.details.clone()
    } else {
        json!({ "fields": fields })
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = error_body(info.code, &message, details);
    Response::from_parts(parts, Body::from(body.to_string()))
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Rewrites an error response that no handler shaped into the API's JSON error body.
async fn as_json_error(response: Response) -> Response {
    let status = response.status();
    let (mut parts, body) = response.into_parts();
    // Rejection texts are short; anything long is not worth echoing, and server errors say
    // nothing of their cause.
    let text = to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|t| !t.trim().is_empty() && status.is_client_error())
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
        });
    let code = code_for(status);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // The rejection's own words (which field, which type) stay for the developer; the message
    // is told in the reader's language at the edge.
    let details = if status.is_client_error() {
        json!({ "detail": text })
    } else {
        json!({})
    };
    parts.extensions.insert(ErrorInfo {
        reason: None,
        details: details.clone(),
        code,
        message: text.clone(),
        fields: vec![],
    });
    let body = Body::from(error_body(code, &text, details).to_string());
    Response::from_parts(parts, body)
}

/// What went wrong: the code, the fields at fault, the reason in the reader's language.
type Failure<'a> = (&'a str, &'a [FieldError], Option<String>);

fn error_page(
    state: &AppState,
    lang: Lang,
    path: &str,
    status: StatusCode,
    (code, fields, reason): Failure<'_>,
    around: Option<minijinja::Value>,
) -> Response {
    let ctx = minijinja::context! {
        code => code,
        reason => reason,
        fields => minijinja::Value::from(minijinja::value::Serde(fields)),
        demo_accounts => state.demo_accounts(),
    };
    let ctx = match around {
        Some(around) => minijinja::context! { ..ctx, ..around },
        None => ctx,
    };
    match state.views.render("error.html", lang, path, ctx) {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: a plain line is all that is left to say.
        Err(_) => (status, lang.t(&format!("error-{code}-title"))).into_response(),
    }
}

/// Serves a stored file as a download: never rendered by the browser, whatever it contains.
pub fn download(row: &entity::attachment::Model, bytes: Vec<u8>) -> Result<Response, AppError> {
    // Only ASCII in the quoted name; the original name is kept in the database.
    let name: String = row
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        // Opened in a tab anyway (a link typed by hand, a browser that ignores the disposition),
        // an uploaded HTML or SVG file runs no script and reaches nothing, not even its origin.
        .header(header::CONTENT_SECURITY_POLICY, DOWNLOAD_CSP)
        .header("x-content-sha256", row.sha256.as_str())
        .body(Body::from(bytes))
        .map_err(|e| AppError::Internal(e.into()))
}

/// A CSV file streamed as its chunks come, to be saved as `name` (ASCII). An error once the
/// first bytes have left can only cut the file short: it is logged.
pub fn csv_stream<S>(name: &str, chunks: S) -> Result<Response, AppError>
where
    S: futures::Stream<Item = Result<Vec<u8>, crate::services::error::ServiceError>>
        + Send
        + 'static,
{
    use futures::StreamExt;
    let body = Body::from_stream(chunks.map(|chunk| {
        chunk.inspect_err(|err| tracing::error!(error = %err, "an export stopped midway"))
    }));
    Response::builder()
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .map_err(|e| AppError::Internal(e.into()))
}

/// A small CSV document already written (a report) as a download.
pub fn csv_document(name: &str, bytes: Vec<u8>) -> Result<Response, AppError> {
    csv_stream(name, futures::stream::once(async move { Ok(bytes) }))
}

/// Whether a request asks for CSV: `?format=csv`, or (on the API) `Accept: text/csv`.
pub fn wants_csv(headers: &axum::http::HeaderMap, format: Option<&str>) -> bool {
    format == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_recognised() {
        assert!(is_api("/api/v1/tickets"));
        assert!(is_api("/api/docs"));
        assert!(!is_api("/apiary"));
        assert!(!is_api("/portal"));
    }

    #[test]
    fn statuses_map_to_codes_that_have_messages() {
        for status in [
            400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 503,
        ] {
            let code = code_for(StatusCode::from_u16(status).unwrap_or_default());
            for lang in Lang::ALL {
                let key = format!("error-{code}-title");
                assert_ne!(lang.t(&key), key, "{status} in {}", lang.code());
            }
        }
    }
}
