//! What a mailbox's settings may be: a host name an IMAP client can dial, and folder names it
//! can send as an IMAP quoted string (printable ASCII without `"` and `\`: a non-ASCII name
//! would need modified UTF-7, which the desk does not ask people to write).

/// How the connection is secured: TLS from the first byte (port 993), or a plain connection
/// upgraded by `STARTTLS` (port 143). Plain IMAP is not offered: the password would travel in
/// clear.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte.
    Imaps,
    /// Plain, then `STARTTLS` before anything else.
    Starttls,
}

impl Security {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Imaps => "imaps",
            Self::Starttls => "starttls",
        }
    }

    /// From storage; anything else is IMAPS, the safer reading.
    pub fn parse(word: &str) -> Self {
        if word == "starttls" {
            Self::Starttls
        } else {
            Self::Imaps
        }
    }
}

/// Whether `host` is a DNS name or an IPv4 address: letters, digits, dots and hyphens, labels
/// of 1 to 63 characters, 253 in all.
pub fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Whether `name` can name a folder: 1 to 200 printable ASCII characters, no `"` nor `\`.
pub fn is_folder(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for (host, ok) in [
            ("imap.univ-tln.fr", true),
            ("127.0.0.1", true),
            ("localhost", true),
            ("", false),
            ("imap .fr", false),
            ("-imap.fr", false),
            ("imap..fr", false),
            ("imap.fr\r\nA1 LOGOUT", false),
            (&"a".repeat(64), false),
        ] {
            assert_eq!(is_host(host), ok, "{host:?}");
        }
    }

    #[test]
    fn folders() {
        for (name, ok) in [
            ("INBOX", true),
            ("INBOX/Handled", true),
            ("Guichet traités", false),
            ("a\"b", false),
            ("a\\b", false),
            ("a\r\nb", false),
            ("", false),
        ] {
            assert_eq!(is_folder(name), ok, "{name:?}");
        }
    }

    #[test]
    fn security_round_trips() {
        for s in [Security::Imaps, Security::Starttls] {
            assert_eq!(Security::parse(s.as_str()), s);
        }
    }
}
