//! Mail that no person wrote: auto-replies, bounces, list mail. It is never answered and never
//! added to a ticket (RFC 3834, RFC 3464), so that two automatic systems cannot talk forever.

/// What the headers of a message say about its origin, read by [`super::parse`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Signals {
    /// `Auto-Submitted`, lower case.
    pub auto_submitted: Option<String>,
    /// `Precedence`, lower case.
    pub precedence: Option<String>,
    /// Any of `X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress: All|OOF|AutoReply`.
    pub autoreply_header: bool,
    /// `List-Id` or `List-Unsubscribe` present.
    pub list: bool,
    /// `Return-Path`, without its angle brackets; `Some("")` for the null path `<>`.
    pub return_path: Option<String>,
    /// The top-level content type, lower case (`multipart/report`).
    pub content_type: Option<String>,
    /// The `report-type` of a `multipart/report` (`delivery-status`, `disposition-notification`).
    pub report_type: Option<String>,
    /// The sender's local part, lower case (`mailer-daemon`, `postmaster`).
    pub sender_local: Option<String>,
}

/// Why a message is taken for automatic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no`.
    AutoSubmitted,
    /// `Precedence: bulk | list | junk`.
    Precedence,
    /// A vendor's auto-reply header.
    AutoReplyHeader,
    /// Mailing-list headers.
    List,
    /// The null return path: a bounce or another notification that must not be answered.
    NullReturnPath,
    /// A delivery or disposition report (`multipart/report`).
    Report,
    /// From a mail system's own address.
    MailerDaemon,
}

/// Whether a message is automatic, and why; `None` for what a person wrote.
pub fn automatic(signals: &Signals) -> Option<Automatic> {
    if signals
        .auto_submitted
        .as_deref()
        .is_some_and(|v| v.trim() != "no" && !v.trim().is_empty())
    {
        return Some(Automatic::AutoSubmitted);
    }
    if signals
        .precedence
        .as_deref()
        .is_some_and(|v| matches!(v.trim(), "bulk" | "list" | "junk"))
    {
        return Some(Automatic::Precedence);
    }
    if signals.autoreply_header {
        return Some(Automatic::AutoReplyHeader);
    }
    if signals.list {
        return Some(Automatic::List);
    }
    if signals.return_path.as_deref().is_some_and(str::is_empty) {
        return Some(Automatic::NullReturnPath);
    }
    if signals.content_type.as_deref() == Some("multipart/report") || signals.report_type.is_some()
    {
        return Some(Automatic::Report);
    }
    if signals
        .sender_local
        .as_deref()
        .is_some_and(|l| matches!(l, "mailer-daemon" | "postmaster"))
    {
        return Some(Automatic::MailerDaemon);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(change: impl FnOnce(&mut Signals)) -> Option<Automatic> {
        let mut signals = Signals::default();
        change(&mut signals);
        automatic(&signals)
    }

    #[test]
    fn a_person_s_mail_is_not_automatic() {
        assert_eq!(with(|_| {}), None);
        assert_eq!(with(|s| s.auto_submitted = Some("no".into())), None);
        assert_eq!(with(|s| s.precedence = Some("first-class".into())), None);
        assert_eq!(with(|s| s.return_path = Some("a@b.fr".into())), None);
        assert_eq!(
            with(|s| s.content_type = Some("multipart/mixed".into())),
            None
        );
        assert_eq!(with(|s| s.sender_local = Some("marie".into())), None);
    }

    #[test]
    fn rfc_3834_auto_submitted_is_automatic() {
        for value in ["auto-replied", "auto-generated", "auto-notified"] {
            assert_eq!(
                with(|s| s.auto_submitted = Some(value.into())),
                Some(Automatic::AutoSubmitted)
            );
        }
    }

    #[test]
    fn bulk_list_and_junk_precedence_are_automatic() {
        for value in ["bulk", "list", "junk"] {
            assert_eq!(
                with(|s| s.precedence = Some(value.into())),
                Some(Automatic::Precedence)
            );
        }
    }

    #[test]
    fn vendor_headers_lists_null_path_reports_and_daemons_are_automatic() {
        assert_eq!(
            with(|s| s.autoreply_header = true),
            Some(Automatic::AutoReplyHeader)
        );
        assert_eq!(with(|s| s.list = true), Some(Automatic::List));
        assert_eq!(
            with(|s| s.return_path = Some(String::new())),
            Some(Automatic::NullReturnPath)
        );
        assert_eq!(
            with(|s| s.content_type = Some("multipart/report".into())),
            Some(Automatic::Report)
        );
        assert_eq!(
            with(|s| s.sender_local = Some("mailer-daemon".into())),
            Some(Automatic::MailerDaemon)
        );
    }
}
