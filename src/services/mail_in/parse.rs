//! Reading an RFC 5322 message (MIME, encodings, attachments) with `mail-parser` into what the
//! desk needs of it.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use super::{loops::Signals, text};

/// The longest Message-ID kept as it is; longer ones are kept by their SHA-256.
const MESSAGE_ID_MAX: usize = 190;

/// A file carried by a message.
#[derive(Debug, Clone)]
pub struct Attached {
    /// Its name, as sent (cleaned when stored).
    pub file_name: String,
    /// Its declared type.
    pub content_type: String,
    /// Its bytes, decoded.
    pub bytes: Vec<u8>,
}

/// What the desk takes from a message.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Its Message-ID (or a key derived from its bytes when it has none).
    pub message_id: String,
    /// The sender's address, lower case.
    pub sender: String,
    /// Every recipient address (To, Cc, Delivered-To), lower case.
    pub recipients: Vec<String>,
    /// The Message-IDs it answers (In-Reply-To, then References).
    pub answers: Vec<String>,
    /// Subject.
    pub subject: String,
    /// The text written, quoted reply trimmed; an HTML-only body reduced to text.
    pub body: String,
    /// Files.
    pub attachments: Vec<Attached>,
    /// What its headers say about its origin.
    pub signals: Signals,
}

/// Why a message cannot be read: it is refused for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// Not a message at all.
    #[error("not an RFC 5322 message")]
    Unreadable,
    /// No sender address.
    #[error("no From address")]
    NoSender,
}

/// Reads a message.
pub fn parse(raw: &[u8]) -> Result<Incoming, Malformed> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(Malformed::Unreadable)?;
    // A message with no header at all (mail-parser reads any bytes as a body) is not one.
    if message.headers().is_empty() {
        return Err(Malformed::Unreadable);
    }
    let sender = message
        .from()
        .and_then(Address::first)
        .and_then(|a| a.address())
        .map(str::to_lowercase)
        .filter(|a| a.contains('@'))
        .ok_or(Malformed::NoSender)?;
    let mut recipients: Vec<String> = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_lowercase)
        .collect();
    for name in ["Delivered-To", "X-Original-To"] {
        if let Some(value) = message.header_raw(name) {
            recipients.push(value.trim().trim_matches(['<', '>']).to_lowercase());
        }
    }
    let answers = [message.in_reply_to(), message.references()]
        .into_iter()
        .flat_map(ids_of)
        .collect();
    let message_id = match message.message_id() {
        Some(id) if id.len() <= MESSAGE_ID_MAX => id.to_owned(),
        Some(id) => format!("sha256:{}", hex::encode(Sha256::digest(id.as_bytes()))),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    };
    // `body_text` reduces an HTML-only body to text; the log renders Markdown through the
    // sanitiser, so nothing of the HTML reaches a page as markup.
    let written = message
        .body_text(0)
        .map(|b| b.into_owned())
        .unwrap_or_default();
    let attachments = message
        .attachments()
        .filter(|part| !part.is_message())
        .map(|part| Attached {
            file_name: part
                .attachment_name()
                .unwrap_or("piece-jointe.bin")
                .to_owned(),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            bytes: part.contents().to_vec(),
        })
        .collect();
    let lower = |name: &str| message.header_raw(name).map(|v| v.trim().to_lowercase());
    let content_type = message.content_type();
    let signals = Signals {
        auto_submitted: lower("Auto-Submitted"),
        precedence: lower("Precedence"),
        autoreply_header: message.header_raw("X-Autoreply").is_some()
            || message.header_raw("X-Autorespond").is_some()
            || lower("X-Auto-Response-Suppress")
                .is_some_and(|v| v.contains("all") || v.contains("oof") || v.contains("autoreply")),
        list: message.header_raw("List-Id").is_some()
            || message.header_raw("List-Unsubscribe").is_some(),
        return_path: message
            .header_raw("Return-Path")
            .map(|v| v.trim().trim_matches(['<', '>']).trim().to_owned()),
        content_type: content_type.map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
            None => ct.ctype().to_lowercase(),
        }),
        report_type: content_type
            .and_then(|ct| ct.attribute("report-type"))
            .map(str::to_lowercase),
        sender_local: sender.split('@').next().map(str::to_owned),
    };
    Ok(Incoming {
        message_id,
        sender,
        recipients,
        answers,
        subject: message.subject().unwrap_or_default().to_owned(),
        body: text::trim_reply(&written),
        attachments,
        signals,
    })
}

/// The Message-IDs a threading header holds.
fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    #[test]
    fn a_reply_with_an_attachment_is_read() {
        let raw = concat!(
            "From: Marie <Marie@Univ-Tln.fr>\r\n",
            "To: support@guichet.test\r\n",
            "Subject: Re: [I-000001] Nouveau message\r\n",
            "Message-ID: <abc@univ-tln.fr>\r\n",
            "In-Reply-To: <i-000001.x@guichet>\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n",
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici.\r\n",
            "--b\r\nContent-Type: text/csv; name=\"l.csv\"\r\n",
            "Content-Disposition: attachment; filename=\"liste.csv\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\nYSxiCg==\r\n--b--\r\n"
        );
        let incoming = parse(raw.as_bytes()).unwrap();
        assert_eq!(incoming.sender, "marie@univ-tln.fr");
        assert_eq!(incoming.message_id, "abc@univ-tln.fr");
        assert_eq!(incoming.answers, vec!["i-000001.x@guichet".to_owned()]);
        assert_eq!(incoming.body, "Voici.");
        assert_eq!(incoming.attachments.len(), 1);
        assert_eq!(incoming.attachments[0].file_name, "liste.csv");
        assert_eq!(incoming.attachments[0].bytes, b"a,b\n");
        assert_eq!(super::super::loops::automatic(&incoming.signals), None);
    }

    #[test]
    fn an_html_only_body_becomes_text() {
        let raw = concat!(
            "From: a@b.fr\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n",
            "<p>Bonjour <b>vous</b></p><script>alert(1)</script>"
        );
        let incoming = parse(raw.as_bytes()).unwrap();
        assert!(incoming.body.contains("Bonjour"));
        assert!(!incoming.body.contains('<'));
    }

    #[test]
    fn garbage_and_sender_less_mail_are_malformed() {
        assert_eq!(parse(b"").err(), Some(Malformed::Unreadable));
        assert!(parse(b"Subject: x\r\n\r\nno sender").is_err());
    }
}
