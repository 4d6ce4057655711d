//! The IMAP collector: reads a mailbox's unseen messages (over IMAPS, or STARTTLS before
//! anything else is said), hands each to [`super::receive`] — the same path as
//! `guichet mail-in` — and moves it to the handled folder. Two servers reading one mailbox at
//! once may both fetch a message: the Message-ID claim in `receive` lets one of them add it,
//! and moving it twice is harmless. A message that failed on our side stays unseen in the
//! folder, to be read again at the next visit.

use std::{io, sync::Arc, time::Duration};

use async_imap::{Client, Session, types::Fetch};
use entity::mailbox;
use futures::TryStreamExt;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use sea_orm::DatabaseConnection;
use tokio::net::TcpStream;
use tokio_rustls::{TlsConnector, client::TlsStream};

use super::{MailInError, Outcome, Settings, receive};
use crate::{
    auth::sealing::{Purpose, Sealer},
    db::Ctx,
    domain::mailbox::Security,
    mail::Mailer,
};

/// Messages taken per visit: the rest wait for the next one, so that one flooded mailbox does
/// not hold the job past its lease.
const BATCH: usize = 50;

/// How long one exchange with the server may take.
const TIMEOUT: Duration = Duration::from_secs(60);

type Imap = Session<TlsStream<TcpStream>>;

/// The certificates a mailbox's server may present: the system's roots, and those of an extra
/// file (a private authority, or a test's self-signed certificate).
#[derive(Clone)]
pub struct Tls(Arc<rustls::ClientConfig>);

impl Tls {
    /// The system's roots plus the PEM certificates in `extra_ca_file` (none when empty).
    pub fn new(extra_ca_file: &str) -> anyhow::Result<Self> {
        let mut roots = rustls::RootCertStore::empty();
        // Unreadable system certificates are skipped; the server's name is still checked
        // against what is left.
        let (accepted, _ignored) =
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        tracing::debug!(accepted, "system certificates for IMAP");
        if !extra_ca_file.is_empty() {
            for cert in CertificateDer::pem_file_iter(extra_ca_file)? {
                roots.add(cert?)?;
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(Self(Arc::new(config)))
    }
}

/// Why a mailbox could not be read. Its [`CollectError::code`] is what the desk shows; the
/// error itself goes to the log (it never holds the password).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The sealed password does not open (the secrets key changed).
    #[error("the stored password does not open with this key")]
    Password,
    /// The server cannot be reached.
    #[error("connecting: {0}")]
    Connect(io::Error),
    /// The TLS handshake failed (certificate, name).
    #[error("TLS: {0}")]
    Tls(io::Error),
    /// The server refused the login.
    #[error("login refused: {0}")]
    Login(async_imap::error::Error),
    /// The folder to read cannot be selected.
    #[error("folder: {0}")]
    Folder(async_imap::error::Error),
    /// The server stopped answering.
    #[error("no answer within {TIMEOUT:?}")]
    Timeout,
    /// Any other IMAP failure.
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
}

impl CollectError {
    /// The code stored in `mailbox.last_error`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Connect(_) => "connect",
            Self::Tls(_) => "tls",
            Self::Login(_) => "login",
            Self::Folder(_) => "folder",
            Self::Timeout => "timeout",
            Self::Imap(_) => "imap",
        }
    }
}

/// What one visit did.
#[derive(Debug, Default)]
pub struct Collected {
    /// What became of each message taken in.
    pub outcomes: Vec<Outcome>,
    /// Messages refused for good (unreadable, too large): moved aside unhandled.
    pub refused: usize,
    /// Messages left for the next visit (a failure on our side).
    pub deferred: usize,
}

/// One exchange with the server, or [`CollectError::Timeout`].
async fn within<T, E: Into<CollectError>>(
    exchange: impl Future<Output = Result<T, E>>,
) -> Result<T, CollectError> {
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| CollectError::Timeout)?
        .map_err(Into::into)
}

/// Reads one mailbox: each unseen message of its folder (up to `BATCH`) taken in and moved
/// to its handled folder. `max_message_bytes` is the largest message taken (a larger one is
/// moved aside, as `guichet mail-in` refuses it).
#[expect(
    clippy::too_many_arguments,
    reason = "the pipeline's settings, each distinct"
)]
pub async fn collect(
    db: &DatabaseConnection,
    platform: &Ctx,
    mailer: &Mailer,
    sealer: &Sealer,
    tls: &Tls,
    settings: &Settings<'_>,
    max_message_bytes: usize,
    mailbox: &mailbox::Model,
) -> Result<Collected, CollectError> {
    let password = sealer
        .open(Purpose::MailboxPassword, &mailbox.password)
        .map_err(|_| CollectError::Password)?;
    let mut session = tokio::time::timeout(TIMEOUT, connect(tls, mailbox, &password))
        .await
        .map_err(|_| CollectError::Timeout)??;
    let visited = visit(
        &mut session,
        db,
        platform,
        mailer,
        settings,
        max_message_bytes,
        mailbox,
    )
    .await;
    if let Err(err) = within(session.logout()).await {
        tracing::debug!(error = %err, "IMAP logout");
    }
    visited
}

async fn connect(
    tls: &Tls,
    mailbox: &mailbox::Model,
    password: &str,
) -> Result<Imap, CollectError> {
    let port = u16::try_from(mailbox.port)
        .map_err(|_| CollectError::Connect(io::Error::other("port out of range")))?;
    let tcp = TcpStream::connect((mailbox.host.as_str(), port))
        .await
        .map_err(CollectError::Connect)?;
    let name = ServerName::try_from(mailbox.host.clone())
        .map_err(|e| CollectError::Tls(io::Error::other(e)))?;
    let connector = TlsConnector::from(tls.0.clone());
    let client = match Security::parse(&mailbox.security) {
        Security::Imaps => {
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(CollectError::Tls)?;
            let mut client = Client::new(stream);
            greeting(&mut client).await?;
            client
        }
        Security::Starttls => {
            let mut plain = Client::new(tcp);
            greeting(&mut plain).await?;
            plain.run_command_and_check_ok("STARTTLS", None).await?;
            let stream = connector
                .connect(name, plain.into_inner())
                .await
                .map_err(CollectError::Tls)?;
            // No greeting after STARTTLS: the session goes on.
            Client::new(stream)
        }
    };
    client
        .login(&mailbox.username, password)
        .await
        .map_err(|(err, _)| CollectError::Login(err))
}

async fn greeting<T>(client: &mut Client<T>) -> Result<(), CollectError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    client
        .read_response()
        .await
        .map_err(CollectError::Connect)?
        .ok_or_else(|| CollectError::Connect(io::Error::other("closed before its greeting")))?;
    Ok(())
}

async fn visit(
    session: &mut Imap,
    db: &DatabaseConnection,
    platform: &Ctx,
    mailer: &Mailer,
    settings: &Settings<'_>,
    max_message_bytes: usize,
    mailbox: &mailbox::Model,
) -> Result<Collected, CollectError> {
    // Made on first use; when it exists already the server says NO, which is fine.
    if let Err(err) = within(session.create(&mailbox.handled_folder)).await {
        tracing::debug!(error = %err, "handled folder not created (it exists)");
    }
    within(session.select(&mailbox.folder))
        .await
        .map_err(|err| match err {
            CollectError::Imap(err) => CollectError::Folder(err),
            err => err,
        })?;
    let mut unseen: Vec<u32> = within(session.uid_search("UNSEEN"))
        .await?
        .into_iter()
        .collect();
    unseen.sort_unstable();
    unseen.truncate(BATCH);
    let mut collected = Collected::default();
    if unseen.is_empty() {
        return Ok(collected);
    }
    let set = unseen
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sizes: Vec<Fetch> = within(async {
        session
            .uid_fetch(&set, "RFC822.SIZE")
            .await?
            .try_collect()
            .await
    })
    .await?;
    for (uid, size) in sizes.iter().filter_map(|f| Some((f.uid?, f.size?))) {
        let fits = usize::try_from(size).is_ok_and(|size| size <= max_message_bytes);
        let raw = if fits {
            let fetched: Vec<Fetch> = within(async {
                session
                    .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                    .await?
                    .try_collect()
                    .await
            })
            .await?;
            fetched.iter().find_map(|f| f.body().map(<[u8]>::to_vec))
        } else {
            None
        };
        let handled = match raw {
            // Gone meanwhile (another server moved it): nothing to do.
            None if fits => continue,
            None => {
                tracing::warn!(
                    mailbox = mailbox.id,
                    uid,
                    size,
                    "message too large, moved aside"
                );
                collected.refused += 1;
                true
            }
            Some(raw) => match receive(db, platform, mailer, &raw, settings).await {
                Ok(outcome) => {
                    collected.outcomes.push(outcome);
                    true
                }
                Err(MailInError::Malformed(err)) => {
                    tracing::warn!(mailbox = mailbox.id, uid, error = %err, "malformed message, moved aside");
                    collected.refused += 1;
                    true
                }
                Err(err) => {
                    tracing::warn!(mailbox = mailbox.id, uid, error = %err, "message left for the next visit");
                    collected.deferred += 1;
                    false
                }
            },
        };
        if handled {
            move_to(session, uid, &mailbox.handled_folder).await?;
        }
    }
    Ok(collected)
}

/// Moves a message (RFC 6851 `MOVE`; without it, copy, flag deleted and expunge that one).
async fn move_to(session: &mut Imap, uid: u32, folder: &str) -> Result<(), CollectError> {
    let uid = uid.to_string();
    if within(session.uid_mv(&uid, folder)).await.is_ok() {
        return Ok(());
    }
    within(session.uid_copy(&uid, folder)).await?;
    within(async {
        session
            .uid_store(&uid, "+FLAGS.SILENT (\\Deleted)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    within(async {
        session
            .uid_expunge(&uid)
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    Ok(())
}
