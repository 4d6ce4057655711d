//! The text of a message as it goes into a log: the reply written above the marker our mails
//! carry (what follows is the quoted notification), and the ticket reference a subject names.

/// The line every notification's text starts with: a reply is cut at its first occurrence.
/// Both languages stand on one line, since the reader's mail client quotes it as it is.
pub const REPLY_MARKER: &str = "## Répondez au-dessus de cette ligne · Reply above this line ##";

/// The marker's words a mail client keeps even when it rewraps or quotes the line.
const MARKER_CORE: &str = "Reply above this line";

/// The reply without what it quotes: everything from the marker's line down, and the
/// attribution line ("Le … a écrit :", "On … wrote:") and quoted lines just above it.
pub fn trim_reply(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let Some(marker) = lines.iter().position(|l| l.contains(MARKER_CORE)) else {
        return body.trim().to_owned();
    };
    let mut end = marker;
    while end > 0 {
        let line = lines[end - 1].trim();
        let quoted = line.starts_with('>');
        let attribution = line.ends_with("wrote:") || line.ends_with("a écrit :");
        if line.is_empty() || quoted || attribution {
            end -= 1;
        } else {
            break;
        }
    }
    lines[..end].join("\n").trim().to_owned()
}

/// The ticket reference (`I-000123`, `R-…`, `E-…`) a subject names between brackets.
pub fn reference_in_subject(subject: &str) -> Option<String> {
    subject.split('[').skip(1).find_map(|after| {
        let candidate = after.split(']').next().filter(|_| after.contains(']'))?;
        let (kind, digits) = candidate.split_once('-')?;
        let well_formed = matches!(kind, "I" | "R" | "E")
            && digits.len() == 6
            && digits.chars().all(|c| c.is_ascii_digit());
        well_formed.then(|| candidate.to_owned())
    })
}

/// A subject made a ticket title: reply prefixes and the reference dropped, at most 300
/// characters, a placeholder word never (the caller names an empty one).
pub fn title_of(subject: &str) -> String {
    let mut title = subject.trim();
    loop {
        let lower = title.to_lowercase();
        let prefix = ["re:", "tr:", "fw:", "fwd:", "réf:"]
            .into_iter()
            .find(|p| lower.starts_with(p));
        match prefix {
            Some(p) => title = title[p.len()..].trim_start(),
            None => break,
        }
    }
    title.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_cut_at_the_marker_with_its_attribution() {
        let body = format!(
            "Merci, c'est réglé.\n\nLe lun. 7 déc. 2026, Guichet a écrit :\n> {REPLY_MARKER}\n> Bonjour,\n> old text"
        );
        assert_eq!(trim_reply(&body), "Merci, c'est réglé.");
        let english = format!("Fixed.\nOn Mon, Guichet wrote:\n\n{REPLY_MARKER}\nHello");
        assert_eq!(trim_reply(&english), "Fixed.");
    }

    #[test]
    fn a_mail_without_the_marker_is_kept_whole() {
        assert_eq!(
            trim_reply("  Bonjour\n> cité\nfin "),
            "Bonjour\n> cité\nfin"
        );
    }

    #[test]
    fn the_reference_is_read_between_brackets_only() {
        assert_eq!(
            reference_in_subject("Re: [I-000123] Nouveau message : Panne"),
            Some("I-000123".into())
        );
        assert_eq!(reference_in_subject("[R-000001]"), Some("R-000001".into()));
        assert_eq!(reference_in_subject("I-000123 sans crochets"), None);
        assert_eq!(reference_in_subject("[X-000123]"), None);
        assert_eq!(reference_in_subject("[I-00012]"), None);
        assert_eq!(reference_in_subject("[I-0001234]"), None);
        assert_eq!(reference_in_subject("[é"), None);
    }

    #[test]
    fn titles_lose_their_reply_prefixes() {
        assert_eq!(title_of("RE: Tr: Fwd: Panne"), "Panne");
        assert_eq!(title_of("  "), "");
    }
}
