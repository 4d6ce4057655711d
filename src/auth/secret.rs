//! Random secrets (session-independent tokens, reset links) and their stored digests.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// A new random secret: 32 bytes from the operating system, URL-safe, with a prefix that says
/// what it is (`gch_` for API tokens, `rst_` for reset links) so leaked ones are recognisable.
pub fn generate(prefix: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The SHA-256 (hex) under which a secret is stored: the database never holds a usable secret.
/// A fast hash is right here, unlike for passwords: the secrets have 256 bits of entropy.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in constant time.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_stored_as_digests() -> anyhow::Result<()> {
        let a = generate("gch_")?;
        let b = generate("gch_")?;
        assert!(a.starts_with("gch_") && a.len() == 4 + 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, "short"));
        Ok(())
    }
}
