//! What a test asks of its cluster.

pub struct Options {
    pub nodes: usize,
    pub redis: bool,
    /// Each instance publishes and listens on a Redis channel of its own, so that no
    /// revocation reaches another instance but through the catch-up poll.
    pub isolated_feeds: bool,
    pub login_per_minute: u32,
    /// `TESSERA_REVOCATION_POLL_MS`, when not the default.
    pub poll_ms: Option<u64>,
    /// More settings, for every instance and for `Cluster::cli`.
    pub env: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            nodes: 3,
            redis: false,
            isolated_feeds: false,
            login_per_minute: 0,
            poll_ms: None,
            env: Vec::new(),
        }
    }
}
