//! E-mail addresses as accounts know them: trimmed, lower-cased, plausibly shaped.

/// A normalised e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Normalises and checks `raw`; the error says why it is refused.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("is required");
        }
        if email.len() > Self::MAX_LEN {
            return Err("is longer than 254 characters");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("is not an e-mail address");
        };
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err("is not an e-mail address");
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
    use super::Email;

    #[test]
    fn addresses_are_normalised_or_refused() {
        let cases = [
            (" Contact@Univ-Toulon.FR ", Ok("contact@univ-toulon.fr")),
            ("a@b.c", Ok("a@b.c")),
            ("", Err("is required")),
            ("no-at-sign", Err("is not an e-mail address")),
            ("a@b", Err("is not an e-mail address")),
            ("a@@b.c", Err("is not an e-mail address")),
            ("a b@c.d", Err("is not an e-mail address")),
            ("@b.c", Err("is not an e-mail address")),
        ];
        for (raw, expected) in cases {
            let got = Email::parse(raw);
            assert_eq!(
                got.as_ref().map(Email::as_str),
                expected.as_ref().map(|s| *s),
                "{raw}"
            );
        }
    }
}
