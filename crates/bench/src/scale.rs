//! Filling a tessera store with users and live sessions, through the store crate's public API,
//! while tessera is stopped (or, for the raw rotation ceilings, in this process).

use std::path::Path;
use std::time::{Duration, Instant};

use tessera_core::password::{hash_blocking, HashParams};
use tessera_core::secret::{new_secret, random_b64, REFRESH_PREFIX};
use tessera_core::store::{NewSession, NewUser, UserStore};
use tessera_core::{Clock, Role, SystemClock, Timestamp, Username};
use tessera_store::{PostgresStore, SqliteStore};

const CHUNK: usize = 50_000;

/// A store sessions can be added to in bulk (no per-user limit).
pub trait Bulk: UserStore {
    fn bulk(
        &self,
        sessions: &[NewSession],
    ) -> impl std::future::Future<Output = tessera_core::Result<()>> + Send;
}

impl Bulk for SqliteStore {
    fn bulk(
        &self,
        sessions: &[NewSession],
    ) -> impl std::future::Future<Output = tessera_core::Result<()>> + Send {
        self.bulk_create_sessions(sessions)
    }
}

impl Bulk for PostgresStore {
    fn bulk(
        &self,
        sessions: &[NewSession],
    ) -> impl std::future::Future<Output = tessera_core::Result<()>> + Send {
        self.bulk_create_sessions(sessions)
    }
}

/// `n` new sessions, session `i` of `users[i % users.len()]`, each with a new refresh token
/// (only its hash is kept: `refresh_hash`).
pub fn new_sessions(users: &[Username], n: usize, now: Timestamp) -> Vec<NewSession> {
    (0..n)
        .map(|i| NewSession {
            id: random_b64(16),
            username: users[i % users.len()].clone(),
            created_at: now,
            refresh_hash: new_secret(REFRESH_PREFIX).hash,
            refresh_expires_at: now + 30 * 86_400,
            requires: None,
            client: Default::default(),
        })
        .collect()
}

/// Adds `sessions` to `store`, `CHUNK` at a time.
pub async fn add<S: Bulk>(store: &S, sessions: &[NewSession]) -> Result<(), String> {
    for chunk in sessions.chunks(CHUNK) {
        store
            .bulk(chunk)
            .await
            .map_err(|e| format!("cannot add sessions: {e}"))?;
    }
    Ok(())
}

/// Adds `n` readers named `<prefix>000000`, `<prefix>000001`, …, all with one password.
pub async fn add_users<S: UserStore>(
    store: &S,
    prefix: &str,
    n: usize,
) -> Result<Vec<Username>, String> {
    let now = SystemClock.now();
    let hash = tokio::task::spawn_blocking(|| hash_blocking("bench-password", HashParams::OWASP))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let names: Vec<Username> = (0..n)
        .map(|i| Username::parse(&format!("{prefix}{i:06}")).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    for chunk in names.chunks(CHUNK / 10) {
        let batch: Vec<(NewUser, bool)> = chunk
            .iter()
            .map(|username| {
                let user = NewUser {
                    username: username.clone(),
                    fullname: format!("Bench {}", username.as_str()),
                    password_hash: hash.clone(),
                    role: Role::Reader,
                    created_at: now,
                    must_change_password: false,
                };
                (user, false)
            })
            .collect();
        store
            .create_users_audited(&batch, &[])
            .await
            .map_err(|e| format!("cannot add users: {e}"))?;
    }
    Ok(names)
}

/// Adds `n` live sessions of `admin` (each with one refresh token) to `<data_dir>/tessera.db`;
/// returns how long it took.
pub async fn add_sessions(data_dir: &Path, n: usize) -> Result<Duration, String> {
    let started = Instant::now();
    let store = SqliteStore::open(&data_dir.join("tessera.db"))
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let admin = [Username::parse("admin").map_err(|e| e.to_string())?];
    let now = SystemClock.now();
    let mut left = n;
    while left > 0 {
        let size = left.min(CHUNK);
        add(&store, &new_sessions(&admin, size, now)).await?;
        left -= size;
    }
    Ok(started.elapsed())
}
