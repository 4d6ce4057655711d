//! The client's network address, for the lock-out and the rate limits: the socket's peer, or,
//! behind a reverse proxy named in `trusted_proxies`, the address that proxy saw.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::{error::AppError, state::AppState};

/// The address a request came from, as far as it can be believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client's address: `peer` itself unless it is a trusted proxy; then the right-most address
/// of `X-Forwarded-For` that is not a trusted proxy (every proxy appends the address it saw, so
/// what stands left of the last trusted one may have been written by the client itself).
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut nearest = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return ip,
            // A hop that is not an address cannot be followed further.
            Err(_) => return nearest,
        }
    }
    nearest
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .copied()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("served without ConnectInfo")))?;
        // Several headers are joined in order, as one list.
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
        Ok(Self(client_ip(
            peer.ip(),
            forwarded.as_deref(),
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy, ip("10.0.0.2")];
        let cases = [
            // No proxy configured: the header is the client's to write, so it is ignored.
            (
                ip("203.0.113.9"),
                Some("198.51.100.1"),
                &[][..],
                "203.0.113.9",
            ),
            // An untrusted peer cannot speak for anyone else.
            (
                ip("203.0.113.9"),
                Some("198.51.100.1"),
                &trusted[..],
                "203.0.113.9",
            ),
            (proxy, None, &trusted[..], "10.0.0.1"),
            (proxy, Some("198.51.100.1"), &trusted[..], "198.51.100.1"),
            // What the client wrote on the left is passed over.
            (
                proxy,
                Some("1.2.3.4, 198.51.100.1"),
                &trusted[..],
                "198.51.100.1",
            ),
            // Chained trusted proxies are walked through.
            (
                proxy,
                Some("198.51.100.1, 10.0.0.2"),
                &trusted[..],
                "198.51.100.1",
            ),
            (proxy, Some("garbage, 10.0.0.2"), &trusted[..], "10.0.0.2"),
            (proxy, Some("2001:db8::1"), &trusted[..], "2001:db8::1"),
        ];
        for (peer, header, trusted, expected) in cases {
            assert_eq!(client_ip(peer, header, trusted), ip(expected), "{header:?}");
        }
    }
}
