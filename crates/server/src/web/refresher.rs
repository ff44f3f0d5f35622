//! Refreshing a browser's session, one refresh at a time: two tabs (or two requests of one
//! page) that present the same expired access token and refresh token wait for one rotation
//! and get the same new pair, so they never present a spent refresh token and trip reuse
//! detection. Across instances the domain's reuse grace (`refresh_reuse_grace_seconds`) gives
//! a retry the same pair too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tessera_core::{Auth, Error, Timestamp};
use tokio::sync::OnceCell;

/// How long, seconds, the outcome of a rotation is kept for requests that sent the same
/// refresh token (a page's requests in flight when the rotation happened).
const KEEP_SECS: i64 = 30;

/// A rotated pair, or why there is none.
pub type Outcome = Result<(String, String), Error>;

type Slot = Arc<OnceCell<Arc<Outcome>>>;

#[derive(Default)]
pub struct Refresher {
    /// By the hash of the refresh token presented: the rotation's outcome once known, and
    /// when it was asked for.
    slots: Mutex<HashMap<Vec<u8>, (Slot, Timestamp)>>,
}

impl Refresher {
    /// Rotates `refresh_token` once, however many requests ask at the same time.
    pub async fn refresh(&self, auth: &Auth, refresh_token: &str) -> Arc<Outcome> {
        let now = auth.now();
        let key = tessera_core::secret::hash(refresh_token);
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots.retain(|_, (_, at)| now - *at <= KEEP_SECS);
            slots
                .entry(key)
                .or_insert_with(|| (Arc::default(), now))
                .0
                .clone()
        };
        slot.get_or_init(|| async {
            let pair = auth
                .refresh(refresh_token)
                .await
                .map(|p| (p.access_token.clone(), p.refresh_token.clone()));
            Arc::new(pair)
        })
        .await
        .clone()
    }
}
