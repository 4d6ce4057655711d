//! What makes two requests "the same" for an `Idempotency-Key`: their method, path and query,
//! and body, in a canonical form, digested with SHA-256. A JSON body is compared by meaning (key
//! order and spacing do not count, so a client library that reorders fields still replays); any
//! other body byte for byte.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The longest key a client may send.
pub const MAX_KEY_LEN: usize = 200;

/// Whether `key` can be an idempotency key: 1 to 200 visible ASCII characters.
pub fn is_valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The request's digest, as 64 hexadecimal digits.
pub fn digest(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes()] {
        // Each part's length first: no two different requests can run into the same bytes.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(json) => {
            hasher.update(b"json");
            hasher.update(canonical(&json).as_bytes());
        }
        Err(_) => {
            hasher.update(b"raw");
            hasher.update(body);
        }
    }
    hex::encode(hasher.finalize())
}

/// A JSON value written with its object keys sorted and no spacing.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::from(k.as_str()), canonical(&fields[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_has_the_same_digest_whatever_its_json_layout() {
        let a = digest(
            "POST",
            "/api/v1/tickets",
            br#"{"title":"x","impact":"person"}"#,
        );
        let b = digest(
            "POST",
            "/api/v1/tickets",
            b"{ \"impact\": \"person\",\n  \"title\": \"x\" }",
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn any_difference_changes_the_digest() {
        let base = digest("POST", "/api/v1/tickets", br#"{"title":"x"}"#);
        for other in [
            digest("POST", "/api/v1/tickets", br#"{"title":"y"}"#),
            digest("POST", "/api/v1/evolutions", br#"{"title":"x"}"#),
            digest("PUT", "/api/v1/tickets", br#"{"title":"x"}"#),
            digest("POST", "/api/v1/tickets?x=1", br#"{"title":"x"}"#),
            digest("POST", "/api/v1/tickets", br#"{"title":["x"]}"#),
            digest("POST", "/api/v1/tickets", b"title=x"),
        ] {
            assert_ne!(base, other);
        }
        assert_ne!(
            digest("POST", "/a", b"not json"),
            digest("POST", "/a", b"not json!")
        );
    }

    #[test]
    fn keys_are_visible_ascii_of_1_to_200_characters() {
        assert!(is_valid_key("retry-7f3c"));
        assert!(is_valid_key(&"k".repeat(200)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key(&"k".repeat(201)));
        assert!(!is_valid_key("with space"));
        assert!(!is_valid_key("clé"));
    }
}
