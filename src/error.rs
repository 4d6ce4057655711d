//! The HTTP edge's error type. Every handler returns `Result<_, AppError>`; the response is the
//! JSON error body of the API (`{"error": {"code", "message", "details"}}`), and
//! [`crate::http::errors`] turns it into an HTML page for the portal and the desk.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::{Value, json};

/// One field's problem in a rejected input.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, as named in the form or JSON body.
    pub field: String,
    /// What is wrong with it, for a person to read.
    pub reason: String,
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
    /// The caller sees the thing but their role may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// Malformed input that is not about one field.
    #[error("{0}")]
    BadRequest(String),
    /// Input that parsed but breaks a rule, field by field.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// A path or query parameter that cannot be read as one (400, naming it).
    #[error("invalid parameter")]
    BadParameter(FieldError),
    /// An `Idempotency-Key` sent again with a different request.
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    /// A stale revision or an action not allowed in the current state.
    #[error("{message}")]
    Conflict {
        /// What happened.
        message: String,
        /// E.g. the allowed actions, or the current revision.
        details: Value,
    },
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds before a new attempt may succeed.
        retry_after: u64,
    },
    /// A dependency (the database) does not answer.
    #[error("service unavailable")]
    Unavailable,
    /// A bug or an outage: logged whole, shown as a bare "internal error".
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

/// What the HTML error page needs; carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// Message for a person (English; pages translate by code).
    pub message: String,
    /// Field errors, for forms.
    pub fields: Vec<FieldError>,
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) | Self::BadParameter(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of this error in the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::BadRequest(_) | Self::BadParameter(_) => "bad_request",
            Self::Validation(_) => "validation",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Conflict { .. } => "conflict",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// A validation error on a single field.
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field: field.to_owned(),
            reason: reason.into(),
        }])
    }
}

/// The JSON error body of SPEC section 9.
pub fn error_body(code: &str, message: &str, details: Value) -> Value {
    json!({ "error": { "code": code, "message": message, "details": details } })
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
            Self::Conflict { message, details } => (message.clone(), details.clone(), vec![]),
            Self::TooManyRequests { retry_after } => (
                "too many requests, try again later".to_owned(),
                json!({ "retry_after": retry_after }),
                vec![],
            ),
            Self::Internal(_) => ("internal error".to_owned(), json!({}), vec![]),
            other => (other.to_string(), json!({}), vec![]),
        };
        let mut response = (status, Json(error_body(code, &message, details))).into_response();
        if let Self::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response.extensions_mut().insert(ErrorInfo {
            code,
            message,
            fields,
        });
        response
    }
}
