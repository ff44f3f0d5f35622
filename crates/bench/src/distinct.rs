//! Validation with each signing algorithm: tessera started with HS512 (`JWT_SECRET_KEY` given)
//! and with EdDSA (a new data directory's default), validating one token again and again, and
//! many distinct live access tokens presented round-robin, so that its cache of verified tokens
//! (10,000 at most) never holds the next one. The users and their sessions are added through
//! the store while tessera is stopped, as the scale figures' sessions are; the tokens are signed
//! with the installation's own keys, read from its data directory and store as tessera reads
//! them at start-up, by tessera's own codec. The HS512 server also rotates refresh tokens, so
//! that each algorithm has a refresh figure (a new data directory, the main run's, signs with
//! EdDSA).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::Request;
use serde_json::json;
use tessera_core::jwt::{JwtCodec, ACCESS_TYP};
use tessera_core::keys::SigningKey;
use tessera_core::password::HashParams;
use tessera_core::signing::{Kek, KeyAlg, KeyPolicy, KeySet};
use tessera_core::store::SigningKeyStore;
use tessera_core::{Clock, SystemClock, Username};
use tessera_store::SqliteStore;

use crate::algorithms::access_claims;
use crate::figures::Figures;
use crate::load::{self, post, Workload};
use crate::scale;
use crate::suite::Plan;
use crate::workloads::{self, Boxed};

/// Validation with one algorithm.
#[derive(Debug, Clone, Copy)]
pub struct AlgValidation {
    pub alg: KeyAlg,
    pub single: Figures,
    pub distinct: Figures,
    /// Refresh rotation on this server, for an algorithm the main refresh run does not sign
    /// with (HS512).
    pub refresh: Option<Figures>,
}

const VALIDATION: &str = "/api/v1/auth/token/validation";

/// `JWT_SECRET_KEY` for the HS512 server: 64 raw bytes.
fn hs512_setting() -> (String, SigningKey) {
    let key = SigningKey::generate();
    (format!("hex:{}", hex::encode(key.expose())), key)
}

fn read_hex(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    hex::decode(text.trim()).map_err(|_| format!("{}: not hex", path.display()))
}

/// Adds `users` users and `tokens` sessions (spread evenly over them) to the stopped server's
/// store, and signs an access token for each session with the installation's keys.
async fn seed(
    data_dir: &Path,
    installation: Option<&SigningKey>,
    users: usize,
    tokens: usize,
) -> Result<Vec<String>, String> {
    let store = SqliteStore::open(&data_dir.join("tessera.db"))
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let now = SystemClock.now();
    let names = scale::add_users(&store, "bench", users).await?;
    let new = scale::new_sessions(&names, tokens, now);
    scale::add(&store, &new).await?;
    let sessions: Vec<(Username, String)> = new.into_iter().map(|s| (s.username, s.id)).collect();
    // The keys as tessera opens them at start-up (see its `reload_keys`).
    let installation = match installation {
        Some(key) => key.clone(),
        None => SigningKey::from_bytes(read_hex(&data_dir.join("jwt-signing.key"))?)
            .map_err(|e| e.to_string())?,
    };
    let kek = match read_hex(&data_dir.join("key-encryption.key")) {
        Ok(bytes) => Some(Kek::from_bytes(&bytes).map_err(|e| e.to_string())?),
        Err(_) => None,
    };
    let stored = store.signing_keys().await.map_err(|e| e.to_string())?;
    let keys = KeySet::open(&stored, kek.as_ref(), &installation, KeyPolicy::default())
        .map_err(|e| format!("cannot open the signing keys: {e}"))?;
    let codec = JwtCodec::new(&installation, "tessera", "tessera-client", 60);
    codec.set_keys(keys);
    drop(store);
    tokio::task::spawn_blocking(move || {
        sessions
            .iter()
            .map(|(user, sid)| {
                codec.sign(ACCESS_TYP, &access_claims(&codec, user.as_str(), sid, now))
            })
            .collect()
    })
    .await
    .map_err(|e| e.to_string())
}

/// Presents the tokens in turn, all connections together going round them once after another.
struct RoundRobin {
    tokens: Arc<Vec<String>>,
    next: Arc<AtomicUsize>,
}

impl Workload for RoundRobin {
    fn request(&mut self) -> Request<Full<Bytes>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.tokens.len();
        post(VALIDATION, Some(&self.tokens[i]), &json!({}))
    }
    fn response(&mut self, status: u16, _: &[u8]) -> bool {
        status == 200
    }
}

/// Presents the first token of each user once, over `connections` connections, so that the
/// measured run finds every user's profile cached, as a server in steady state does (a profile
/// is read again only every 30 s). The tokens it verified are not presented first after it.
async fn warm(addr: SocketAddr, tokens: &Arc<Vec<String>>, users: usize, connections: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (tokens, next) = (tokens.clone(), next.clone());
            tokio::spawn(async move {
                let Ok(mut sender) = load::connect(addr).await else {
                    return;
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= users {
                        return;
                    }
                    let req = post(VALIDATION, Some(&tokens[i]), &json!({}));
                    if load::send(&mut sender, req).await.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}

/// Round-robin over `tokens`, all connections taking the next one from `next`.
fn round_robin(tokens: &Arc<Vec<String>>, next: &Arc<AtomicUsize>, connections: usize) -> Boxed {
    (0..connections)
        .map(|_| {
            Box::new(RoundRobin {
                tokens: tokens.clone(),
                next: next.clone(),
            }) as Box<dyn Workload>
        })
        .collect()
}

/// tessera signing with `alg`: one token, then the distinct tokens; with HS512, refresh too.
pub async fn run(plan: &Plan, alg: KeyAlg) -> Result<AlgValidation, String> {
    let mut tessera = plan.tessera(HashParams::OWASP);
    let mut installation = None;
    if alg == KeyAlg::Hs512 {
        let (setting, key) = hs512_setting();
        tessera.env.push(("JWT_SECRET_KEY", setting));
        installation = Some(key);
    }
    tessera.env.extend([
        ("TESSERA_ISSUER", "tessera".into()),
        ("TESSERA_AUDIENCE", "tessera-client".into()),
    ]);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    tessera.start(dir.path())?.stop();
    plan.progress(&format!(
        "tessera ({alg}): adding {} users and {} sessions, signing a token for each",
        plan.distinct_users, plan.distinct_tokens
    ));
    let tokens = seed(
        dir.path(),
        installation.as_ref(),
        plan.distinct_users,
        plan.distinct_tokens,
    )
    .await?;
    let server = tessera.start(dir.path())?.owning(dir);
    let check = post(VALIDATION, Some(&tokens[0]), &json!({}));
    let (status, body) = load::request_once(server.addr, check).await?;
    if status != 200 {
        let body = String::from_utf8_lossy(&body);
        return Err(format!(
            "{alg}: a seeded token is refused ({status}: {body})"
        ));
    }
    plan.progress(&format!(
        "tessera ({alg}): validation of one token, of distinct tokens"
    ));
    let one = workloads::validation(&tokens[0], plan.connections);
    let single = plan.closed(&server, one).await;
    let tokens = Arc::new(tokens);
    let users = plan.distinct_users;
    warm(server.addr, &tokens, users, plan.connections).await;
    // The open-loop run goes on round the tokens from where the closed loop stopped.
    let next = Arc::new(AtomicUsize::new(users));
    let work = || round_robin(&tokens, &next, plan.connections);
    let distinct = plan.closed_open(&server, work).await;
    let mut refresh = None;
    if alg == KeyAlg::Hs512 {
        plan.progress(&format!("tessera ({alg}): refresh"));
        let (_, heads) = workloads::refresh_chains(server.addr, plan.connections).await?;
        let chains = || workloads::chains(&heads);
        refresh = Some(plan.closed_open(&server, chains).await);
    }
    server.stop();
    Ok(AlgValidation {
        alg,
        single,
        distinct,
        refresh,
    })
}
