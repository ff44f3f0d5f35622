//! The workloads: what each connection sends.

use std::net::SocketAddr;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::Request;
use serde_json::{json, Value};

use crate::load::{self, post, Workload};

fn login_request() -> Request<Full<Bytes>> {
    post(
        "/api/v1/auth/login",
        None,
        &json!({"username": "admin", "password": "admin"}),
    )
}

/// Logs in once over its own connection: (access, refresh).
async fn login(addr: SocketAddr) -> Result<(String, String), String> {
    let (status, body) = load::request_once(addr, login_request()).await?;
    if status != 200 {
        return Err(format!("login failed with {status}"));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let field = |k: &str| {
        body[k]
            .as_str()
            .map(str::to_string)
            .ok_or(format!("no {k}"))
    };
    Ok((field("access_token")?, field("refresh_token")?))
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

pub async fn validation(
    addr: SocketAddr,
    connections: usize,
) -> Result<Vec<Box<dyn Workload>>, String> {
    let (access, _) = login(addr).await?;
    Ok((0..connections)
        .map(|_| Box::new(Validate(access.clone())) as Box<dyn Workload>)
        .collect())
}

/// Follows its own rotating refresh token.
struct Chain(String);

impl Workload for Chain {
    fn request(&mut self) -> Request<Full<Bytes>> {
        post(
            "/api/v1/auth/token/refresh",
            None,
            &json!({"refresh_token": self.0}),
        )
    }
    fn response(&mut self, status: u16, body: &[u8]) -> bool {
        if status != 200 {
            return false;
        }
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            return false;
        };
        match v["refresh_token"].as_str() {
            Some(next) => {
                self.0 = next.to_string();
                true
            }
            None => false,
        }
    }
}

pub async fn refresh_chains(
    addr: SocketAddr,
    connections: usize,
) -> Result<Vec<Box<dyn Workload>>, String> {
    let mut out: Vec<Box<dyn Workload>> = Vec::new();
    for _ in 0..connections {
        let (_, refresh) = login(addr).await?;
        out.push(Box::new(Chain(refresh)));
    }
    Ok(out)
}
