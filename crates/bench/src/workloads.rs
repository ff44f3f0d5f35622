//! The workloads: what each connection sends. The same requests go to tessera and to PlantDB.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::HeaderValue;
use hyper::Request;
use serde_json::{json, Value};

use crate::load::{self, post, Workload};

pub type Boxed = Vec<Box<dyn Workload>>;

/// Every login claims a different client address: PlantDB's login limit (20/min per address)
/// cannot be switched off, and tessera ignores the header (no trusted proxies).
fn login_request() -> Request<Full<Bytes>> {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut req = post(
        "/api/v1/auth/login",
        None,
        &json!({"username": "admin", "password": "admin"}),
    );
    let ip = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
    req.headers_mut().insert(
        "x-forwarded-for",
        HeaderValue::from_str(&ip).expect("an IP is a valid header"),
    );
    req
}

/// Logs in once over its own connection: (access, refresh).
async fn login_once(addr: SocketAddr) -> Result<(String, String), String> {
    let (status, body) = load::request_once(addr, login_request()).await?;
    if status != 200 {
        return Err(format!("login failed with {status}"));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let field = |k: &str| {
        body[k]
            .as_str()
            .map(str::to_string)
            .ok_or(format!("no {k} in the login answer"))
    };
    Ok((field("access_token")?, field("refresh_token")?))
}

/// A login for setting a workload up, tried up to three times: PlantDB answers some concurrent
/// logins with 500 (they race to save its users file).
pub async fn login(addr: SocketAddr) -> Result<(String, String), String> {
    let mut outcome = login_once(addr).await;
    for _ in 1..3 {
        if outcome.is_ok() {
            break;
        }
        outcome = login_once(addr).await;
    }
    outcome
}

/// `n` logins at once (PlantDB's are slow).
async fn logins(addr: SocketAddr, n: usize) -> Result<Vec<(String, String)>, String> {
    let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(login(addr))).collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.map_err(|e| e.to_string())??);
    }
    Ok(out)
}

struct Validate(String);

impl Workload for Validate {
    fn request(&mut self) -> Request<Full<Bytes>> {
        post("/api/v1/auth/token/validation", Some(&self.0), &json!({}))
    }
    fn response(&mut self, status: u16, _: &[u8]) -> bool {
        status == 200
    }
}

/// `connections` validators of one access token.
pub fn validation(access: &str, connections: usize) -> Boxed {
    (0..connections)
        .map(|_| Box::new(Validate(access.to_string())) as Box<dyn Workload>)
        .collect()
}

struct VerifyKey(Value);

impl Workload for VerifyKey {
    fn request(&mut self) -> Request<Full<Bytes>> {
        post("/api/v1/auth/apikeys/verify", None, &self.0)
    }
    fn response(&mut self, status: u16, _: &[u8]) -> bool {
        status == 200
    }
}

/// `connections` audience services verifying one API key.
pub fn apikey_verification(apikey: &str, connections: usize) -> Boxed {
    let body = json!({"apikey": apikey, "audience": APIKEY_AUDIENCE, "subject": APIKEY_SUBJECT});
    (0..connections)
        .map(|_| Box::new(VerifyKey(body.clone())) as Box<dyn Workload>)
        .collect()
}

const APIKEY_AUDIENCE: &str = "bench-service";
const APIKEY_SUBJECT: &str = "/api/bench";

/// Asks tessera for a credential with `access`: the string at `field` of the answer.
async fn issue(
    addr: SocketAddr,
    path: &str,
    access: &str,
    body: Value,
    field: &str,
) -> Result<String, String> {
    let (status, answer) = load::request_once(addr, post(path, Some(access), &body)).await?;
    let answer: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    match answer[field].as_str() {
        Some(s) if status < 300 => Ok(s.to_string()),
        _ => Err(format!("{path} answered {status} without {field}")),
    }
}

/// A no-session API key for the benchmark's audience and subject.
pub async fn apikey(addr: SocketAddr, access: &str) -> Result<String, String> {
    let body = json!({"audience": APIKEY_AUDIENCE, "subject": APIKEY_SUBJECT});
    issue(addr, "/api/v1/auth/apikeys", access, body, "apikey").await
}

/// A personal scoped token (PlantDB's create-api-token) reading every dataset.
pub async fn scoped_token(addr: SocketAddr, access: &str) -> Result<String, String> {
    let body = json!({"datasets": {"*": ["read"]}, "token_exp": 3600});
    let path = "/api/v1/auth/token/create-api-token";
    issue(addr, path, access, body, "api_token").await
}

/// Where a chain stands: its current refresh token, and whether a rotation of it was sent but
/// never answered (then the server may have rotated it, and the token is not known).
/// No `Debug`: it holds a live refresh token.
pub struct ChainHead {
    token: String,
    in_doubt: bool,
}

/// Shared, so that the chain can be presented again after the run.
pub type Head = Arc<Mutex<ChainHead>>;

/// Follows its own rotating refresh token.
struct Chain(Head);

impl Workload for Chain {
    fn request(&mut self) -> Request<Full<Bytes>> {
        let mut head = self.0.lock().expect("chain head");
        head.in_doubt = true;
        post(
            "/api/v1/auth/token/refresh",
            None,
            &json!({ "refresh_token": head.token }),
        )
    }
    fn response(&mut self, status: u16, body: &[u8]) -> bool {
        let mut head = self.0.lock().expect("chain head");
        head.in_doubt = false;
        let next = (status == 200)
            .then(|| serde_json::from_slice::<Value>(body).ok())
            .flatten()
            .and_then(|v| v["refresh_token"].as_str().map(str::to_string));
        match next {
            Some(next) => {
                head.token = next;
                true
            }
            None => false,
        }
    }
    fn abandon_at_end(&self) -> bool {
        false
    }
}

/// One login per connection, each connection following its own chain.
pub async fn refresh_chains(
    addr: SocketAddr,
    connections: usize,
) -> Result<(Boxed, Vec<Head>), String> {
    let heads: Vec<Head> = logins(addr, connections)
        .await?
        .into_iter()
        .map(|(_, token)| {
            Arc::new(Mutex::new(ChainHead {
                token,
                in_doubt: false,
            }))
        })
        .collect();
    Ok((chains(&heads), heads))
}

/// One connection per chain, each going on from where its chain stands.
pub fn chains(heads: &[Head]) -> Boxed {
    heads
        .iter()
        .map(|h| Box::new(Chain(h.clone())) as Box<dyn Workload>)
        .collect()
}

/// Median latency of `n` rotations of one chain, one at a time, each on a new connection, ms.
pub async fn rotation_ms(addr: SocketAddr, n: usize) -> Result<f64, String> {
    let (_, token) = login(addr).await?;
    let mut chain = Chain(Arc::new(Mutex::new(ChainHead {
        token,
        in_doubt: false,
    })));
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = std::time::Instant::now();
        let (status, body) = load::request_once(addr, chain.request()).await?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        if !chain.response(status, &body) {
            return Err(format!("a single rotation failed with {status}"));
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Presents the current refresh token of each chain whose last rotation was answered:
/// (accepted, presented).
pub async fn accepted(addr: SocketAddr, heads: &[Head]) -> (usize, usize) {
    let (mut ok, mut presented) = (0, 0);
    for h in heads {
        if h.lock().expect("chain head").in_doubt {
            continue;
        }
        presented += 1;
        let mut chain = Chain(h.clone());
        if let Ok((status, body)) = load::request_once(addr, chain.request()).await {
            ok += usize::from(chain.response(status, &body));
        }
    }
    (ok, presented)
}

struct Login;

impl Workload for Login {
    fn request(&mut self) -> Request<Full<Bytes>> {
        login_request()
    }
    fn response(&mut self, status: u16, _: &[u8]) -> bool {
        status == 200
    }
}

pub fn login_flood(connections: usize) -> Boxed {
    (0..connections)
        .map(|_| Box::new(Login) as Box<dyn Workload>)
        .collect()
}
