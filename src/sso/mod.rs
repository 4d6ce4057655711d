//! Single sign-on through an establishment's identity provider: CAS 2.0/3.0 ([`cas`]) or
//! OpenID Connect ([`oidc`]). A sign-in under way is a one-time [`flow`] row bound to the
//! browser's session; what the provider asserts goes through the pure rules of [`refusal`]
//! before it names an account.

pub mod cas;
pub mod flow;
pub mod http_client;
pub mod oidc;
pub mod refusal;

use serde::{Deserialize, Serialize};

/// What a session signed in through a provider remembers of it: shown on the account's page,
/// and used for single logout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedVia {
    /// The provider's id.
    pub provider_id: i64,
    /// Its label ("Université A").
    pub label: String,
    /// Where to send the browser to end the provider's session too, if anywhere.
    pub logout_url: Option<String>,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asserted {
    /// The e-mail address, as asserted.
    pub email: String,
    /// The display name, if the provider gave one.
    pub name: Option<String>,
}
