//! The load generator: each connection is one keep-alive HTTP/1.1 connection. Closed loop by
//! default (the next request leaves as soon as the previous answer arrived); paced when given a
//! rate, with latency counted from the scheduled send time, so a stalled server cannot hide its
//! stall by slowing the generator down (requests it never got to are counted as late as the end
//! of the run).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::cpu::{self, Usage};
use crate::figures::{Figures, Stats};

/// What one connection sends, and how it reads the answers.
pub trait Workload: Send + 'static {
    fn request(&mut self) -> Request<Full<Bytes>>;
    /// Whether the answer counts as a success; may update the workload's state.
    fn response(&mut self, status: u16, body: &[u8]) -> bool;
    /// Whether a request still in flight at the end of the run may be dropped unanswered
    /// (a rotation may not: its answer holds the chain's next token).
    fn abandon_at_end(&self) -> bool {
        true
    }
}

/// How long a request that may not be abandoned can still take after the end of its run.
const GRACE: Duration = Duration::from_secs(10);

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

/// How long a run lasts and how its connections send.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Requests before this are sent but not counted.
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// Requests per second per connection; `None` = closed loop.
    pub pace: Option<f64>,
}

pub async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

pub async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok((status, body.to_bytes()))
}

/// Sends one request on a new connection: (status, body).
pub async fn request_once(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    send(&mut connect(addr).await?, req).await
}

async fn one_connection(
    addr: SocketAddr,
    mut work: Box<dyn Workload>,
    interval: Option<Duration>,
    first: Instant,
    (measure_from, until): (Instant, Instant),
) -> Stats {
    let mut next = first;
    let mut sender = None;
    let mut stats = Stats::default();
    loop {
        let scheduled = match interval {
            Some(i) => {
                tokio::time::sleep_until(next.into()).await;
                next += i;
                next - i
            }
            None => Instant::now(),
        };
        if scheduled >= until || Instant::now() >= until {
            break;
        }
        // Paced: what was scheduled in the window. Closed loop: what completed in it.
        let measured = |done: Instant| match interval {
            Some(_) => scheduled >= measure_from,
            None => done >= measure_from && done <= until,
        };
        if sender.is_none() {
            sender = connect(addr).await.ok();
        }
        let Some(s) = sender.as_mut() else {
            stats.errors += u64::from(measured(Instant::now()));
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // What is still in flight at the end is abandoned: paced, it counts as late as the end.
        let deadline = if work.abandon_at_end() {
            until
        } else {
            until + GRACE
        };
        match tokio::time::timeout_at(deadline.into(), send(s, work.request())).await {
            Ok(Ok((status, body))) => {
                let ok = work.response(status, &body);
                if measured(Instant::now()) {
                    stats.record(scheduled, ok);
                }
            }
            Ok(Err(_)) => {
                sender = None;
                stats.errors += u64::from(measured(Instant::now()));
            }
            Err(_at_the_end) => {
                stats.errors += u64::from(deadline > until);
                if interval.is_some() && measured(until) {
                    stats
                        .latencies_us
                        .push((until - scheduled).as_micros() as u32);
                }
                break;
            }
        }
    }
    // Paced requests that were due but never sent: late by at least the rest of the run.
    if let Some(i) = interval {
        let mut s = next.max(measure_from);
        while s < until {
            stats.latencies_us.push((until - s).as_micros() as u32);
            s += i;
        }
    }
    stats
}

/// Where the CPU goes between the two instants of `window`.
pub fn cpu_in(window: (Instant, Instant)) -> tokio::task::JoinHandle<Usage> {
    tokio::spawn(async move {
        tokio::time::sleep_until(window.0.into()).await;
        let a = cpu::sample_async().await;
        tokio::time::sleep_until(window.1.into()).await;
        Usage::between(&a, &cpu::sample_async().await)
    })
}

/// Runs one workload per connection and merges the figures of the measured window. Connection
/// `k` goes to `addrs[k % addrs.len()]`, so several instances share the load evenly.
pub async fn run(addrs: &[SocketAddr], workloads: Vec<Box<dyn Workload>>, shape: Shape) -> Figures {
    let started = Instant::now();
    let window = (
        started + shape.warmup,
        started + shape.warmup + shape.duration,
    );
    let interval = shape.pace.map(|r| Duration::from_secs_f64(1.0 / r));
    let n = workloads.len().max(1) as u32;
    let sampler = cpu_in(window);
    let tasks: Vec<_> = workloads
        .into_iter()
        .enumerate()
        .map(|(k, w)| {
            // Paced connections start spread over one interval.
            let offset = interval.map(|d| d * k as u32 / n).unwrap_or_default();
            let addr = addrs[k % addrs.len()];
            tokio::spawn(one_connection(addr, w, interval, started + offset, window))
        })
        .collect();
    gather(tasks, shape.duration, sampler).await
}

/// The figures of a run's tasks (a task that failed counts as an error), with the CPU use the
/// sampler measured over the window of `duration`.
pub async fn gather(
    tasks: Vec<tokio::task::JoinHandle<Stats>>,
    duration: Duration,
    sampler: tokio::task::JoinHandle<Usage>,
) -> Figures {
    let mut total = Stats::default();
    for t in tasks {
        match t.await {
            Ok(s) => total.merge(s),
            Err(_) => total.errors += 1,
        }
    }
    let mut figures = total.figures(duration);
    figures.cpu = sampler.await.unwrap_or_default();
    figures
}
