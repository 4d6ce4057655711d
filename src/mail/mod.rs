//! Sending mail: through SMTP when `smtp_url` is set, else as one `.eml` file per message under
//! `<data_dir>/mail`. The notifications issue puts an outbox in front of this; until then
//! [`Mailer::send`] is the one function that sends.

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
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

    /// Sends a plain-text message. Line ends are normalised to CRLF so that no bare CR or LF
    /// reaches the SMTP conversation (lettre 0.11.23's RUSTSEC-2026-0561).
    pub async fn send(&self, to: &str, subject: &str, text: &str) -> anyhow::Result<()> {
        let body = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\r\n");
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
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
