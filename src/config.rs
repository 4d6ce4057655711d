//! Layered configuration: the shipped `config.toml` (compiled in, so every default exists even
//! without the file), then the `config.toml` on disk, then `GUICHET_*` environment variables.

use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    path::PathBuf,
};

use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use serde::Deserialize;

/// The defaults, exactly as shipped: one source of truth for the file and the binary.
const SHIPPED: &str = include_str!("../config.toml");

/// Every setting of a Guichet process. Unknown keys are rejected so that a typo is not ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server binds.
    pub listen: SocketAddr,
    /// Public base URL; empty means `http://<listen>`.
    pub base_url: String,
    /// Database URL; empty means the SQLite file under `data_dir`.
    pub database_url: String,
    /// Pool size for PostgreSQL and MariaDB.
    pub database_max_connections: u32,
    /// Statements slower than this many milliseconds are logged as warnings with their SQL
    /// (0: never); every statement is logged at `debug` under the `sqlx::query` target.
    pub database_slow_statement_ms: u64,
    /// Folder for the SQLite file, attachments and `.eml` mail.
    pub data_dir: PathBuf,
    /// Whether to load the demo consortium into an empty database at start.
    pub demo: DemoSetting,
    /// SMTP URL; empty means `.eml` files under `data_dir/mail`.
    pub smtp_url: String,
    /// tracing filter.
    pub log: String,
    /// Mark cookies `Secure`.
    pub secure_cookies: bool,
    /// Request timeout in seconds.
    pub request_timeout_secs: u64,
    /// Largest request body in bytes.
    pub body_limit_bytes: usize,
    /// Grace period for in-flight requests at shutdown, in seconds.
    pub shutdown_grace_secs: u64,
    /// Idle expiry of sessions, in minutes.
    pub session_idle_minutes: i64,
    /// Absolute expiry of sessions, in hours after sign-in.
    pub session_absolute_hours: i64,
    /// Lifetime of API sign-in tokens, in hours.
    pub api_login_token_hours: i64,
    /// Failed sign-ins per e-mail before the lock-out.
    pub login_max_failures: i32,
    /// Length of the failure window and of the lock-out, in minutes.
    pub login_lock_minutes: i64,
    /// Most contacts a client organisation may have.
    pub max_contacts_per_organisation: u64,
    /// Sender address of outgoing mail.
    pub mail_from: String,
    /// Largest attachment, in bytes.
    pub attachment_max_bytes: usize,
    /// Messages one sender may send in by mail per hour; the rest are dropped unanswered.
    pub mail_in_per_hour: u64,
    /// A PEM file of extra certificate authorities the IMAP collector trusts (a private
    /// authority); empty: the system's only.
    pub mail_in_ca_file: String,
    /// When daily digests go (and weekly ones, on Mondays), `HH:MM` Paris time.
    pub digest_at: String,
    /// Whether webhook endpoints may be plain HTTP on the loopback address (tests, a local
    /// relay); otherwise HTTPS only.
    pub webhook_allow_loopback_http: bool,
    /// Key sealing the secrets read back later (base64, 32 bytes); empty: a key file under
    /// `data_dir`. Never logged.
    pub secrets_key: String,
    /// Days before a resolved ticket without answer is closed.
    pub auto_close_days: i64,
    /// How often each process looks for due background jobs, in milliseconds.
    pub jobs_poll_ms: i64,
    /// How long a process holds a job before another may take it (a crashed process's job is
    /// taken again after this), in seconds.
    pub job_lease_secs: i64,
    /// Longest password accepted anywhere a password enters, in characters.
    pub password_max_chars: usize,
    /// Password hashes computed at once by one process (0: one per core).
    pub password_hash_slots: usize,
    /// How long a sign-in waits for a hashing slot before it is turned away with 503, in
    /// milliseconds.
    pub password_hash_wait_ms: u64,
    /// Password-reset mails sent to one account per hour at most.
    pub reset_mails_per_account: i32,
    /// Password-reset requests from one network address per hour at most.
    pub reset_mails_per_address: i32,
    /// Addresses of the reverse proxies whose `X-Forwarded-For` is believed; empty: the
    /// socket's peer address is the client's.
    pub trusted_proxies: Vec<IpAddr>,
    /// Creations (tickets, log entries, attachments, evolution requests) each account may make
    /// a minute, once its burst is spent.
    pub create_rate_per_minute: NonZeroU32,
    /// Creations each account may make at once.
    pub create_burst: NonZeroU32,
    /// Identity providers declared here (`[[identity_providers]]`), created or updated at each
    /// start; the desk and the API manage the others (and may change these until the next
    /// start puts them back as declared).
    pub identity_providers: Vec<ConfiguredProvider>,
}

/// An identity provider declared in `config.toml`: one `[[identity_providers]]` table.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfiguredProvider {
    /// The code of the establishment (organisation) whose people it signs in.
    pub organisation: String,
    /// `cas` (CAS 3.0), `cas2` (CAS 2.0) or `oidc`.
    pub kind: String,
    /// What the sign-in button says after "Se connecter avec".
    pub label: String,
    /// The CAS server's base URL, or the OpenID Connect issuer.
    pub server_url: String,
    /// OpenID Connect client id.
    #[serde(default)]
    pub client_id: Option<String>,
    /// OpenID Connect client secret; stored sealed.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Domains its e-mails may have; any other is refused.
    pub email_domains: Vec<String>,
    /// Just-in-time creation: an unknown person of an allowed domain becomes a contact.
    #[serde(default)]
    pub create_contacts: bool,
    /// Whether signing out also ends the provider's session.
    #[serde(default = "yes")]
    pub single_logout: bool,
    /// CAS attribute holding the e-mail.
    #[serde(default = "mail_attribute")]
    pub email_attribute: String,
    /// CAS attribute holding the display name.
    #[serde(default = "name_attribute")]
    pub name_attribute: String,
    /// Whether it is offered on the sign-in page.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl std::fmt::Debug for ConfiguredProvider {
    /// Everything but the secret, which is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfiguredProvider")
            .field("organisation", &self.organisation)
            .field("kind", &self.kind)
            .field("label", &self.label)
            .field("server_url", &self.server_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("email_domains", &self.email_domains)
            .field("create_contacts", &self.create_contacts)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl ConfiguredProvider {
    /// The declaration as a new provider of the organisation `organisation_id`.
    pub fn as_new(&self, organisation_id: i64) -> crate::services::identity_providers::NewProvider {
        crate::services::identity_providers::NewProvider {
            organisation_id,
            kind: self.kind.clone(),
            label: self.label.clone(),
            server_url: self.server_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            email_attribute: self.email_attribute.clone(),
            name_attribute: self.name_attribute.clone(),
            email_domains: self.email_domains.clone(),
            create_contacts: self.create_contacts,
            single_logout: self.single_logout,
        }
    }
}

fn yes() -> bool {
    true
}

fn mail_attribute() -> String {
    "mail".to_owned()
}

fn name_attribute() -> String {
    "cn".to_owned()
}

/// The `demo` setting: `true`, `false`, or `"auto"` (only while listening on a loopback
/// address, so that a server opened to the network never gets accounts whose password is
/// public unless someone asked for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum DemoSetting {
    /// Explicitly on (`true`) or off (`false`).
    Explicit(bool),
    /// `"auto"`: on for a loopback `listen` only.
    Auto(AutoDemo),
}

/// The one string the `demo` setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoDemo {
    /// See [`DemoSetting::Auto`].
    Auto,
}

/// What the start does about the demo data, from the `demo` setting and the listen address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoDecision {
    /// Load it into an empty database.
    Load,
    /// Do not load it.
    Skip,
    /// `"auto"` on an address reachable from the network: not loaded, and the start says why.
    RefusedOffLoopback,
}

impl DemoSetting {
    /// The decision for a server listening on `listen`.
    pub fn decide(self, listen: SocketAddr) -> DemoDecision {
        match self {
            Self::Explicit(true) => DemoDecision::Load,
            Self::Explicit(false) => DemoDecision::Skip,
            Self::Auto(_) if listen.ip().is_loopback() => DemoDecision::Load,
            Self::Auto(_) => DemoDecision::RefusedOffLoopback,
        }
    }
}

/// A configuration that could not be read; the message names the key and where it came from.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

impl Config {
    /// The shipped defaults only: what tests start from, free of the caller's environment.
    pub fn defaults() -> Figment {
        Figment::from(Toml::string(SHIPPED))
    }

    /// Defaults, then the config file (`GUICHET_CONFIG` or `./config.toml`), then the
    /// environment (`DATABASE_URL`, then `GUICHET_*`).
    pub fn figment() -> Figment {
        let file = std::env::var("GUICHET_CONFIG").unwrap_or_else(|_| "config.toml".into());
        Self::defaults()
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("GUICHET_").ignore(&["CONFIG"]))
    }

    /// Reads and checks a configuration.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Self = figment.extract().map_err(Box::new)?;
        config.check()?;
        Ok(config)
    }

    /// Values that parse but make no sense are refused here, naming their key.
    fn check(&self) -> Result<(), ConfigError> {
        let refuse = |key: &str, why: &str| {
            Err(ConfigError(Box::new(figment::Error::from(format!(
                "invalid value for key `{key}`: {why}"
            )))))
        };
        if self.database_max_connections == 0 {
            return refuse("database_max_connections", "must be at least 1");
        }
        if self.request_timeout_secs == 0 {
            return refuse("request_timeout_secs", "must be at least 1");
        }
        if crate::services::digests::hour_of(&self.digest_at).is_none() {
            return refuse("digest_at", "must be HH:MM");
        }
        for (key, value) in [
            ("session_idle_minutes", self.session_idle_minutes),
            ("session_absolute_hours", self.session_absolute_hours),
            ("api_login_token_hours", self.api_login_token_hours),
            ("login_lock_minutes", self.login_lock_minutes),
            ("auto_close_days", self.auto_close_days),
            ("jobs_poll_ms", self.jobs_poll_ms),
            ("job_lease_secs", self.job_lease_secs),
            ("login_max_failures", i64::from(self.login_max_failures)),
            (
                "reset_mails_per_account",
                i64::from(self.reset_mails_per_account),
            ),
            (
                "reset_mails_per_address",
                i64::from(self.reset_mails_per_address),
            ),
        ] {
            if value < 1 {
                return refuse(key, "must be at least 1");
            }
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return refuse(
                "mail_from",
                "expected an address such as Guichet <guichet@example.org>",
            );
        }
        if self.attachment_max_bytes == 0 || self.attachment_max_bytes >= self.body_limit_bytes {
            return refuse(
                "attachment_max_bytes",
                "must be more than 0 and less than body_limit_bytes",
            );
        }
        if !(12..=4096).contains(&self.password_max_chars) {
            return refuse("password_max_chars", "must be between 12 and 4096");
        }
        if self.password_hash_wait_ms == 0 {
            return refuse("password_hash_wait_ms", "must be at least 1");
        }
        if self.body_limit_bytes < 1024 {
            return refuse("body_limit_bytes", "must be at least 1024");
        }
        let url = self.database_url.as_str();
        if !(url.is_empty()
            || url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://")
            || url.starts_with("mysql://")
            || url.starts_with("mariadb://"))
        {
            return refuse(
                "database_url",
                "expected sqlite:, postgres://, mysql:// or mariadb://",
            );
        }
        if !(self.smtp_url.is_empty()
            || self.smtp_url.starts_with("smtp://")
            || self.smtp_url.starts_with("smtps://"))
        {
            return refuse("smtp_url", "expected smtp:// or smtps://");
        }
        Ok(())
    }

    /// The database URL to connect to, with the embedded SQLite default filled in.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("guichet.db").display()
            )
        } else if let Some(rest) = self.database_url.strip_prefix("mariadb://") {
            format!("mysql://{rest}")
        } else {
            self.database_url.clone()
        }
    }

    /// The public base URL, `http://<listen>` when none is configured.
    pub fn base_url(&self) -> String {
        if self.base_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.base_url.trim_end_matches('/').to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_holds_every_key() {
        let config = Config::from_figment(Config::defaults());
        assert!(config.is_ok(), "{config:?}");
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Config::from_figment(Config::defaults().merge(("listen", "nowhere")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("listen"), "{err}");
        let err = Config::from_figment(Config::defaults().merge(("database_url", "oracle://x")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("database_url"), "{err}");
    }

    #[test]
    fn the_demo_loads_by_itself_only_on_a_loopback_address() {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 8080));
        let open = SocketAddr::from(([0, 0, 0, 0], 8080));
        let auto = DemoSetting::Auto(AutoDemo::Auto);
        assert_eq!(auto.decide(loopback), DemoDecision::Load);
        assert_eq!(auto.decide(open), DemoDecision::RefusedOffLoopback);
        assert_eq!(DemoSetting::Explicit(true).decide(open), DemoDecision::Load);
        assert_eq!(
            DemoSetting::Explicit(false).decide(loopback),
            DemoDecision::Skip
        );
        for (line, expected) in [
            ("demo = \"auto\"", Some(auto)),
            ("demo = true", Some(DemoSetting::Explicit(true))),
            ("demo = false", Some(DemoSetting::Explicit(false))),
            ("demo = \"yes\"", None),
        ] {
            let config = Config::from_figment(Config::defaults().merge(Toml::string(line)));
            assert_eq!(config.as_ref().ok().map(|c| c.demo), expected, "{line}");
        }
    }

    #[test]
    fn a_creation_rate_of_zero_is_refused_by_name() {
        for key in ["create_rate_per_minute", "create_burst"] {
            let err = Config::from_figment(Config::defaults().merge((key, 0)))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail closure must return figment's own error type"
    )]
    fn identity_providers_are_read_from_the_config_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "guichet.toml",
                r#"
                [[identity_providers]]
                organisation = "UTLN"
                kind = "cas"
                label = "Université de Toulon"
                server_url = "https://cas.univ-tln.fr/cas"
                email_domains = ["univ-tln.fr"]
                create_contacts = true

                [[identity_providers]]
                organisation = "ULR"
                kind = "oidc"
                label = "La Rochelle Université"
                server_url = "https://idp.univ-lr.fr/"
                client_id = "guichet"
                client_secret = "s3cret"
                email_domains = ["univ-lr.fr", "etudiant.univ-lr.fr"]
                "#,
            )?;
            jail.set_env("GUICHET_CONFIG", "guichet.toml");
            let config = Config::from_figment(Config::figment()).map_err(|e| e.to_string())?;
            let [cas, oidc] = config.identity_providers.as_slice() else {
                return Err(format!("{:?}", config.identity_providers).into());
            };
            assert_eq!(cas.organisation, "UTLN");
            assert!(cas.create_contacts && cas.single_logout && cas.enabled);
            assert_eq!(
                (cas.email_attribute.as_str(), cas.name_attribute.as_str()),
                ("mail", "cn")
            );
            assert_eq!(oidc.client_secret.as_deref(), Some("s3cret"));
            assert!(!oidc.create_contacts);
            // The secret never shows in a debug print of the configuration.
            assert!(!format!("{config:?}").contains("s3cret"));
            // A misspelt key is refused by name.
            jail.create_file(
                "guichet.toml",
                "[[identity_providers]]\norganisation = \"UTLN\"\nkind = \"cas\"\nlabel = \"x\"\n\
                 server_url = \"https://x.fr\"\nemail_domain = [\"x.fr\"]\n",
            )?;
            let err = Config::from_figment(Config::figment())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("email_domain"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn by_default_no_provider_is_declared() {
        let config = Config::from_figment(Config::defaults()).map_err(|e| e.to_string());
        assert!(config.is_ok_and(|c| c.identity_providers.is_empty()));
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let err = Config::from_figment(Config::defaults().merge(("lisen", "x")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("lisen"), "{err}");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail closure must return figment's own error type"
    )]
    fn environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GUICHET_LISTEN", "127.0.0.1:18080");
            jail.set_env("DATABASE_URL", "postgres://plain");
            let config = Config::from_figment(Config::figment()).map_err(|e| e.to_string())?;
            assert_eq!(config.listen.port(), 18080);
            assert_eq!(config.database_url, "postgres://plain");
            jail.set_env("GUICHET_DATABASE_URL", "mysql://prefixed");
            let config = Config::from_figment(Config::figment()).map_err(|e| e.to_string())?;
            assert_eq!(config.database_url, "mysql://prefixed");
            Ok(())
        });
    }
}
