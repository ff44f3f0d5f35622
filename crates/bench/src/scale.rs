//! Filling a tessera store with live sessions, through the store crate's public API, while
//! tessera is stopped.

use std::path::Path;
use std::time::{Duration, Instant};

use tessera_core::secret::{new_secret, random_b64, REFRESH_PREFIX};
use tessera_core::store::NewSession;
use tessera_core::{Clock, SystemClock, Username};
use tessera_store::SqliteStore;

const CHUNK: usize = 50_000;

/// Adds `n` live sessions of `admin` (each with one refresh token) to `<data_dir>/tessera.db`;
/// returns how long it took.
pub async fn add_sessions(data_dir: &Path, n: usize) -> Result<Duration, String> {
    let started = Instant::now();
    let store = SqliteStore::open(&data_dir.join("tessera.db"))
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let username = Username::parse("admin").map_err(|e| e.to_string())?;
    let now = SystemClock.now();
    let mut left = n;
    while left > 0 {
        let size = left.min(CHUNK);
        let chunk: Vec<NewSession> = (0..size)
            .map(|_| NewSession {
                id: random_b64(16),
                username: username.clone(),
                created_at: now,
                refresh_hash: new_secret(REFRESH_PREFIX).hash,
                refresh_expires_at: now + 30 * 86_400,
                requires: None,
                client: Default::default(),
            })
            .collect();
        store
            .bulk_create_sessions(&chunk)
            .await
            .map_err(|e| format!("cannot add sessions: {e}"))?;
        left -= size;
    }
    Ok(started.elapsed())
}
