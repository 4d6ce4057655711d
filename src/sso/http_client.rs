//! The HTTP client that speaks to identity providers: no redirects followed (a provider's
//! endpoint answers directly; following one would let a misconfigured or hostile answer point
//! the server at another host), short timeouts, TLS with the process's ring provider.

use std::{future::Future, pin::Pin, time::Duration};

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// A client for the providers' back-channel calls.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    // reqwest is built without a TLS provider of its own: it uses the process's (ring), which
    // the server installs at start; a test binary or a command may not have, so here too.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .build()
}

/// The client as openidconnect calls it (a named type: a closure's borrowed future would make
/// the handlers' futures not `Send`).
pub struct Http<'a>(pub &'a reqwest::Client);

impl<'c> AsyncHttpClient<'c> for Http<'_> {
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(send(self.0, request))
    }
}

/// Runs one of openidconnect's requests through `client`.
pub async fn send(
    client: &reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    let response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let mut built = HttpResponse::new(Vec::new());
    *built.status_mut() = response.status();
    *built.headers_mut() = response.headers().clone();
    *built.body_mut() = response.bytes().await?.to_vec();
    Ok(built)
}
