//! OpenID Connect with the `openidconnect` crate: discovery, the authorisation code flow with
//! PKCE (S256), and the ID token's signature and claims (issuer, audience, expiry, nonce,
//! access-token hash) verified before anything in it is believed.

use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    NonceVerifier, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
    core::{
        CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier,
        CoreProviderMetadata, CoreUserInfoClaims,
    },
};

use super::{Asserted, http_client, refusal::Refusal};

/// A relying party's settings at one provider.
#[derive(Debug, Clone)]
pub struct Relying<'a> {
    /// The issuer, exactly as the provider names itself.
    pub issuer: &'a str,
    /// Our client id there.
    pub client_id: &'a str,
    /// Our client secret there.
    pub client_secret: &'a str,
    /// Our callback URL.
    pub redirect_uri: &'a str,
}

/// The provider's metadata and keys, by discovery (`/.well-known/openid-configuration`).
pub async fn discover(
    http: &reqwest::Client,
    issuer: &str,
) -> Result<CoreProviderMetadata, Refusal> {
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|_| Refusal::Unavailable)?;
    CoreProviderMetadata::discover_async(issuer, &http_client::Http(http))
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "OpenID Connect discovery failed");
            Refusal::Unavailable
        })
}

/// The authorisation URL: code flow, scopes `openid email profile`, our `state` and `nonce`,
/// and the S256 challenge of `pkce_verifier`.
pub fn authorize_url(
    metadata: CoreProviderMetadata,
    rp: &Relying<'_>,
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
) -> Result<String, Refusal> {
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.to_owned()),
        Some(ClientSecret::new(rp.client_secret.to_owned())),
    )
    .set_redirect_uri(
        RedirectUrl::new(rp.redirect_uri.to_owned()).map_err(|_| Refusal::Unavailable)?,
    );
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
        pkce_verifier.to_owned(),
    ));
    let (state, nonce) = (state.to_owned(), nonce.to_owned());
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(url.to_string())
}

/// The verifier of ID tokens meant for `client_id` from the discovered provider.
pub fn verifier(
    metadata: &CoreProviderMetadata,
    client_id: &str,
    client_secret: &str,
) -> CoreIdTokenVerifier<'static> {
    CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(client_id.to_owned()),
        ClientSecret::new(client_secret.to_owned()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
}

/// Verifies an ID token's signature and claims: another client's token, another issuer's, an
/// expired one or one without our nonce is [`Refusal::Token`].
pub fn verified_claims(
    id_token: &CoreIdToken,
    verifier: &CoreIdTokenVerifier<'_>,
    nonce: impl NonceVerifier,
) -> Result<CoreIdTokenClaims, Refusal> {
    id_token.claims(verifier, nonce).cloned().map_err(|err| {
        tracing::warn!(error = %err, "ID token refused");
        Refusal::Token
    })
}

/// The e-mail and name the claims assert; an e-mail the provider says is unverified counts as
/// none.
pub fn asserted_from(
    email: Option<&str>,
    email_verified: Option<bool>,
    name: Option<&str>,
) -> Result<Asserted, Refusal> {
    match (email, email_verified) {
        (Some(email), None | Some(true)) if !email.is_empty() => Ok(Asserted {
            email: email.to_owned(),
            name: name.filter(|n| !n.is_empty()).map(str::to_owned),
        }),
        _ => Err(Refusal::NoEmail),
    }
}

/// Exchanges the code (with the PKCE verifier), verifies the ID token against our client id,
/// issuer and nonce, and reads the e-mail from it or, when the provider keeps it for the
/// userinfo endpoint, from there (for the same subject). Answers who signed in and the raw ID
/// token (the hint for the provider's logout).
pub async fn finish(
    http: &reqwest::Client,
    metadata: CoreProviderMetadata,
    rp: &Relying<'_>,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<(Asserted, String), Refusal> {
    let send = http_client::Http(http);
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(rp.client_id.to_owned()),
        Some(ClientSecret::new(rp.client_secret.to_owned())),
    )
    .set_redirect_uri(
        RedirectUrl::new(rp.redirect_uri.to_owned()).map_err(|_| Refusal::Unavailable)?,
    );
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|_| Refusal::Unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&send)
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "OpenID Connect code exchange failed");
            Refusal::Token
        })?;
    let id_token = token.id_token().ok_or(Refusal::Token)?;
    let verifier = client.id_token_verifier();
    let nonce = Nonce::new(nonce.to_owned());
    let claims = verified_claims(id_token, &verifier, &nonce)?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token.signing_alg().map_err(|_| Refusal::Token)?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|_| Refusal::Token)?;
        let actual = AccessTokenHash::from_token(token.access_token(), alg, key)
            .map_err(|_| Refusal::Token)?;
        if actual != *expected {
            return Err(Refusal::Token);
        }
    }
    let raw = id_token.to_string();
    let name = |n: Option<&openidconnect::LocalizedClaim<openidconnect::EndUserName>>| {
        n.and_then(|n| n.get(None)).map(|n| n.as_str().to_owned())
    };
    if let Some(email) = claims.email() {
        let asserted = asserted_from(
            Some(email.as_str()),
            claims.email_verified(),
            name(claims.name()).as_deref(),
        )?;
        return Ok((asserted, raw));
    }
    let info: CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), Some(claims.subject().clone()))
        .map_err(|_| Refusal::NoEmail)?
        .request_async(&send)
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "OpenID Connect userinfo failed");
            Refusal::Unavailable
        })?;
    let asserted = asserted_from(
        info.email().map(|e| e.as_str()),
        info.email_verified(),
        name(info.name()).as_deref(),
    )?;
    Ok((asserted, raw))
}

/// The provider's RP-initiated logout URL for this session, if it has an
/// `end_session_endpoint` (not in the crate's core metadata: read from the discovery document).
pub async fn logout_url(
    http: &reqwest::Client,
    issuer: &str,
    client_id: &str,
    id_token: &str,
    back: &str,
) -> Option<String> {
    let document = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let json: serde_json::Value = http.get(document).send().await.ok()?.json().await.ok()?;
    let endpoint = json.get("end_session_endpoint")?.as_str()?;
    let mut url = url_with_query(endpoint)?;
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("client_id", client_id)
        .append_pair("post_logout_redirect_uri", back);
    Some(url.to_string())
}

fn url_with_query(endpoint: &str) -> Option<openidconnect::url::Url> {
    openidconnect::url::Url::parse(endpoint).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_present_and_not_unverified_email_is_asserted() -> Result<(), Refusal> {
        let ok = asserted_from(Some("a@univ-a.fr"), None, Some("Alice"))?;
        assert_eq!(ok.email, "a@univ-a.fr");
        assert_eq!(ok.name.as_deref(), Some("Alice"));
        assert!(asserted_from(Some("a@univ-a.fr"), Some(true), None).is_ok());
        assert_eq!(
            asserted_from(Some("a@univ-a.fr"), Some(false), None),
            Err(Refusal::NoEmail)
        );
        assert_eq!(asserted_from(None, Some(true), None), Err(Refusal::NoEmail));
        assert_eq!(asserted_from(Some(""), None, None), Err(Refusal::NoEmail));
        Ok(())
    }
}
