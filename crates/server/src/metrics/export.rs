//! Every metric in the Prometheus text format, read from the counters at scrape time
//! (prometheus-client's encoder; the values are tessera's own atomics). README's Operations
//! section lists them; a label value is always one of a fixed set, or a route template.

use std::fmt::Error;
use std::sync::atomic::Ordering;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, NoLabelSet};
use prometheus_client::metrics::MetricType;
use tessera_core::stats::{HistogramSnapshot, RefreshKind, RefreshResult, Tally};
use tessera_core::stats::{Names, Published, Received};

use super::Metrics;

/// One family's series, each with its labels.
fn counters<L: EncodeLabelSet>(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    series: &[(L, u64)],
) -> Result<(), Error> {
    let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
    for (labels, value) in series {
        family
            .encode_family(labels)?
            .encode_counter::<NoLabelSet, _, u64>(value, None)?;
    }
    Ok(())
}

fn gauge(encoder: &mut DescriptorEncoder<'_>, name: &str, help: &str, v: f64) -> Result<(), Error> {
    encoder
        .encode_descriptor(name, help, None, MetricType::Gauge)?
        .encode_gauge(&v)
}

fn histograms<L: EncodeLabelSet>(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    series: &[(L, &HistogramSnapshot)],
) -> Result<(), Error> {
    let mut family = encoder.encode_descriptor(name, help, None, MetricType::Histogram)?;
    for (labels, h) in series {
        family
            .encode_family(labels)?
            .encode_histogram::<NoLabelSet>(h.sum_seconds, h.count, &h.buckets, None)?;
    }
    Ok(())
}

/// A tally's counts, labelled `label="<name>"`.
fn tally<N: Names>(
    label: &'static str,
    t: &Tally<N>,
) -> Vec<([(&'static str, &'static str); 1], u64)> {
    t.read()
        .into_iter()
        .map(|(n, v)| ([(label, n)], v))
        .collect()
}

impl Collector for Metrics {
    fn encode(&self, mut e: DescriptorEncoder<'_>) -> Result<(), Error> {
        self.encode_requests(&mut e)?;
        self.encode_auth(&mut e)?;
        self.encode_revocations(&mut e)?;
        self.encode_argon2(&mut e)?;
        self.encode_caches(&mut e)?;
        self.encode_store(&mut e)?;
        if let Some(live) = self.live_sessions() {
            gauge(
                &mut e,
                "tessera_live_sessions",
                "Sessions neither revoked nor expired, as last counted in the store.",
                live as f64,
            )?;
        }
        Ok(())
    }
}

impl Metrics {
    fn encode_requests(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let series = self.requests.read();
        let labelled: Vec<_> = series
            .iter()
            .map(|s| {
                let labels = [
                    ("method", s.method),
                    ("route", s.route.as_str()),
                    ("status", s.status.as_str()),
                ];
                (labels, &s.latency)
            })
            .collect();
        let counts: Vec<_> = labelled.iter().map(|(l, h)| (*l, h.count)).collect();
        counters(
            e,
            "tessera_http_requests",
            "HTTP requests answered, by method, route template and status.",
            &counts,
        )?;
        histograms(
            e,
            "tessera_http_request_duration_seconds",
            "Time to answer an HTTP request (to its head), by method, route template and status.",
            &labelled,
        )
    }

    fn encode_auth(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let stats = self.auth.stats();
        counters(
            e,
            "tessera_logins",
            "Logins by outcome (unknown users, wrong passwords, disabled and locked accounts are all invalid_credentials).",
            &tally("outcome", &stats.logins),
        )?;
        let mut refreshes = Vec::new();
        let mut reuses = Vec::new();
        for &kind in RefreshKind::ALL {
            let tally = stats.refreshes(kind);
            for (outcome, n) in tally.read() {
                refreshes.push(([("kind", kind.name()), ("outcome", outcome)], n));
            }
            reuses.push(([("kind", kind.name())], tally.get(RefreshResult::Reused)));
        }
        counters(
            e,
            "tessera_refreshes",
            "Refreshes of session and API-key refresh tokens, by kind and outcome.",
            &refreshes,
        )?;
        counters(
            e,
            "tessera_refresh_reuse_detected",
            "Refresh tokens presented again after their rotation (the session, or the API key's chain, was revoked).",
            &reuses,
        )
    }

    fn encode_revocations(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let stats = self.auth.stats();
        counters(
            e,
            "tessera_revocations_published",
            "Revocations made here and sent on the revocation feed, by result.",
            &tally::<Published>("result", &stats.published),
        )?;
        counters(
            e,
            "tessera_revocations_received",
            "Revocations learnt from the feed (other instances') and entries read from the revocation log by the catch-up poll (every instance's).",
            &tally::<Received>("via", &stats.received),
        )?;
        gauge(
            e,
            "tessera_revocation_feed_connected",
            "1 while revocations arrive by the feed (or none is needed: one instance on SQLite); 0 while degraded, when validation asks the store.",
            if self.auth.feed_live() { 1.0 } else { 0.0 },
        )?;
        gauge(
            e,
            "tessera_revocation_catchup_duration_seconds",
            "How long the last catch-up read of the revocation log took.",
            stats.catchup_ms.load(Ordering::Relaxed) as f64 / 1000.0,
        )?;
        gauge(
            e,
            "tessera_revocation_catchup_last_success_timestamp_seconds",
            "When the last catch-up read of the revocation log succeeded (Unix time).",
            stats.catchup_at.load(Ordering::Relaxed) as f64,
        )?;
        gauge(
            e,
            "tessera_revoked_in_memory",
            "Revoked sessions, keys and tokens validation checks in memory.",
            self.auth.revoked_in_memory() as f64,
        )
    }

    fn encode_argon2(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let pool = self.auth.passwords().stats();
        gauge(
            e,
            "tessera_argon2_queue_depth",
            "Password hashings waiting for an Argon2 thread.",
            pool.waiting.load(Ordering::Relaxed) as f64,
        )?;
        histograms(
            e,
            "tessera_argon2_queue_wait_seconds",
            "Time a password hashing waited for an Argon2 thread.",
            &[([] as [(&str, &str); 0], &pool.wait.snapshot())],
        )?;
        counters(
            e,
            "tessera_argon2_rejected",
            "Password hashings turned away because the Argon2 queue was full (answered 503).",
            &[(
                [] as [(&str, &str); 0],
                pool.turned_away.load(Ordering::Relaxed),
            )],
        )
    }

    fn encode_caches(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let stats = self.auth.stats();
        let caches = [
            ("verified_tokens", stats.verified_tokens.read()),
            ("profiles", stats.profiles.read()),
            ("scoped_tokens", stats.scoped_tokens.read()),
        ];
        let hits: Vec<_> = caches
            .iter()
            .map(|(c, (h, _))| ([("cache", *c)], *h))
            .collect();
        let misses: Vec<_> = caches
            .iter()
            .map(|(c, (_, m))| ([("cache", *c)], *m))
            .collect();
        counters(
            e,
            "tessera_cache_hits",
            "Look-ups answered by an in-memory cache: verified access tokens, user profiles, scoped tokens.",
            &hits,
        )?;
        counters(
            e,
            "tessera_cache_misses",
            "Look-ups an in-memory cache could not answer.",
            &misses,
        )
    }

    fn encode_store(&self, e: &mut DescriptorEncoder<'_>) -> Result<(), Error> {
        let read = self.auth.store_timings().read();
        let series: Vec<_> = read
            .iter()
            .map(|(op, h)| ([("operation", *op)], h))
            .collect();
        histograms(
            e,
            "tessera_store_operation_duration_seconds",
            "Time a store (database) operation took, by operation (the store port's method).",
            &series,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::stats::LoginResult;

    #[test]
    fn login_outcomes_are_fixed_names() {
        let t = Tally::<LoginResult>::default();
        t.add(LoginResult::Success);
        let read = tally("outcome", &t);
        assert_eq!(read[0], ([("outcome", "success")], 1));
    }
}
