//! A CAS 2.0/3.0 client: the login and logout URLs, and ticket validation by
//! `serviceValidate` (2.0) or `p3/serviceValidate` (3.0, with attributes).
//!
//! Hand-rolled on reqwest and quick-xml: the CAS crates on crates.io are either unmaintained
//! (`cas-rs`, last released years ago, on an old reqwest) or tied to another web framework's
//! middleware; the protocol's client side is two URLs and one XML answer.

use std::collections::BTreeMap;

use quick_xml::{Reader, escape::resolve_xml_entity, events::Event};

use super::{Asserted, refusal::Refusal};

/// The CAS protocol version a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `serviceValidate`; attributes only if the server adds them.
    V2,
    /// `p3/serviceValidate`, with attributes.
    V3,
}

/// `server` with `path` appended, whether or not `server` ends with a slash.
fn endpoint(server: &str, path: &str) -> String {
    format!("{}/{path}", server.trim_end_matches('/'))
}

fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Where to send the browser to sign in, coming back to `service` with a ticket.
pub fn login_url(server: &str, service: &str) -> String {
    format!("{}?service={}", endpoint(server, "login"), encoded(service))
}

/// Where to send the browser to end the CAS session, coming back to `back`.
pub fn logout_url(server: &str, back: &str) -> String {
    format!("{}?service={}", endpoint(server, "logout"), encoded(back))
}

/// The validation URL for `ticket`, issued for `service`.
pub fn validate_url(server: &str, version: Version, service: &str, ticket: &str) -> String {
    let path = match version {
        Version::V2 => "serviceValidate",
        Version::V3 => "p3/serviceValidate",
    };
    format!(
        "{}?service={}&ticket={}",
        endpoint(server, path),
        encoded(service),
        encoded(ticket)
    )
}

/// What a successful validation says: the user and their attributes (first value of each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// `cas:user`.
    pub user: String,
    /// `cas:attributes`, by local name.
    pub attributes: BTreeMap<String, String>,
}

/// Reads a `serviceResponse`: the validated user, [`Refusal::Ticket`] for an
/// `authenticationFailure`, [`Refusal::Unavailable`] for anything else.
pub fn parse_response(xml: &str) -> Result<Validated, Refusal> {
    let mut reader = Reader::from_str(xml);
    // The local names from the root down to the current element.
    let mut path: Vec<String> = Vec::new();
    let mut user: Option<String> = None;
    let mut attributes = BTreeMap::new();
    let mut failure = false;
    let mut text = String::new();
    loop {
        match reader.read_event().map_err(|_| Refusal::Unavailable)? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "authenticationFailure" {
                    failure = true;
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.decode().map_err(|_| Refusal::Unavailable)?);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|_| Refusal::Unavailable)?;
                if let Some(c) = r.resolve_char_ref().map_err(|_| Refusal::Unavailable)? {
                    text.push(c);
                } else if let Some(s) = resolve_xml_entity(&name) {
                    text.push_str(s);
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else {
                    return Err(Refusal::Unavailable);
                };
                let parent = path.last().map(String::as_str);
                let value = std::mem::take(&mut text).trim().to_owned();
                match parent {
                    Some("authenticationSuccess") if name == "user" => user = Some(value),
                    Some("attributes") => {
                        attributes.entry(name).or_insert(value);
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if failure {
        return Err(Refusal::Ticket);
    }
    match user {
        Some(user) if !user.is_empty() => Ok(Validated { user, attributes }),
        _ => Err(Refusal::Unavailable),
    }
}

/// The identity in a validation: the e-mail attribute (required) and the name attribute.
pub fn asserted(
    validated: &Validated,
    email_attribute: &str,
    name_attribute: &str,
) -> Result<Asserted, Refusal> {
    let email = validated
        .attributes
        .get(email_attribute)
        .filter(|e| !e.is_empty())
        .ok_or(Refusal::NoEmail)?;
    Ok(Asserted {
        email: email.clone(),
        name: validated
            .attributes
            .get(name_attribute)
            .filter(|n| !n.is_empty())
            .cloned(),
    })
}

/// Asks the CAS server whether `ticket` is good for `service`; a ticket validates once.
pub async fn validate(
    client: &reqwest::Client,
    server: &str,
    version: Version,
    service: &str,
    ticket: &str,
) -> Result<Validated, Refusal> {
    let response = client
        .get(validate_url(server, version, service, ticket))
        .send()
        .await
        .map_err(|_| Refusal::Unavailable)?;
    if !response.status().is_success() {
        return Err(Refusal::Unavailable);
    }
    let body = response.text().await.map_err(|_| Refusal::Unavailable)?;
    parse_response(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUCCESS: &str = "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>
        <cas:authenticationSuccess>
          <cas:user>alice</cas:user>
          <cas:attributes>
            <cas:cn>Alice &amp; Co &#233;</cas:cn>
            <cas:mail>alice@univ-a.fr</cas:mail>
            <cas:mail>second@univ-a.fr</cas:mail>
          </cas:attributes>
        </cas:authenticationSuccess>
      </cas:serviceResponse>";

    #[test]
    fn a_success_gives_the_user_and_first_attribute_values() -> Result<(), Refusal> {
        let validated = parse_response(SUCCESS)?;
        assert_eq!(validated.user, "alice");
        assert_eq!(validated.attributes["cn"], "Alice & Co é");
        assert_eq!(validated.attributes["mail"], "alice@univ-a.fr");
        let who = asserted(&validated, "mail", "cn")?;
        assert_eq!(who.email, "alice@univ-a.fr");
        assert_eq!(asserted(&validated, "email", "cn"), Err(Refusal::NoEmail));
        Ok(())
    }

    #[test]
    fn a_failure_or_garbage_is_refused() {
        let failure = "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>
            <cas:authenticationFailure code=\"INVALID_TICKET\">Ticket not found</cas:authenticationFailure>
            </cas:serviceResponse>";
        assert_eq!(parse_response(failure), Err(Refusal::Ticket));
        assert_eq!(parse_response("<html>oops"), Err(Refusal::Unavailable));
        assert_eq!(parse_response(""), Err(Refusal::Unavailable));
        // A `user` outside `authenticationSuccess` names nobody.
        let odd =
            "<cas:serviceResponse xmlns:cas='x'><cas:user>mallory</cas:user></cas:serviceResponse>";
        assert_eq!(parse_response(odd), Err(Refusal::Unavailable));
    }

    #[test]
    fn urls_encode_the_service() {
        assert_eq!(
            login_url(
                "https://cas.univ-a.fr/cas/",
                "https://g.fr/login/sso/callback?state=a b"
            ),
            "https://cas.univ-a.fr/cas/login?service=https%3A%2F%2Fg.fr%2Flogin%2Fsso%2Fcallback%3Fstate%3Da+b"
        );
        assert_eq!(
            validate_url("https://cas.univ-a.fr/cas", Version::V3, "s", "ST-1"),
            "https://cas.univ-a.fr/cas/p3/serviceValidate?service=s&ticket=ST-1"
        );
        assert_eq!(
            validate_url("https://cas.univ-a.fr/cas", Version::V2, "s", "ST-1"),
            "https://cas.univ-a.fr/cas/serviceValidate?service=s&ticket=ST-1"
        );
        assert_eq!(
            logout_url("https://cas.univ-a.fr/cas", "https://g.fr/login"),
            "https://cas.univ-a.fr/cas/logout?service=https%3A%2F%2Fg.fr%2Flogin"
        );
    }
}
