//! Signatures of the Standard Webhooks specification: HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's secret, sent as
//! `webhook-signature: v1,<base64>`. Receivers verify it with any of the specification's
//! libraries.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a secret as the specification writes it.
const PREFIX: &str = "whsec_";

/// A new secret: 32 random bytes, `whsec_` and base64.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0_u8; 32];
    getrandom::fill(&mut key)?;
    Ok(format!("{PREFIX}{}", STANDARD.encode(key)))
}

/// The `webhook-signature` value for a message; `None` for a secret that does not decode.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    #[test]
    fn the_specification_s_example_signs_as_published() {
        // The example of the Standard Webhooks specification.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn new_secrets_differ_and_sign() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX));
        assert!(sign(&a, "msg_1", 1, "{}").is_some());
        assert_eq!(sign("whsec_***", "msg_1", 1, "{}"), None);
    }
}
