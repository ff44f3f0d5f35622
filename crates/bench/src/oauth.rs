//! The OAuth 2.0 workloads, on tessera and on oidc-provider: introspection (RFC 7662) of a live
//! access token by a confidential client, and `client_credentials` issuance (RFC 6749 4.4), the
//! client authenticating with HTTP Basic, form bodies, the answers checked.

use std::net::SocketAddr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Request};
use serde_json::{json, Value};
use tessera_core::password::HashParams;

use crate::load::{self, post, Workload};
use crate::oidc;
use crate::process::Process;
use crate::report::Pair;
use crate::suite::Plan;
use crate::workloads::{self, Boxed};

/// The OAuth 2.0 figures: tessera beside oidc-provider.
#[derive(Debug, Default)]
pub struct OauthReport {
    pub introspection: Pair,
    pub client_credentials: Pair,
    /// Why oidc-provider's columns are empty, if they are.
    pub missing: Option<String>,
    pub startup: Option<Duration>,
}

/// Where a client sends what, and how it proves who it is.
#[derive(Clone)]
struct Endpoint {
    path: &'static str,
    /// `Basic base64(client_id:client_secret)`.
    basic: String,
    body: String,
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", B64.encode(format!("{id}:{secret}")))
}

fn form(e: &Endpoint) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::POST)
        .uri(e.path)
        .header("host", "127.0.0.1")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", &e.basic)
        .body(Full::new(Bytes::from(e.body.clone())))
        .expect("valid request")
}

struct Introspect(Endpoint);

impl Workload for Introspect {
    fn request(&mut self) -> Request<Full<Bytes>> {
        form(&self.0)
    }
    fn response(&mut self, status: u16, body: &[u8]) -> bool {
        status == 200 && body.windows(13).any(|w| w == b"\"active\":true")
    }
}

struct ClientCredentials(Endpoint);

impl Workload for ClientCredentials {
    fn request(&mut self) -> Request<Full<Bytes>> {
        form(&self.0)
    }
    fn response(&mut self, status: u16, body: &[u8]) -> bool {
        status == 200 && body.windows(15).any(|w| w == b"\"access_token\":")
    }
}

fn introspection(path: &'static str, basic: &str, token: &str, connections: usize) -> Boxed {
    let e = Endpoint {
        path,
        basic: basic.to_string(),
        body: format!("token={token}"),
    };
    (0..connections)
        .map(|_| Box::new(Introspect(e.clone())) as Box<dyn Workload>)
        .collect()
}

fn issuance(path: &'static str, basic: &str, connections: usize) -> Boxed {
    let e = Endpoint {
        path,
        basic: basic.to_string(),
        body: "grant_type=client_credentials".into(),
    };
    (0..connections)
        .map(|_| Box::new(ClientCredentials(e.clone())) as Box<dyn Workload>)
        .collect()
}

/// A service client with the `introspect` right, made by the admin over HTTP: its Basic header.
async fn tessera_client(addr: SocketAddr, admin: &str) -> Result<String, String> {
    let body = json!({"name": "bench", "scopes": ["read", "write"], "rights": ["introspect"]});
    let (status, answer) =
        load::request_once(addr, post("/api/v1/clients", Some(admin), &body)).await?;
    let answer: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    match (
        answer["client_id"].as_str(),
        answer["client_secret"].as_str(),
    ) {
        (Some(id), Some(secret)) if status == 201 => Ok(basic(id, secret)),
        _ => Err(format!("POST /api/v1/clients answered {status}")),
    }
}

/// An access token got with `client_credentials` at `path`.
async fn issued(addr: SocketAddr, path: &'static str, basic: &str) -> Result<String, String> {
    let mut one = ClientCredentials(Endpoint {
        path,
        basic: basic.to_string(),
        body: "grant_type=client_credentials".into(),
    });
    let (status, answer) = load::request_once(addr, one.request()).await?;
    let answer: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    match answer["access_token"].as_str() {
        Some(token) if status == 200 => Ok(token.to_string()),
        _ => Err(format!("{path} answered {status} without access_token")),
    }
}

/// tessera at its defaults: a service client introspects the admin's access token, and gets
/// tokens of its own.
pub async fn tessera(plan: &Plan, r: &mut OauthReport) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let server = plan
        .tessera(HashParams::OWASP)
        .start(dir.path())?
        .owning(dir);
    plan.progress("tessera: introspection, client_credentials");
    let (access, _) = workloads::login(server.addr).await?;
    let client = tessera_client(server.addr, &access).await?;
    issued(server.addr, "/oauth2/token", &client).await?;
    let work = || introspection("/oauth2/introspect", &client, &access, plan.connections);
    r.introspection.tessera = Some(plan.closed_open(&server, work).await);
    let work = || issuance("/oauth2/token", &client, plan.connections);
    r.client_credentials.tessera = Some(plan.closed_open(&server, work).await);
    server.stop();
    Ok(())
}

/// oidc-provider: its client introspects a token it got itself, and gets more.
pub async fn peer(plan: &Plan, peer: &Process, r: &mut OauthReport) -> Result<(), String> {
    plan.progress("oidc-provider: introspection, client_credentials");
    let client = basic(oidc::CLIENT_ID, oidc::CLIENT_SECRET);
    let token = issued(peer.addr, "/token", &client).await?;
    let work = || introspection("/token/introspection", &client, &token, plan.connections);
    r.introspection.peer = Some(plan.closed_open(peer, work).await);
    let work = || issuance("/token", &client, plan.connections);
    r.client_credentials.peer = Some(plan.closed_open(peer, work).await);
    Ok(())
}
