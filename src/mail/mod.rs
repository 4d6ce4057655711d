//! Sending mail: through SMTP when `smtp_url` is set, else as one `.eml` file per message under
//! `<data_dir>/mail`. Notifications reach it through the outbox and its `mail` jobs
//! (`services::notifications`); only the password-reset link is sent directly, since it is
//! asked for and awaited by the person at the screen.

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart, SinglePart,
        header::{ContentType, Header, HeaderName, HeaderValue},
    },
};

use crate::config::Config;

/// Where mail goes.
#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// The mail sender of the application.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// The mailer `config` describes; creates the mail folder when mail goes to files.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse()?;
        let transport = if config.smtp_url.is_empty() {
            let folder = config.data_dir.join("mail");
            std::fs::create_dir_all(&folder)?;
            Transport::Folder(AsyncFileTransport::new(folder))
        } else {
            Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)?.build(),
            )
        };
        Ok(Mailer { transport, from })
    }

    /// Sends a plain-text message.
    pub async fn send(&self, to: &str, subject: &str, text: &str) -> anyhow::Result<()> {
        let message_id = format!("{}@guichet", uuid::Uuid::new_v4().simple());
        self.send_message(Outgoing {
            to,
            subject,
            text,
            html: None,
            message_id: &message_id,
        })
        .await
    }

    /// Sends a message: text, with an HTML alternative when given, under a Message-ID chosen by
    /// the caller (a notification sent again after a crash keeps its identity, so mail clients
    /// and servers see one message).
    pub async fn send_message(&self, out: Outgoing<'_>) -> anyhow::Result<()> {
        let builder = Message::builder()
            .from(self.from.clone())
            .to(out.to.parse()?)
            .subject(out.subject)
            .message_id(Some(format!("<{}>", out.message_id)))
            .header(AutoSubmitted);
        let text = crlf(out.text);
        let message = match out.html {
            None => builder.header(ContentType::TEXT_PLAIN).body(text)?,
            Some(html) => builder.multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(text))
                    .singlepart(SinglePart::html(crlf(html))),
            )?,
        };
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Folder(folder) => {
                folder.send(message).await?;
            }
        }
        Ok(())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): every mail of the desk is sent by a program,
/// so that vacation responders and other desks do not answer it.
#[derive(Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// A message to send.
pub struct Outgoing<'a> {
    /// Recipient address.
    pub to: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Plain text body.
    pub text: &'a str,
    /// HTML alternative.
    pub html: Option<&'a str>,
    /// Message-ID without the angle brackets.
    pub message_id: &'a str,
}

/// Line ends normalised to CRLF, so that no bare CR or LF reaches the SMTP conversation
/// (lettre 0.11.23's RUSTSEC-2026-0561).
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}
