//! A closed-loop load generator: each connection is one keep-alive HTTP/1.1 connection that
//! sends its next request as soon as the previous answer arrived.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What one connection sends, and how it reads the answers.
pub trait Workload: Send + 'static {
    fn request(&mut self) -> Request<Full<Bytes>>;
    /// Whether the answer counts as a success; may update the workload's state.
    fn response(&mut self, status: u16, body: &[u8]) -> bool;
}

pub fn post(path: &str, bearer: Option<&str>, body: &serde_json::Value) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("content-type", "application/json");
    if let Some(token) = bearer {
        b = b.header("authorization", format!("Bearer {token}"));
    }
    b.body(Full::new(Bytes::from(body.to_string())))
        .expect("valid request")
}

#[derive(Debug, Default)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub latencies_us: Vec<u32>,
}

impl Stats {
    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[idx] as f64 / 1000.0
    }
}

async fn connect(
    addr: SocketAddr,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends one request on a new connection: (status, body).
pub async fn request_once(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    let mut sender = connect(addr).await?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok((status, body.to_bytes()))
}

async fn one_connection(
    addr: SocketAddr,
    mut work: Box<dyn Workload>,
    until: Instant,
) -> Result<Stats, String> {
    let mut sender = connect(addr).await?;
    let mut stats = Stats::default();
    while Instant::now() < until {
        let req = work.request();
        let started = Instant::now();
        let resp = match sender.send_request(req).await {
            Ok(r) => r,
            Err(_) => {
                stats.errors += 1;
                break;
            }
        };
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        stats
            .latencies_us
            .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if work.response(status, &body) {
            stats.ok += 1;
        } else {
            stats.errors += 1;
        }
    }
    Ok(stats)
}

/// Runs one workload per connection for `duration` and merges the figures.
pub async fn run(addr: SocketAddr, workloads: Vec<Box<dyn Workload>>, duration: Duration) -> Stats {
    let started = Instant::now();
    let until = started + duration;
    let tasks: Vec<_> = workloads
        .into_iter()
        .map(|w| tokio::spawn(one_connection(addr, w, until)))
        .collect();
    let mut total = Stats::default();
    for t in tasks {
        match t.await {
            Ok(Ok(s)) => {
                total.ok += s.ok;
                total.errors += s.errors;
                total.latencies_us.extend(s.latencies_us);
            }
            _ => total.errors += 1,
        }
    }
    total.elapsed = started.elapsed();
    total
}
