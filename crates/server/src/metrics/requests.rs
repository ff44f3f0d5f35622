//! Requests by method, route template and status, with their latency: a table filled once per
//! (method, route) and per status, then only atomic adds. No lock and no allocation on a
//! request once its route and status have been seen; the raw path never becomes a label.

use std::sync::OnceLock;
use std::time::Duration;

use axum::http::Method;
use tessera_core::stats::{Histogram, HistogramSnapshot};

/// The methods told apart; any other is counted as `other` (a client may send any token).
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other",
];

/// The route of a request that matched none (the 404 fallback).
pub const UNMATCHED: &str = "unmatched";

/// Most (method, route) pairs kept apart: more than the router's routes times the methods told
/// apart (each may be asked for, if only to be answered 405). Past it, requests are counted
/// under route `other`.
const SLOTS: usize = 1024;

/// Statuses are 100 to 599.
const FIRST_STATUS: u16 = 100;
const STATUSES: usize = 500;

fn method_index(method: &Method) -> usize {
    match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::PATCH => 3,
        Method::DELETE => 4,
        Method::HEAD => 5,
        Method::OPTIONS => 6,
        _ => 7,
    }
}

/// One (method, route): a histogram per status, made at its first request.
#[derive(Debug)]
pub struct Route {
    method: usize,
    template: Box<str>,
    by_status: Box<[OnceLock<Box<Histogram>>]>,
}

impl Route {
    fn new(method: usize, template: &str) -> Self {
        Self {
            method,
            template: template.into(),
            by_status: (0..STATUSES).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The route template (`other` past the table's size).
    pub fn template(&self) -> &str {
        &self.template
    }

    pub fn observe(&self, status: u16, elapsed: Duration) {
        let Some(slot) = status
            .checked_sub(FIRST_STATUS)
            .and_then(|i| self.by_status.get(usize::from(i)))
        else {
            return;
        };
        slot.get_or_init(Box::default).observe(elapsed);
    }
}

/// The table: open addressing over slots that are each set once.
#[derive(Debug)]
pub struct Requests {
    slots: Box<[OnceLock<Route>]>,
    overflow: Route,
}

impl Default for Requests {
    fn default() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| OnceLock::new()).collect(),
            overflow: Route::new(METHODS.len() - 1, "other"),
        }
    }
}

/// FNV-1a: a few nanoseconds for a route template.
fn hash(method: usize, template: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ method as u64;
    for b in template.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h as usize
}

impl Requests {
    /// Where `method` on `template` (a route template or [`UNMATCHED`], never a raw path) is
    /// counted, for [`Requests::at`].
    pub fn index(&self, method: &Method, template: &str) -> usize {
        let method = method_index(method);
        let start = hash(method, template);
        for i in 0..SLOTS {
            let at = (start + i) % SLOTS;
            let route = self.slots[at].get_or_init(|| Route::new(method, template));
            if route.method == method && *route.template == *template {
                return at;
            }
        }
        SLOTS
    }

    /// The entry at an index [`Requests::index`] gave.
    pub fn at(&self, index: usize) -> &Route {
        self.slots
            .get(index)
            .and_then(OnceLock::get)
            .unwrap_or(&self.overflow)
    }

    #[cfg(test)]
    fn route(&self, method: &Method, template: &str) -> &Route {
        self.at(self.index(method, template))
    }

    /// Every (method, route, status) seen, with its histogram.
    pub fn read(&self) -> Vec<Series> {
        let routes = self.slots.iter().filter_map(OnceLock::get);
        let mut out = Vec::new();
        for route in routes.chain([&self.overflow]) {
            for (i, slot) in route.by_status.iter().enumerate() {
                if let Some(h) = slot.get() {
                    out.push(Series {
                        method: METHODS[route.method],
                        route: route.template.to_string(),
                        status: (FIRST_STATUS + i as u16).to_string(),
                        latency: h.snapshot(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.route, a.method, &a.status).cmp(&(&b.route, b.method, &b.status)));
        out
    }
}

/// One series of requests as read at a scrape.
#[derive(Debug)]
pub struct Series {
    pub method: &'static str,
    pub route: String,
    pub status: String,
    pub latency: HistogramSnapshot,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every method on every route (and on none) has a series of its own: a scan asking each
    /// route with each method (a fuzzer does) must not push real routes into `other`.
    #[test]
    fn every_route_with_every_method_fits_the_table() {
        let routes = crate::openapi::document().paths.paths.len() + 1;
        assert!(routes * METHODS.len() * 2 <= SLOTS, "{routes} routes");
        let requests = Requests::default();
        let methods = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
            Method::TRACE,
        ];
        for r in 0..routes {
            for m in &methods {
                let at = requests.index(m, &format!("/api/v1/route{r}"));
                assert_eq!(requests.at(at).template(), format!("/api/v1/route{r}"));
            }
        }
    }

    #[test]
    fn each_method_route_and_status_is_a_series_of_its_own() {
        let requests = Requests::default();
        let ms = Duration::from_millis(1);
        requests.route(&Method::POST, "/a").observe(200, ms);
        requests.route(&Method::POST, "/a").observe(200, ms);
        requests.route(&Method::POST, "/a").observe(401, ms);
        requests.route(&Method::GET, "/a").observe(200, ms);
        requests
            .route(&Method::from_bytes(b"BREW").unwrap(), UNMATCHED)
            .observe(404, ms);
        requests.route(&Method::GET, "/b").observe(999, ms);
        let read: Vec<_> = requests
            .read()
            .into_iter()
            .map(|s| (s.method, s.route, s.status, s.latency.count))
            .collect();
        let expected = [
            ("GET", "/a", "200", 1),
            ("POST", "/a", "200", 2),
            ("POST", "/a", "401", 1),
            ("other", UNMATCHED, "404", 1),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(m, r, s, n)| (m, r.to_string(), s.to_string(), n))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn routes_beyond_the_table_are_counted_as_other() {
        let requests = Requests::default();
        for i in 0..SLOTS + 5 {
            requests
                .route(&Method::GET, &format!("/r{i}"))
                .observe(200, Duration::ZERO);
        }
        let read = requests.read();
        assert_eq!(read.len(), SLOTS + 1);
        let other = read.iter().find(|s| s.route == "other").unwrap();
        assert_eq!(other.latency.count, 5);
    }
}
