//! Which characters no input may carry: the C0 controls (U+0000 to U+001F) other than tab, LF
//! and CR. PostgreSQL refuses U+0000 in text, SQLite and MariaDB store it, and none of them is
//! ever typed by a person: refusing them at the edge makes the three databases agree and keeps
//! them out of pages, mails and exports.

use serde_json::Value;

/// Whether `c` is a control character that no text field may hold.
pub fn is_forbidden(c: char) -> bool {
    c.is_ascii_control() && c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `text` holds a forbidden control character.
pub fn has_forbidden(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

/// Whether decoded bytes hold a forbidden control: a byte below 0x20 is never part of a longer
/// UTF-8 sequence, so the bytes of a path can be checked before they are known to be UTF-8.
pub fn bytes_have_forbidden(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| is_forbidden(char::from(*b)))
}

/// The first field of a JSON document whose name or text holds a forbidden control, named as a
/// client wrote it: `title`, `items[2]`, `details.comment`; the document itself is `body`.
pub fn first_in_json(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &str) -> Option<String> {
        let name = |path: &str| {
            if path.is_empty() {
                "body".to_owned()
            } else {
                path.to_owned()
            }
        };
        match value {
            Value::String(text) if has_forbidden(text) => Some(name(path)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{}[{i}]", name(path)))),
            Value::Object(fields) => fields.iter().find_map(|(key, item)| {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if has_forbidden(key) {
                    // The name itself is the problem: say where it is, not the control.
                    Some(name(path))
                } else {
                    walk(item, &child)
                }
            }),
            _ => None,
        }
    }
    walk(value, "")
}

/// The first pair of a form or query string whose name or value holds a forbidden control,
/// named by its (cleaned) name.
pub fn first_in_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    pairs
        .into_iter()
        .find(|(name, value)| has_forbidden(name) || has_forbidden(value))
        .map(|(name, _)| name.chars().filter(|c| !is_forbidden(*c)).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_c0_controls_but_tab_cr_and_lf_are_refused() {
        let cases = [
            ('\0', true),
            ('\u{1}', true),
            ('\u{8}', true),
            ('\u{b}', true),
            ('\u{1b}', true),
            ('\u{1f}', true),
            ('\t', false),
            ('\n', false),
            ('\r', false),
            (' ', false),
            ('a', false),
            ('é', false),
            ('\u{7f}', false),
            ('\u{85}', false),
        ];
        for (c, refused) in cases {
            assert_eq!(is_forbidden(c), refused, "{c:?}");
        }
        assert!(has_forbidden("a\0b"));
        assert!(!has_forbidden("ligne 1\r\nligne 2\tfin"));
        assert!(bytes_have_forbidden(b"/api/v1/tickets/\0"));
        assert!(!bytes_have_forbidden("/évolutions".as_bytes()));
    }

    #[test]
    fn the_json_field_holding_a_control_is_named() {
        let cases = [
            (
                json!({ "title": "ok", "description": "a\u{0}b" }),
                Some("description"),
            ),
            (json!({ "items": ["E-1", "E-\u{1}2"] }), Some("items[1]")),
            (
                json!({ "a": { "comment": "\u{1b}[31m" } }),
                Some("a.comment"),
            ),
            (json!({ "a": [{ "b": "\u{0}" }] }), Some("a[0].b")),
            (json!({ "a\u{0}": 1 }), Some("body")),
            (json!({ "n": 3, "ok": true, "none": null }), None),
            (json!("\u{0}"), Some("body")),
            (json!({ "text": "tab\there\r\nnew line" }), None),
        ];
        for (value, expected) in cases {
            assert_eq!(first_in_json(&value).as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn the_pair_holding_a_control_is_named() {
        assert_eq!(
            first_in_pairs([("q", "ok"), ("status", "new\0")]).as_deref(),
            Some("status")
        );
        assert_eq!(first_in_pairs([("q\0", "ok")]).as_deref(), Some("q"));
        assert_eq!(first_in_pairs([("q", "deux\tmots")]), None);
    }
}
