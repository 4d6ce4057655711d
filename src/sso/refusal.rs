//! Why a single sign-on is refused, and the rules that decide it, as pure functions.

/// A refused sign-in; the sign-in page says why with [`Refusal::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The callback's `state` is unknown, expired, already used, or not this browser's.
    State,
    /// The CAS server did not validate the ticket (already used, expired, for another service).
    Ticket,
    /// The ID token or the code exchange failed a check (signature, issuer, audience, nonce,
    /// expiry), or the provider answered an error.
    Token,
    /// The assertion carries no e-mail address, or one the provider says is not verified.
    NoEmail,
    /// The e-mail's domain is not one allowed for this provider.
    Domain,
    /// No active account has this e-mail in the provider's establishment.
    NoAccount,
    /// Creating the contact would exceed the establishment's contact cap.
    ContactCap,
    /// The provider could not be reached or answered nonsense.
    Unavailable,
    /// An administrator turned the provider off.
    Disabled,
    /// The provider's stored client secret does not open (another key): an administrator must
    /// enter it again.
    Secret,
}

impl Refusal {
    /// The Fluent key of the explanation.
    pub fn key(self) -> &'static str {
        match self {
            Self::State => "sso-refused-state",
            Self::Ticket => "sso-refused-ticket",
            Self::Token => "sso-refused-token",
            Self::NoEmail => "sso-refused-no-email",
            Self::Domain => "sso-refused-domain",
            Self::NoAccount => "sso-refused-no-account",
            Self::ContactCap => "sso-refused-contact-cap",
            Self::Unavailable => "sso-refused-unavailable",
            Self::Disabled => "sso-refused-disabled",
            Self::Secret => "sso-refused-secret",
        }
    }
}

/// The domains of a space- or comma-separated list, lower-cased, without a leading `@`.
pub fn domains(list: &str) -> Vec<String> {
    list.split([' ', ',', '\n', '\t'])
        .map(|d| d.trim().trim_start_matches('@').to_lowercase())
        .filter(|d| !d.is_empty())
        .collect()
}

/// Whether `domain` (as [`domains`] gives it) looks like a DNS name: labels of letters, digits
/// and hyphens, at least two of them.
pub fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The asserted e-mail, lower-cased, if its domain is exactly one of `allowed` (a sub-domain is
/// not its parent: `etu.univ-a.fr` must be listed to be allowed).
pub fn allowed_email(allowed: &[String], email: &str) -> Result<String, Refusal> {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(Refusal::NoEmail);
    };
    if local.is_empty() || domain.is_empty() {
        return Err(Refusal::NoEmail);
    }
    if allowed.iter().any(|d| d == domain) {
        Ok(email)
    } else {
        Err(Refusal::Domain)
    }
}

/// The account an asserted e-mail finds, as the sign-in sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// An account in the provider's establishment (its organisation or below).
    Inside {
        /// Its id.
        id: i64,
        /// Whether it may sign in.
        active: bool,
    },
    /// An account with this address, in another establishment.
    Elsewhere,
    /// No account has this address.
    Nowhere,
}

/// What to do with an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// Sign this account in.
    Account(i64),
    /// Create a contact of the establishment, then sign it in.
    CreateContact,
}

/// Maps an identity to an account: only inside the provider's establishment, never across
/// establishments; a new contact only where the provider allows it and the address is free.
pub fn map_account(found: Found, create_contacts: bool) -> Result<Mapping, Refusal> {
    match found {
        Found::Inside { id, active: true } => Ok(Mapping::Account(id)),
        Found::Inside { active: false, .. } | Found::Elsewhere => Err(Refusal::NoAccount),
        Found::Nowhere if create_contacts => Ok(Mapping::CreateContact),
        Found::Nowhere => Err(Refusal::NoAccount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn univ_a() -> Vec<String> {
        domains("univ-a.fr, @Lab.Univ-A.fr")
    }

    #[test]
    fn domains_are_read_from_a_loose_list() {
        assert_eq!(univ_a(), vec!["univ-a.fr", "lab.univ-a.fr"]);
        assert!(domains("  ").is_empty());
    }

    #[test]
    fn only_dns_names_are_domains() {
        for good in ["univ-a.fr", "lab.univ-a.fr", "demo.guichet"] {
            assert!(is_domain(good), "{good}");
        }
        for bad in [
            "fr",
            "univ a.fr",
            "univ-a..fr",
            "-x.fr",
            "x-.fr",
            "a@b.fr",
            "*.fr",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
    }

    #[test]
    fn an_email_of_an_allowed_domain_passes_lower_cased() {
        assert_eq!(
            allowed_email(&univ_a(), " Alice@Univ-A.fr "),
            Ok("alice@univ-a.fr".to_owned())
        );
        assert_eq!(
            allowed_email(&univ_a(), "bob@lab.univ-a.fr"),
            Ok("bob@lab.univ-a.fr".to_owned())
        );
    }

    #[test]
    fn an_email_of_another_establishments_domain_is_refused() {
        assert_eq!(
            allowed_email(&univ_a(), "bob@univ-b.fr"),
            Err(Refusal::Domain)
        );
        // Neither a sub-domain nor a look-alike suffix is its parent.
        assert_eq!(
            allowed_email(&univ_a(), "x@etu.univ-a.fr"),
            Err(Refusal::Domain)
        );
        assert_eq!(
            allowed_email(&univ_a(), "x@evil-univ-a.fr"),
            Err(Refusal::Domain)
        );
        assert_eq!(
            allowed_email(&univ_a(), "x@univ-a.fr@univ-b.fr"),
            Err(Refusal::Domain)
        );
    }

    #[test]
    fn no_list_allows_nothing_and_no_address_is_no_email() {
        assert_eq!(allowed_email(&[], "a@univ-a.fr"), Err(Refusal::Domain));
        assert_eq!(allowed_email(&univ_a(), "alice"), Err(Refusal::NoEmail));
        assert_eq!(
            allowed_email(&univ_a(), "@univ-a.fr"),
            Err(Refusal::NoEmail)
        );
    }

    #[test]
    fn accounts_are_found_only_inside_the_establishment() {
        let active = Found::Inside {
            id: 7,
            active: true,
        };
        assert_eq!(map_account(active, false), Ok(Mapping::Account(7)));
        assert_eq!(map_account(active, true), Ok(Mapping::Account(7)));
        let inactive = Found::Inside {
            id: 7,
            active: false,
        };
        assert_eq!(map_account(inactive, true), Err(Refusal::NoAccount));
        // Another establishment's account is never taken, nor shadowed by a new contact.
        assert_eq!(map_account(Found::Elsewhere, true), Err(Refusal::NoAccount));
        assert_eq!(map_account(Found::Nowhere, false), Err(Refusal::NoAccount));
        assert_eq!(
            map_account(Found::Nowhere, true),
            Ok(Mapping::CreateContact)
        );
    }
}
