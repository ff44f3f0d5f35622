//! What every handler shares; no globals.

use std::sync::Arc;

use tessera_core::Auth;

use crate::forwarded::ProxyNet;
use crate::ratelimit::Limits;

#[derive(Clone)]
pub struct AppState {
    pub auth: Arc<Auth>,
    pub limits: Arc<Limits>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<ProxyNet>>,
}
