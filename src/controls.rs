//! The one place that keeps control characters out of the application (see
//! [`crate::domain::control_chars`]): every request's decoded path and query parameters, and the
//! text of its JSON, URL-encoded or multipart body, are checked before any handler or extractor
//! runs. A path or parameter answers 400 and a body field 422, each naming the field in the
//! reader's language; nothing reaches the database.

use axum::{
    body::{Body, to_bytes},
    extract::{FromRequest, Multipart, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    domain::control_chars,
    error::{AppError, FieldError},
};

/// The kinds of body whose text fields are checked; any other is passed on untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
    Multipart,
}

fn body_kind(headers: &HeaderMap) -> Option<BodyKind> {
    let content_type = headers
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence == "application/json" || essence.ends_with("+json") {
        Some(BodyKind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyKind::Form)
    } else if essence == "multipart/form-data" {
        Some(BodyKind::Multipart)
    } else {
        None
    }
}

/// The field of the path or query string that holds a forbidden control, if any.
fn in_uri(uri: &axum::http::Uri) -> Option<String> {
    let path: Vec<u8> = percent_encoding::percent_decode(uri.path().as_bytes()).collect();
    if control_chars::bytes_have_forbidden(&path) {
        return Some("path".to_owned());
    }
    let query = uri.query()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    control_chars::first_in_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The field of a buffered body that holds a forbidden control, if any. A body that does not
/// parse is left to the handler's extractor, which says what is wrong with it.
async fn in_body(kind: BodyKind, headers: &HeaderMap, bytes: &axum::body::Bytes) -> Option<String> {
    match kind {
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|json| control_chars::first_in_json(&json)),
        BodyKind::Form => {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(bytes).into_owned().collect();
            control_chars::first_in_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        BodyKind::Multipart => in_multipart(headers, bytes.clone()).await,
    }
}

/// The multipart part whose name, file name or (for a part that is not a file) text holds a
/// forbidden control. Files' contents are data, not text: they are not looked at.
async fn in_multipart(headers: &HeaderMap, bytes: axum::body::Bytes) -> Option<String> {
    let mut request = Request::new(Body::from(bytes));
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let clean_name = || -> String {
            name.chars()
                .filter(|c| !control_chars::is_forbidden(*c))
                .collect()
        };
        if control_chars::has_forbidden(&name) {
            return Some(clean_name());
        }
        if let Some(file_name) = field.file_name() {
            if control_chars::has_forbidden(file_name) {
                return Some(clean_name());
            }
            continue;
        }
        match field.text().await {
            Ok(text) if control_chars::has_forbidden(&text) => return Some(clean_name()),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// The problem of `field`; the edge says it in the reader's language.
fn problem(field: &str) -> FieldError {
    FieldError::message(field, "input-control-character", vec![])
}

/// Refuses a request whose path, query or text body holds a forbidden control character; the
/// state is the body limit, in bytes.
pub async fn refuse_controls(
    State(body_limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(field) = in_uri(request.uri()) {
        return AppError::BadParameter(problem(&field)).into_response();
    }
    let Some(kind) = body_kind(request.headers()) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, body_limit).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Some(field) = in_body(kind, &parts.headers, &bytes).await {
        return AppError::Validation(vec![problem(&field)]).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_and_each_query_parameter_are_checked_decoded() {
        let cases = [
            ("/api/v1/tickets/%00", Some("path")),
            ("/api/v1/tickets/I-000001%1b", Some("path")),
            ("/api/v1/tickets?q=%00&status=new", Some("q")),
            ("/api/v1/tickets?q=ok&status=n%01ew", Some("status")),
            ("/api/v1/tickets?q=deux+mots%09tab", None),
            ("/api/v1/tickets/I-000001", None),
            ("/portal/%C3%A9", None),
        ];
        for (uri, expected) in cases {
            let uri: axum::http::Uri = uri.parse().unwrap_or_default();
            assert_eq!(in_uri(&uri).as_deref(), expected, "{uri}");
        }
    }

    #[test]
    fn bodies_are_recognised_by_their_content_type() {
        let kind = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                value
                    .parse()
                    .unwrap_or(header::HeaderValue::from_static("x/x")),
            );
            body_kind(&headers)
        };
        assert_eq!(kind("application/json"), Some(BodyKind::Json));
        assert_eq!(
            kind("application/json; charset=utf-8"),
            Some(BodyKind::Json)
        );
        assert_eq!(kind("application/merge-patch+json"), Some(BodyKind::Json));
        assert_eq!(
            kind("application/x-www-form-urlencoded"),
            Some(BodyKind::Form)
        );
        assert_eq!(
            kind("multipart/form-data; boundary=x"),
            Some(BodyKind::Multipart)
        );
        assert_eq!(kind("application/octet-stream"), None);
    }
}
