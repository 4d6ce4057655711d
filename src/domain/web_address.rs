//! Web addresses as people type them in forms: `https://host/path`. Enough to refuse text
//! that is not an address at all ("pas une url"), not a full URL parser.

/// Whether `text` is an `http` or `https` address with a host name.
pub fn is_web_address(text: &str) -> bool {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let name = host.split(':').next().unwrap_or_default();
    !text.chars().any(char::is_whitespace)
        && !name.is_empty()
        && (name.contains('.') || name == "localhost")
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::is_web_address;

    #[test]
    fn only_web_addresses_with_a_host() {
        let cases = [
            ("https://geforp.example/jurys", true),
            ("http://localhost:8080/x?y=1", true),
            ("HTTPS://Univ-Toulon.fr", true),
            ("pas une url", false),
            ("geforp.example/jurys", false),
            ("https://", false),
            ("https://exa mple.org", false),
            ("ftp://example.org", false),
            ("javascript:alert(1)", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_web_address(text), expected, "{text}");
        }
    }
}
