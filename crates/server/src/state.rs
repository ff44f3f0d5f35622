//! What every handler shares; no globals.

use std::ops::Deref;
use std::sync::Arc;

use tessera_core::Auth;

use crate::forwarded::ProxyNet;
use crate::metrics::Metrics;
use crate::ratelimit::Limits;

/// The shared state behind one `Arc`: the router clones it for every request (and a `State`
/// extractor once more), so a clone is one count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub auth: Arc<Auth>,
    pub limits: Limits,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ProxyNet>,
    pub metrics: Arc<Metrics>,
    /// The web page's own state.
    pub web: crate::web::WebState,
    /// `POST /oauth2/token` takes `grant_type=password`.
    pub oauth_password_grant: bool,
    /// Where the server metadata's endpoints are: `public_url`, or else `issuer` when that is
    /// a URL; `None`: the loopback address a request names.
    pub public_url: Option<String>,
    /// The `issuer` setting, when it is a URL: the metadata's `issuer`.
    pub issuer_url: Option<String>,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
