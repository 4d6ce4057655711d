//! Secrets Guichet must read back later (a mailbox's password, an identity provider's client
//! secret), sealed with a key from the configuration before they reach the database.
//!
//! Unlike API tokens (stored as digests, see [`super::secret`]), these are credentials Guichet
//! presents to another server, so a digest will not do: they are encrypted with ChaCha20-Poly1305
//! from `ring` (already in the build through rustls; no hand-written cryptography here). Each
//! value is bound to what it is (the associated data names the column), so a sealed value
//! copied into another column does not open.

use std::path::Path;

use base64::{Engine, engine::general_purpose::STANDARD};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// The prefix of a sealed value: its format's version, so a later key rotation can tell
/// old values from new ones.
const PREFIX: &str = "v1:";

/// A key length the cipher takes: 256 bits.
const KEY_LEN: usize = 32;

/// What a sealed secret is, bound into its seal: a value sealed as one kind does not open as
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The password of an inbound mailbox (IMAP).
    MailboxPassword,
    /// The client secret of an OpenID Connect provider.
    ClientSecret,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::MailboxPassword => b"guichet mailbox password",
            Self::ClientSecret => b"guichet identity provider client secret",
        }
    }
}

/// A sealed value that does not open: another key, another purpose, or altered bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a stored secret could not be opened (another key, or altered)")]
pub struct Unopenable;

/// Seals and opens secrets with the configured key.
#[derive(Clone)]
pub struct Sealer {
    key: std::sync::Arc<LessSafeKey>,
}

impl std::fmt::Debug for Sealer {
    /// Never prints the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The sealer for a configured key: `secrets_key` (32 bytes in base64) when set, otherwise
    /// the key kept in `<data_dir>/secrets.key`, made on first start. Several servers sharing a
    /// database must share the key, so production sets `secrets_key`.
    pub fn from_setting(secrets_key: &str, data_dir: &Path) -> anyhow::Result<Self> {
        let bytes = if secrets_key.trim().is_empty() {
            key_file(&data_dir.join("secrets.key"))?
        } else {
            decode_key(secrets_key.trim())
                .ok_or_else(|| anyhow::anyhow!("secrets_key must be 32 bytes in base64"))?
        };
        Self::from_key(&bytes)
    }

    fn from_key(bytes: &[u8; KEY_LEN]) -> anyhow::Result<Self> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .map_err(|_| anyhow::anyhow!("secrets key refused by the cipher"))?;
        Ok(Self {
            key: std::sync::Arc::new(LessSafeKey::new(key)),
        })
    }

    /// `secret` sealed for `purpose`: `v1:` and base64 of a fresh random nonce, the ciphertext
    /// and its tag.
    pub fn seal(&self, purpose: Purpose, secret: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let mut sealed = secret.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.label()),
                &mut sealed,
            )
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// The secret a [`Sealer::seal`] of the same key and purpose gave.
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Result<String, Unopenable> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .ok_or(Unopenable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unopenable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Unopenable)?;
        let mut in_out = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose.label()), &mut in_out)
            .map_err(|_| Unopenable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| Unopenable)
    }
}

fn decode_key(b64: &str) -> Option<[u8; KEY_LEN]> {
    STANDARD.decode(b64).ok()?.try_into().ok()
}

/// The key kept in `path`, written (owner-readable only) with a random key when missing.
fn key_file(path: &Path) -> anyhow::Result<[u8; KEY_LEN]> {
    match std::fs::read_to_string(path) {
        Ok(text) => decode_key(text.trim())
            .ok_or_else(|| anyhow::anyhow!("{} must hold 32 bytes in base64", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; KEY_LEN];
            getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            write_private(path, &STANDARD.encode(key))?;
            Ok(key)
        }
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    fn sealer(byte: u8) -> Sealer {
        Sealer::from_key(&[byte; KEY_LEN]).unwrap()
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_purpose_only() {
        let sealed = sealer(1).seal(Purpose::ClientSecret, "s3cret").unwrap();
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            sealer(1).open(Purpose::ClientSecret, &sealed).unwrap(),
            "s3cret"
        );
        assert_eq!(
            sealer(2).open(Purpose::ClientSecret, &sealed),
            Err(Unopenable)
        );
        assert_eq!(
            sealer(1).open(Purpose::MailboxPassword, &sealed),
            Err(Unopenable)
        );
    }

    #[test]
    fn two_seals_of_one_secret_differ() {
        let s = sealer(3);
        assert_ne!(
            s.seal(Purpose::MailboxPassword, "x").unwrap(),
            s.seal(Purpose::MailboxPassword, "x").unwrap()
        );
    }

    #[test]
    fn altered_or_foreign_values_do_not_open() {
        let s = sealer(4);
        let sealed = s.seal(Purpose::MailboxPassword, "pw").unwrap();
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        for bad in ["", "v1:", "pw", "v2:AAAA", altered.as_str()] {
            assert_eq!(
                s.open(Purpose::MailboxPassword, bad),
                Err(Unopenable),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_key_file_is_made_once_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = Sealer::from_setting("", dir.path()).unwrap();
        let sealed = a.seal(Purpose::ClientSecret, "kept").unwrap();
        let b = Sealer::from_setting("", dir.path()).unwrap();
        assert_eq!(b.open(Purpose::ClientSecret, &sealed).unwrap(), "kept");
    }

    #[test]
    fn a_configured_key_must_be_32_bytes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Sealer::from_setting("c2hvcnQ=", dir.path()).is_err());
        let key = STANDARD.encode([7u8; KEY_LEN]);
        assert!(Sealer::from_setting(&key, dir.path()).is_ok());
    }
}
