//! Cross-site request forgery defence, in two parts. A global check refuses state-changing
//! requests to pages that a browser says come from another site (Fetch Metadata, then Origin).
//! And every HTML form carries the session's token, which [`CsrfForm`] — the extractor every
//! HTML POST handler uses — checks before the handler sees anything.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::secret;
use crate::error::AppError;

/// Name of the hidden form field.
pub const FIELD: &str = "_csrf";
/// Session key of the token.
const SESSION_KEY: &str = "csrf";

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    let existing: Option<String> = session
        .get(SESSION_KEY)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if let Some(token) = existing {
        return Ok(token);
    }
    let token = secret::generate("")?;
    session
        .insert(SESSION_KEY, &token)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(token)
}

/// The refusal of a form whose token is missing or out of date (a page kept open across a
/// sign-in, or a forged form).
fn refused_token() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        "refused-csrf-token",
        serde_json::json!({}),
    )
}

/// Checks a token sent some other way than a URL-encoded form (a multipart upload's first part).
pub async fn verify(session: &Session, sent: &str) -> Result<(), AppError> {
    let expected: Option<String> = session
        .get(SESSION_KEY)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match expected {
        Some(expected) if secret::same(sent, &expected) => Ok(()),
        _ => Err(refused_token()),
    }
}

/// Checks the token of a multipart form, which must come as its first part (`_csrf`), before
/// any file is read.
pub async fn verify_multipart(
    session: &Session,
    multipart: &mut axum::extract::Multipart,
) -> Result<(), AppError> {
    let sent = match multipart.next_field().await? {
        Some(field) if field.name() == Some(FIELD) => field.text().await?,
        _ => String::new(),
    };
    verify(session, &sent).await
}

/// Whether a request's headers say it was sent by a page of another site.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        // Neither header: not a browser request made by another site's page.
        return false;
    };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin_host != host
}

/// Refuses cross-site state-changing requests to pages (the API uses bearer tokens, which a
/// browser never adds by itself, so it needs no such check).
pub async fn same_site_only(request: Request, next: Next) -> Result<Response, AppError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !request.uri().path().starts_with("/api/") && is_cross_site(request.headers()) {
        return Err(AppError::refused(
            StatusCode::FORBIDDEN,
            "refused-cross-site",
            serde_json::json!({}),
        ));
    }
    Ok(next.run(request).await)
}

/// A URL-encoded form whose `_csrf` field matched the session's token. The token field is
/// removed before `T` is read, so `T` can deny unknown fields.
pub struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let session = request.extensions().get::<Session>().cloned();
        let body = Bytes::from_request(request, state).await?;
        let mut pairs: Vec<(String, String)> = serde_html_form::from_bytes(&body)
            .map_err(|e| AppError::BadRequest(format!("unreadable form: {e}")))?;
        let sent = pairs
            .iter()
            .position(|(k, _)| k == FIELD)
            .map(|i| pairs.remove(i).1);
        let expected = match &session {
            Some(session) => session
                .get::<String>(SESSION_KEY)
                .await
                .map_err(|e| AppError::Internal(e.into()))?,
            None => None,
        };
        match (sent, expected) {
            (Some(sent), Some(expected)) if secret::same(&sent, &expected) => {}
            _ => {
                return Err(refused_token());
            }
        }
        let rest =
            serde_html_form::to_string(&pairs).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let form =
            serde_html_form::from_str(&rest).map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(CsrfForm(form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, axum::http::HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let cases = [
            (vec![("sec-fetch-site", "same-origin")], false),
            (vec![("sec-fetch-site", "none")], false),
            (vec![("sec-fetch-site", "cross-site")], true),
            (vec![("sec-fetch-site", "same-site")], true),
            (
                vec![("origin", "http://a.example"), ("host", "a.example")],
                false,
            ),
            (
                vec![("origin", "http://evil.example"), ("host", "a.example")],
                true,
            ),
            (vec![("origin", "null"), ("host", "a.example")], true),
            (vec![("host", "a.example")], false),
        ];
        for (pairs, expected) in cases {
            assert_eq!(is_cross_site(&headers(&pairs)), expected, "{pairs:?}");
        }
    }
}
