//! What full-text search indexes and looks for: words folded to lower-case ASCII, stripped of
//! stop words and reduced to their French stem, so that "Connexions", "connexion" and
//! "connectés" meet, and "élève" finds "eleve". Guichet does this itself, before any database
//! sees the text, because SQLite FTS5 and MariaDB have no French stemmer: each database then only
//! matches whole tokens, and the three find the same rows for the same corpus.
//!
//! Stemming is Snowball's (rust-stemmers) and folding deunicode's; the rules here are only which
//! words are kept.

use rust_stemmers::{Algorithm, Stemmer};

/// Shortest token kept: MariaDB's InnoDB FULLTEXT ignores shorter ones (`innodb_ft_min_token_size`
/// is 3 by default and cannot be changed without restarting the server), so the others must too.
pub const MIN_TOKEN: usize = 3;
/// Longest token kept (InnoDB's limit is 84 bytes; no real word is longer than this).
pub const MAX_TOKEN: usize = 40;
/// Most terms a query keeps: a pasted paragraph should not become a 200-term query.
pub const MAX_QUERY_TERMS: usize = 12;

/// French function words, and InnoDB's default stop words (which MariaDB silently drops from its
/// index: keeping them here would make it disagree with the other databases).
const STOP_WORDS: &[&str] = &[
    // French
    "alors", "aux", "avec", "ceci", "cela", "ces", "cet", "cette", "comme", "comment", "dans",
    "des", "donc", "elle", "elles", "est", "etait", "etre", "eux", "ici", "ils", "leur", "leurs",
    "les", "lui", "mais", "ont", "car", "dont", "plus", "tres", "aussi", "avez", "etes", "mes",
    "meme", "moi", "mon", "nos", "notre", "nous", "par", "pas", "peut", "pour", "pourquoi",
    "quand", "que", "quel", "quelle", "quels", "qui", "quoi", "sans", "ses", "son", "sont", "sur",
    "tes", "toi", "ton", "tous", "tout", "une", "vos", "votre", "vous",
    // InnoDB's default list
    "about", "are", "com", "for", "from", "how", "that", "the", "this", "was", "what", "when",
    "where", "who", "will", "with", "und", "www",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// A word folded to lower-case ASCII letters and digits ("Élèves" → "eleves", "œuvre" → "oeuvre").
pub fn fold(word: &str) -> String {
    deunicode::deunicode(word)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The words of a text with their byte ranges: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// The token a word is indexed under, if it is one: stemmed while it still has its accents
/// (the French stemmer reads them), then folded.
pub fn term(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    if is_stop_word(&fold(&lower)) {
        return None;
    }
    // Snowball reads a plural in -ions as the verb ending ("nous connexions"), so "connexions"
    // and "connexion" would part ways: the plural s goes first.
    let singular = match lower.strip_suffix('s') {
        Some(stripped) if stripped.chars().count() >= 4 && !stripped.ends_with('s') => stripped,
        _ => &lower,
    };
    let mut stemmed = fold(&Stemmer::create(Algorithm::French).stem(singular));
    if stemmed.len() < MIN_TOKEN {
        // A short word ("SMS") is kept whole rather than stemmed out of the index.
        stemmed = fold(&lower);
    }
    let length = stemmed.len();
    ((MIN_TOKEN..=MAX_TOKEN).contains(&length) && !is_stop_word(&stemmed)).then_some(stemmed)
}

/// The indexed form of a text: its terms, separated by spaces.
pub fn document(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for term in words(text).filter_map(|(_, w)| term(w)) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&term);
    }
    out
}

/// A parsed query: every term must be found; with `prefix`, the last one may be the start of a
/// word (the person is still typing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Distinct terms, in the order typed.
    pub terms: Vec<String>,
    /// Whether the last term matches as a prefix.
    pub prefix: bool,
}

impl Query {
    /// Parses what someone typed; `prefix` for search-as-you-type.
    pub fn parse(text: &str, prefix: bool) -> Query {
        let mut terms: Vec<String> = Vec::new();
        for term in words(text).filter_map(|(_, w)| term(w)) {
            if !terms.contains(&term) && terms.len() < MAX_QUERY_TERMS {
                terms.push(term);
            }
        }
        // A word still being typed is matched as typed (folded), not stemmed: "connex" is the
        // start of "connexion", its stem would not be.
        if prefix
            && !text.ends_with(|c: char| !c.is_alphanumeric())
            && let Some((_, last)) = words(text).last()
        {
            let folded = fold(last);
            if folded.len() >= MIN_TOKEN && !is_stop_word(&folded) {
                terms.retain(|t| Some(t) != term(last).as_ref());
                terms.truncate(MAX_QUERY_TERMS - 1);
                terms.push(folded);
                return Query {
                    terms,
                    prefix: true,
                };
            }
        }
        Query {
            terms,
            prefix: false,
        }
    }

    /// Whether nothing searchable was typed.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a word of a text is one the query looks for (for highlighting).
    pub fn hits(&self, word: &str) -> bool {
        let Some(found) = term(word) else {
            return false;
        };
        self.terms.iter().enumerate().any(|(i, t)| {
            *t == found
                || (self.prefix && i + 1 == self.terms.len() && fold(word).starts_with(t.as_str()))
        })
    }
}

fn html(text: &str) -> String {
    minijinja::HtmlEscape(text).to_string()
}

/// About `width` characters of `text` around the first word the query hits, HTML-escaped, hits
/// wrapped in `<mark>`. Without a hit, the start of the text.
pub fn snippet(text: &str, query: &Query, width: usize) -> String {
    let first_hit = words(text).find(|(_, w)| query.hits(w)).map(|(at, _)| at);
    let start = first_hit.map_or(0, |at| {
        // Start a few words before the hit, on a character boundary.
        match text[..at].char_indices().rev().nth(width / 4) {
            None => 0,
            Some((back, _)) => text[back..at]
                .find(char::is_whitespace)
                .map_or(back, |space| back + space + 1)
                .min(at),
        }
    });
    let end = text[start..]
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(i, _)| start + i);
    let window = &text[start..end];
    let mut out = String::with_capacity(window.len() + 32);
    if start > 0 {
        out.push('…');
    }
    let mut written = 0;
    for (at, word) in words(window) {
        if query.hits(word) {
            out.push_str(&html(&window[written..at]));
            out.push_str("<mark>");
            out.push_str(&html(word));
            out.push_str("</mark>");
            written = at + word.len();
        }
    }
    out.push_str(&html(&window[written..]));
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_meet_on_one_term() {
        let groups: &[&[&str]] = &[
            &["connexion", "connexions", "Connexion", "CONNEXIONS"],
            &["élève", "eleve", "élèves", "ELEVES", "Élève"],
            &["inscription", "inscriptions"],
            &["envoyer", "envoyé", "envoyés", "envoie"],
            &["connecter", "connecté", "connectez"],
            &["navigateur", "navigateurs"],
            &["œuvre", "oeuvre"],
        ];
        for group in groups {
            let terms: Vec<Option<String>> = group.iter().map(|w| term(w)).collect();
            assert!(terms[0].is_some(), "{group:?}");
            assert!(terms.iter().all(|t| *t == terms[0]), "{group:?}: {terms:?}");
        }
    }

    #[test]
    fn short_and_stop_words_are_not_indexed() {
        for word in [
            "le", "de", "la", "et", "id", "42", "pour", "the", "avec", "Comment",
        ] {
            assert_eq!(term(word), None, "{word}");
        }
        assert_eq!(term("SMS").as_deref(), Some("sms"));
        assert_eq!(term("429").as_deref(), Some("429"));
    }

    #[test]
    fn a_document_is_its_terms() {
        assert_eq!(
            document("Les élèves ne peuvent pas se connecter à GEFORP !"),
            "elev peuvent connect geforp"
        );
        assert_eq!(document(""), "");
    }

    #[test]
    fn queries_keep_distinct_terms_and_the_word_being_typed() {
        let q = Query::parse("Connexions connexion impossible", false);
        assert_eq!(q.terms, ["connexion", "impossibl"]);
        assert!(!q.prefix);
        let typing = Query::parse("envoi de SMS bloq", true);
        assert_eq!(typing.terms, ["envoi", "sms", "bloq"]);
        assert!(typing.prefix);
        // A finished word (followed by a space) is stemmed like any other.
        let finished = Query::parse("connexions ", true);
        assert_eq!(finished.terms, ["connexion"]);
        assert!(!finished.prefix);
        assert!(Query::parse("le de la", false).is_empty());
        let long = "mot ".repeat(5) + &(0..30).map(|i| format!("terme{i} ")).collect::<String>();
        assert_eq!(Query::parse(&long, false).terms.len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn snippets_mark_the_hits_and_escape_the_rest() {
        let q = Query::parse("connexions", false);
        assert_eq!(
            snippet("Échec de <b>connexion</b> au portail", &q, 80),
            "Échec de &lt;b&gt;<mark>connexion</mark>&lt;&#x2f;b&gt; au portail"
        );
        let long = format!("{} la connexion échoue ensuite", "mot ".repeat(100));
        let cut = snippet(&long, &q, 40);
        assert!(
            cut.starts_with('…') && cut.contains("<mark>connexion</mark>"),
            "{cut}"
        );
        assert_eq!(snippet("rien à voir", &q, 5), "rien …");
        let typing = Query::parse("navig", true);
        assert_eq!(
            snippet("Navigateurs pris en charge", &typing, 80),
            "<mark>Navigateurs</mark> pris en charge"
        );
    }
}
