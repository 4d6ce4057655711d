//! The HTTP edge's error type. Every handler returns `Result<_, AppError>`; the response is the
//! JSON error body of the API (`{"error": {"code", "message", "details"}}`), and
//! the response layer of `crate::http` turns it into an HTML page for the portal and the desk.

use axum::{
    Json,
    extract::{multipart::MultipartError, rejection::BytesRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use http_body_util::LengthLimitError;
use serde::Serialize;
use serde_json::{Value, json};

use crate::i18n::Lang;

/// One field's problem in a rejected input.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, as named in the form or JSON body.
    pub field: String,
    /// What is wrong with it, for a person to read.
    pub reason: String,
    /// The reason as a catalogue message, when it has one: the edge shows it in the reader's
    /// language instead of `reason`.
    #[serde(skip)]
    pub message: Option<Message>,
}

/// A message of the Fluent catalogues with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's id, e.g. `password-too-long`.
    pub key: &'static str,
    /// Its named arguments.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// The message in English, for logs and the JSON body before the edge translates it.
    pub fn english(&self) -> String {
        Lang::En.t_args(self.key, &self.args)
    }

    /// The message in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        lang.t_args(self.key, &self.args)
    }
}

impl FieldError {
    /// A problem told by a catalogue message; `reason` holds its English text for logs and
    /// for readers whose language has no translation.
    pub fn message(field: &str, key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Self {
            field: field.to_owned(),
            reason: Lang::En.t_args(key, &args),
            message: Some(Message { key, args }),
        }
    }

    /// This problem with its reason in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if let Some(message) = &self.message {
            self.reason = lang.t_args(message.key, &message.args);
        }
        self
    }
}

/// Everything a request can fail with, each with its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// No valid session or token.
    #[error("authentication required")]
    Unauthorized,
    /// Sign-in refused: the same answer for an unknown e-mail and a wrong password.
    #[error("e-mail or password is incorrect")]
    InvalidCredentials,
    /// A service's refusal with its catalogue reason: forbidden (403) or conflicting (409).
    #[error("{}", .message.english())]
    Refused {
        /// 403 or 409.
        status: StatusCode,
        /// The reason, in the reader's language at the edge.
        message: Message,
        /// E.g. the allowed actions, or the current revision.
        details: Value,
    },
    /// Malformed input that is not about one field.
    #[error("{0}")]
    BadRequest(String),
    /// A body larger than `body_limit_bytes`, whether it said so in `Content-Length` or was cut
    /// while being read.
    #[error("request body too large")]
    PayloadTooLarge,
    /// Input that parsed but breaks a rule, field by field.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// A path or query parameter that cannot be read as one (400, naming it).
    #[error("invalid parameter")]
    BadParameter(FieldError),
    /// An `Idempotency-Key` sent again with a different request.
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds before a new attempt may succeed.
        retry_after: u64,
    },
    /// A dependency (the database) does not answer.
    #[error("service unavailable")]
    Unavailable,
    /// Too busy right now (password hashing saturated); try again after this many seconds.
    #[error("the service is busy, try again shortly")]
    Overloaded {
        /// Seconds before a new attempt has a fair chance.
        retry_after: u64,
    },
    /// A bug or an outage: logged whole, shown as a bare "internal error".
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

impl From<MultipartError> for AppError {
    fn from(err: MultipartError) -> Self {
        Self::unreadable_body(err.status(), err.body_text(), &err)
    }
}

impl From<BytesRejection> for AppError {
    fn from(err: BytesRejection) -> Self {
        Self::unreadable_body(err.status(), err.body_text(), &err)
    }
}

impl AppError {
    /// A body that could not be read: too large when a limit cut it, malformed otherwise. axum
    /// recognises only some of the ways a limit cuts a body (a chunked multipart one surfaces
    /// as "failed to read stream"), so the error's chain is read as well.
    fn unreadable_body(
        status: StatusCode,
        text: String,
        err: &(dyn std::error::Error + 'static),
    ) -> Self {
        if status == StatusCode::PAYLOAD_TOO_LARGE || cut_by_limit(err) {
            Self::PayloadTooLarge
        } else {
            Self::BadRequest(text)
        }
    }
}

/// Whether a body-reading error comes, however deep in its chain, from a length limit
/// (`RequestBodyLimitLayer` or `DefaultBodyLimit` cutting a body that had no `Content-Length`).
fn cut_by_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(err), |e| e.source()).any(|e| e.is::<LengthLimitError>())
}

/// What the HTML error page needs; carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// Message for a person (English; pages translate by code).
    pub message: String,
    /// The message as a catalogue entry, when it has one: the edge says it in the reader's
    /// language.
    pub reason: Option<Message>,
    /// The body's details, kept to be sent again with a translated message.
    pub details: Value,
    /// Field errors, for forms.
    pub fields: Vec<FieldError>,
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Refused { status, .. } => *status,
            Self::BadRequest(_) | Self::BadParameter(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of this error in the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Refused { status, .. } if *status == StatusCode::CONFLICT => "conflict",
            Self::Refused { .. } => "forbidden",
            Self::BadRequest(_) | Self::BadParameter(_) => "bad_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Validation(_) => "validation",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable => "unavailable",
            Self::Overloaded { .. } => "overloaded",
            Self::Internal(_) => "internal",
        }
    }

    /// A refusal told by a catalogue message (`refused-…`), 403 or 409.
    pub fn refused(status: StatusCode, key: &'static str, details: Value) -> Self {
        Self::Refused {
            status,
            message: Message { key, args: vec![] },
            details,
        }
    }

    /// A validation error on a single field, told by a catalogue message.
    pub fn field_message(
        field: &str,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> Self {
        Self::Validation(vec![FieldError::message(field, key, args)])
    }

    /// Seconds after which to try again, for the errors that say so.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after } | Self::Overloaded { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

impl From<crate::services::error::ServiceError> for AppError {
    fn from(err: crate::services::error::ServiceError) -> Self {
        use crate::services::error::ServiceError as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Forbidden(message) => Self::Refused {
                status: StatusCode::FORBIDDEN,
                message,
                details: json!({}),
            },
            E::Invalid(fields) => Self::Validation(fields),
            E::Conflict { message, details } => Self::Refused {
                status: StatusCode::CONFLICT,
                message,
                details,
            },
            E::TooManyRequests { retry_after } => Self::TooManyRequests { retry_after },
            E::InvalidCredentials => Self::InvalidCredentials,
            E::Overloaded { retry_after } => Self::Overloaded { retry_after },
            E::Internal(err) => Self::Internal(err),
        }
    }
}

impl From<crate::password::HashError> for AppError {
    fn from(err: crate::password::HashError) -> Self {
        match err {
            // Hashing slots free up within tens of milliseconds; a couple of seconds is plenty.
            crate::password::HashError::Busy => Self::Overloaded { retry_after: 2 },
            crate::password::HashError::Failed(err) => Self::Internal(err),
        }
    }
}

impl From<crate::domain::password_length::LengthError> for AppError {
    fn from(err: crate::domain::password_length::LengthError) -> Self {
        let (key, args) = err.message();
        Self::field_message("password", key, args)
    }
}

/// The JSON error body of SPEC section 9: `{"error": {"code", "message", "details"}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, in [`ErrorBody`].
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `validation`, `not_found`, `conflict`, `forbidden`, `unauthorized`…
    pub code: String,
    /// A sentence in the reader's language.
    pub message: String,
    /// More, by code: `fields` (each field with its reason and message) for `validation`,
    /// `retry_after` for `too_many_requests`, the allowed actions for a `conflict`…
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The JSON error body of SPEC section 9.
pub fn error_body(code: &str, message: &str, details: Value) -> Value {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.to_owned(),
            details,
        },
    };
    serde_json::to_value(body).unwrap_or(Value::Null)
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(err) = &self {
            // The chain goes to the log only; the caller learns nothing about internals.
            tracing::error!(error = ?err, "internal error");
        }
        let status = self.status();
        let code = self.code();
        let (message, details, fields) = match &self {
            Self::Validation(fields) => (
                "invalid input".to_owned(),
                json!({ "fields": fields }),
                fields.clone(),
            ),
            Self::BadParameter(field) => (
                format!("invalid parameter {}", field.field),
                json!({ "fields": [field] }),
                vec![field.clone()],
            ),
            Self::Refused {
                message, details, ..
            } => (message.english(), details.clone(), vec![]),
            Self::TooManyRequests { retry_after } => (
                "too many requests, try again later".to_owned(),
                json!({ "retry_after": retry_after }),
                vec![],
            ),
            Self::Overloaded { retry_after } => (
                self.to_string(),
                json!({ "retry_after": retry_after }),
                vec![],
            ),
            Self::Internal(_) => ("internal error".to_owned(), json!({}), vec![]),
            // A parser's own words (which part, which type) stay for the developer.
            Self::BadRequest(text) => (text.clone(), json!({ "detail": text }), vec![]),
            other => (other.to_string(), json!({}), vec![]),
        };
        let details_kept = details.clone();
        let mut response = (status, Json(error_body(code, &message, details))).into_response();
        if let Some(retry_after) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        let reason = match &self {
            Self::Refused { message, .. } => Some(message.clone()),
            _ => None,
        };
        response.extensions_mut().insert(ErrorInfo {
            code,
            message,
            reason,
            details: details_kept,
            fields,
        });
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use http_body_util::{BodyExt, Full, Limited};

    use super::*;

    #[tokio::test]
    async fn a_body_cut_by_a_limit_is_too_large_however_deep_the_cut() {
        let cut = Limited::new(Full::new(Bytes::from_static(b"too long")), 2)
            .collect()
            .await
            .err()
            .map(axum::Error::new);
        let Some(cut) = cut else {
            panic!("the limit cut nothing");
        };
        // The way a chunked body surfaces: a limit error boxed in axum's error, in multer's.
        let deep = axum::Error::new(cut);
        assert!(cut_by_limit(&deep));
        let err = AppError::unreadable_body(StatusCode::BAD_REQUEST, "failed".to_owned(), &deep);
        assert_eq!(err.code(), "payload_too_large");
        let other = axum::Error::new(std::io::Error::other("reset"));
        let err = AppError::unreadable_body(StatusCode::BAD_REQUEST, "failed".to_owned(), &other);
        assert_eq!(err.code(), "bad_request");
    }
}
