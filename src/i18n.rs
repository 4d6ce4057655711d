//! Languages: French by default, English on request. Messages live in Fluent files under
//! `templates/locales/<lang>/`, compiled into the binary.

use axum_extra::extract::CookieJar;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./templates/locales",
        fallback_language: "fr",
        // Bidi isolation marks around arguments would end up inside HTML attributes and mails.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Name of the cookie that remembers the language chosen with the switcher.
pub const LANG_COOKIE: &str = "lang";

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the switcher's order.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a language code or tag (`en`, `en-GB`, `FR`), if it is one of ours.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header, by its q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    fn identifier(self) -> LanguageIdentifier {
        match self {
            Lang::Fr => langid!("fr"),
            Lang::En => langid!("en"),
        }
    }

    /// The message `key` in this language; the key itself when it is missing, so a gap shows.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.identifier(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let args = args
            .iter()
            .map(|(k, v)| ((*k).to_owned().into(), v.clone().into()))
            .collect();
        LOCALES
            .try_lookup_with_args(&self.identifier(), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }
}

impl Lang {
    /// The language of a request: the switcher's cookie wins, then the signed-in account's
    /// preference, then `Accept-Language`, then French.
    pub fn choose(headers: &axum::http::HeaderMap, account: Option<Lang>) -> Lang {
        let jar = CookieJar::from_headers(headers);
        if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        account
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn accept_language_picks_the_preferred_known_language() {
        let cases = [
            ("en-GB,en;q=0.9,fr;q=0.8", Some(Lang::En)),
            ("de-DE,fr;q=0.5,en;q=0.4", Some(Lang::Fr)),
            ("fr-FR", Some(Lang::Fr)),
            ("de, es", None),
            ("en;q=0, fr;q=0.1", Some(Lang::Fr)),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(Lang::from_accept_language(header), expected, "{header}");
        }
    }

    #[test]
    fn every_language_has_the_layout_messages() {
        for lang in Lang::ALL {
            for key in [
                "app-name",
                "nav-skip",
                "login-title",
                "error-not_found-title",
            ] {
                assert_ne!(lang.t(key), key, "{key} missing in {}", lang.code());
            }
        }
    }
}
