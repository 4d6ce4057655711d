//! What a service refuses with. Codes are stable and reasons are structured (a field, a Fluent
//! message id and its arguments), never prose: the edge ([`crate::error::AppError`]) turns them
//! into an HTTP status and the reader's language.

use serde_json::Value;

pub use crate::error::{FieldError, Message};

/// A refused or failed use case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// The caller reads the thing but their role may not do this to it.
    #[error("forbidden: {}", .0.key)]
    Forbidden(Message),
    /// Input that breaks a rule, field by field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A stale revision, or a move the current state does not allow.
    #[error("conflict: {}", .message.key)]
    Conflict {
        /// What happened.
        message: Message,
        /// E.g. the allowed actions, or the current revision.
        details: Value,
    },
    /// Sign-in refused: the same answer for an unknown e-mail and a wrong password.
    #[error("e-mail or password is incorrect")]
    InvalidCredentials,
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds before a new attempt may succeed.
        retry_after: u64,
    },
    /// Too busy right now; try again after this many seconds.
    #[error("overloaded")]
    Overloaded {
        /// Seconds before a new attempt has a fair chance.
        retry_after: u64,
    },
    /// A bug or an outage, kept whole for the log.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What services answer.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// One field breaks the rule told by the catalogue message `key`.
    pub fn field(field: &str, key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Self::Invalid(vec![FieldError::message(field, key, args)])
    }

    /// The caller's role may not do this, for the reason told by `key`.
    pub fn forbidden(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Self::Forbidden(Message { key, args })
    }

    /// The current state refuses this, for the reason told by `key`.
    pub fn conflict(key: &'static str, args: Vec<(&'static str, String)>, details: Value) -> Self {
        Self::Conflict {
            message: Message { key, args },
            details,
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        match err {
            // What the context answers for a child row under a parent out of reach.
            sea_orm::DbErr::RecordNotFound(_) => Self::NotFound,
            // Two requests changed the same rows at once and the database chose this one to
            // roll back: it lost the race, as with a stale revision (409, nothing changed).
            err if crate::db::is_lost_to_a_concurrent_transaction(&err) => Self::stale(),
            err => Self::Internal(err.into()),
        }
    }
}

impl From<crate::password::HashError> for ServiceError {
    fn from(err: crate::password::HashError) -> Self {
        match err {
            // Hashing slots free up within tens of milliseconds; a couple of seconds is plenty.
            crate::password::HashError::Busy => Self::Overloaded { retry_after: 2 },
            crate::password::HashError::Failed(err) => Self::Internal(err),
        }
    }
}

impl From<crate::domain::password_length::LengthError> for ServiceError {
    fn from(err: crate::domain::password_length::LengthError) -> Self {
        let (key, args) = err.message();
        Self::field("password", key, args)
    }
}
