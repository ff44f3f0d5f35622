//! Whether the page is served over HTTPS: tessera's own TLS, or a trusted proxy that says
//! `X-Forwarded-Proto: https`. Then its cookies are `Secure` and `__Host-` prefixed. Plain HTTP
//! is served to a client on the loopback interface only (development); anyone else is told
//! to use HTTPS, and no cookie is set.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::page;
use crate::state::AppState;

/// How this request reached tessera, as the page needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    /// Over HTTPS (directly or through a trusted proxy).
    pub secure: bool,
    /// The client's address (see [`crate::forwarded`]).
    pub client: IpAddr,
}

impl Transport {
    /// Judges a request from `peer` with `headers`.
    pub fn of(state: &AppState, peer: IpAddr, headers: &HeaderMap) -> Self {
        let peer = peer.to_canonical();
        let proxies = &state.trusted_proxies;
        let client = crate::forwarded::client_ip(peer, headers, proxies);
        let from_proxy = proxies.iter().any(|p| p.contains(peer));
        let secure = if from_proxy && headers.contains_key("x-forwarded-proto") {
            forwarded_proto(headers).is_some_and(|p| p.eq_ignore_ascii_case("https"))
        } else {
            state.web.https
        };
        Self { secure, client }
    }

    /// Plain HTTP is for a browser on this machine only.
    pub fn allowed(&self) -> bool {
        self.secure || self.client.is_loopback()
    }
}

/// The protocol the proxy nearest to tessera received (the last entry of the list).
fn forwarded_proto(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get_all("x-forwarded-proto").iter().next_back()?;
    value.to_str().ok()?.rsplit(',').next().map(str::trim)
}

/// Refuses plain HTTP from afar; otherwise hands the [`Transport`] to the handlers.
pub async fn check(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ci| ci.0.ip());
    let transport = Transport::of(&state, peer, req.headers());
    if !transport.allowed() {
        return page::message(
            StatusCode::FORBIDDEN,
            "HTTPS required",
            "The web page is served over HTTPS only. Open it with https://.",
        )
        .into_response();
    }
    req.extensions_mut().insert(transport);
    next.run(req).await
}
