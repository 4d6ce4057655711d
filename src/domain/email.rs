//! E-mail addresses as accounts know them: trimmed, lower-cased, plausibly shaped.

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    /// Blank.
    Missing,
    /// Longer than [`Email::MAX_LEN`].
    TooLong,
    /// Not shaped like `local@domain.tld`.
    Malformed,
}

impl EmailError {
    /// The Fluent message that says it, with its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::Missing => ("field-required", vec![]),
            Self::TooLong => ("field-too-long", vec![("max", Email::MAX_LEN.to_string())]),
            Self::Malformed => ("field-email-invalid", vec![]),
        }
    }
}

/// A normalised e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Normalises and checks `raw`; the error says why it is refused.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Missing);
        }
        if email.len() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(EmailError::Malformed);
        };
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(EmailError::Malformed);
        }
        Ok(Email(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::{Email, EmailError};

    #[test]
    fn addresses_are_normalised_or_refused() {
        let cases = [
            (" Contact@Univ-Toulon.FR ", Ok("contact@univ-toulon.fr")),
            ("a@b.c", Ok("a@b.c")),
            ("", Err(EmailError::Missing)),
            ("no-at-sign", Err(EmailError::Malformed)),
            ("a@b", Err(EmailError::Malformed)),
            ("a@@b.c", Err(EmailError::Malformed)),
            ("a b@c.d", Err(EmailError::Malformed)),
            ("@b.c", Err(EmailError::Malformed)),
        ];
        for (raw, expected) in cases {
            let got = Email::parse(raw);
            assert_eq!(
                got.as_ref().map(Email::as_str).map_err(|e| *e),
                expected,
                "{raw}"
            );
        }
    }
}
