//! Where a webhook may be sent: HTTPS, or plain HTTP to the loopback address when the
//! configuration allows it (tests, a local relay).

/// Whether `url` is an endpoint address to accept.
pub fn acceptable(url: &str, allow_loopback_http: bool) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default();
    if host.is_empty() || !parsed.username().is_empty() || parsed.password().is_some() {
        return false;
    }
    match parsed.scheme() {
        "https" => true,
        "http" => allow_loopback_http && matches!(host, "127.0.0.1" | "localhost" | "[::1]"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn https_only_unless_loopback_is_allowed() {
        assert!(acceptable("https://hooks.univ-tln.fr/guichet", false));
        assert!(!acceptable("http://hooks.univ-tln.fr/guichet", true));
        assert!(!acceptable("http://127.0.0.1:8080/hook", false));
        assert!(acceptable("http://127.0.0.1:8080/hook", true));
        assert!(!acceptable("https://user:pw@hooks.example/", false));
        assert!(!acceptable("ftp://hooks.example/", false));
        assert!(!acceptable("pas une adresse", true));
    }
}
