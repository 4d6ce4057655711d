//! Helpers for HTML forms: showing a service's validation errors next to their fields.

use std::collections::BTreeMap;

use crate::{error::AppError, i18n::Lang};

/// Field → reason, for a form template's `errors`.
pub type FieldErrors = BTreeMap<String, String>;

/// The field errors of a 422, to show again with the form, their reasons in `lang`; any other
/// error passes through.
pub fn field_errors_in(err: AppError, lang: Lang) -> Result<FieldErrors, AppError> {
    match err {
        AppError::Validation(fields) => Ok(fields
            .into_iter()
            .map(|f| f.in_lang(lang))
            .map(|f| (f.field, f.reason))
            .collect()),
        other => Err(other),
    }
}

/// Only paths of this site: `//host` and `/\\host` would leave it (open redirect).
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/portal?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path(""));
    }
}
