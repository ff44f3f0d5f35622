//! The access log: one line per answer, at INFO under the target `tessera::access`, with the
//! request id, method, route template (never the raw path nor the query string), status and
//! latency. No token, no client address, no username.
//!
//! The line is on the hot path of every request, so it does not go through tracing's
//! formatter (which formats the request's span and every field through `fmt::Write`, about a
//! fifth of a validation's work): where [`install`] gave it a writer (the binary gives the
//! same non-blocking stderr writer as the rest of the log), the line is written into a reused
//! buffer and handed to that writer whole, in the layout of the other lines (the binary gathers
//! them for up to [`FLUSH_EVERY`] and hands them over together). Without one it is an ordinary
//! tracing event. Either way `TESSERA_LOG` decides whether it is written
//! (`tessera::access=off` turns it off).

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::Method;
use tracing_subscriber::fmt::MakeWriter;

type Sink = Box<dyn Fn(&[u8]) + Send + Sync>;
/// Where a batch of lines goes.
type Out = Arc<dyn Fn(&[u8]) + Send + Sync>;

static SINK: OnceLock<Sink> = OnceLock::new();

/// Gathers access lines and hands them to `writer` together, every [`FLUSH_EVERY`] (or sooner
/// when many are waiting), from a thread of its own: one hand-over per batch instead of one
/// per request (each hand-over wakes the log writer's thread, which costs more than the line).
/// Drop the answer to write what is left (once per process; later calls are ignored).
pub fn install_batched<W>(writer: W) -> Flush
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let batch = Arc::new(Batch::default());
    let writer: Out = Arc::new(move |lines: &[u8]| {
        let _ = writer.make_writer().write_all(lines);
    });
    let (for_thread, out) = (batch.clone(), writer.clone());
    let flusher = std::thread::Builder::new()
        .name("tessera-access-log".into())
        .spawn(move || loop {
            std::thread::park_timeout(FLUSH_EVERY);
            let lines = for_thread.take();
            if !lines.is_empty() {
                out(&lines);
            }
        });
    if let Ok(flusher) = flusher {
        let _ = batch.flusher.set(flusher.thread().clone());
        let for_sink = batch.clone();
        let _ = SINK.set(Box::new(move |line: &[u8]| for_sink.push(line)));
    }
    Flush { batch, writer }
}

/// Writes the access lines still waiting when dropped (at the end of `main`).
pub struct Flush {
    batch: Arc<Batch>,
    writer: Out,
}

impl Drop for Flush {
    fn drop(&mut self) {
        let lines = self.batch.take();
        if !lines.is_empty() {
            (self.writer)(&lines);
        }
    }
}

/// How long an access line waits at most before it is handed to the log writer.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Waiting lines past this size are handed over at once.
const FLUSH_AT: usize = 64 * 1024;
/// Past this size (the writer's thread cannot keep up) further lines are dropped, as the log
/// writer drops lines when its own queue is full.
const MAX_WAITING: usize = 8 * 1024 * 1024;

#[derive(Default)]
struct Batch {
    waiting: Mutex<Vec<u8>>,
    flusher: OnceLock<std::thread::Thread>,
}

impl Batch {
    fn push(&self, line: &[u8]) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if waiting.len() + line.len() > MAX_WAITING {
            return;
        }
        waiting.extend_from_slice(line);
        if waiting.len() >= FLUSH_AT {
            if let Some(flusher) = self.flusher.get() {
                flusher.unpark();
            }
        }
    }

    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.waiting.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Writes access lines to `writer` from now on, each as it is made (once per process; later
/// calls are ignored).
pub fn install<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let _ = SINK.set(Box::new(move |line: &[u8]| {
        // A full queue drops the line, as it does any other log line.
        let _ = writer.make_writer().write_all(line);
    }));
}

/// One answered request.
pub struct Answered<'a> {
    pub request_id: &'a str,
    pub method: &'a Method,
    pub route: &'a str,
    pub status: u16,
    pub latency: Duration,
}

/// Writes the access line of `answer`, if the log filter lets it through.
pub fn write(answer: &Answered<'_>) {
    if !tracing::enabled!(target: "tessera::access", tracing::Level::INFO) {
        return;
    }
    let request_id = answer.request_id;
    let latency_us = u64::try_from(answer.latency.as_micros()).unwrap_or(u64::MAX);
    let Some(sink) = SINK.get() else {
        tracing::info!(
            target: "tessera::access",
            request_id,
            method = answer.method.as_str(),
            route = answer.route,
            status = answer.status,
            latency_us,
            "answered"
        );
        return;
    };
    // The time a line is written at, not a time anything is decided by.
    #[allow(clippy::disallowed_methods)]
    let now = SystemTime::now();
    thread_local! {
        static LINE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    LINE.with(|line| {
        let Ok(mut line) = line.try_borrow_mut() else {
            return;
        };
        line.clear();
        timestamp(&mut line, now);
        line.push_str("  INFO tessera::access: answered request_id=");
        line.push_str(request_id);
        line.push_str(" method=");
        line.push_str(answer.method.as_str());
        line.push_str(" route=");
        line.push_str(answer.route);
        line.push_str(" status=");
        digits(&mut line, u64::from(answer.status), 1);
        line.push_str(" latency_us=");
        digits(&mut line, latency_us, 1);
        line.push('\n');
        sink(line.as_bytes());
    });
}

/// `2026-12-03T10:59:55.937831Z`: UTC with microseconds, as the other log lines have it. The
/// part up to the second is made once a second per thread.
pub(crate) fn timestamp(out: &mut String, at: SystemTime) {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    SECOND.with(|second| match second.try_borrow_mut() {
        Ok(mut second) => {
            if second.0 != secs {
                second.1.clear();
                date_and_second(&mut second.1, secs);
                second.0 = secs;
            }
            out.push_str(&second.1);
        }
        Err(_) => date_and_second(out, secs),
    });
    out.push('.');
    digits(out, since.subsec_micros().into(), 6);
    out.push('Z');
}

/// `2026-12-03T10:59:55` of `secs` since the epoch.
fn date_and_second(out: &mut String, secs: u64) {
    let (year, month, day) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let of_day = secs % 86_400;
    digits(out, u64::try_from(year).unwrap_or(0), 4);
    out.push('-');
    digits(out, month.into(), 2);
    out.push('-');
    digits(out, day.into(), 2);
    out.push('T');
    digits(out, of_day / 3600, 2);
    out.push(':');
    digits(out, of_day / 60 % 60, 2);
    out.push(':');
    digits(out, of_day % 60, 2);
}

/// `n` in decimal, zero-padded to at least `width` digits (without `fmt`'s machinery).
fn digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while n > 0 || buf.len() - at < width.max(1) {
        at -= 1;
        buf[at] = b'0' + u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
    }
    for &b in &buf[at..] {
        out.push(char::from(b));
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, micros: u32) -> String {
        let mut out = String::new();
        timestamp(
            &mut out,
            UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros.into()),
        );
        out
    }

    #[test]
    fn a_batch_hands_over_its_lines_in_order_and_only_once() {
        let batch = Batch::default();
        batch.push(b"one\n");
        batch.push(b"two\n");
        assert_eq!(batch.take(), b"one\ntwo\n");
        assert!(batch.take().is_empty());
        batch.push(&vec![b'x'; MAX_WAITING]);
        batch.push(b"dropped\n");
        assert_eq!(batch.take().len(), MAX_WAITING);
    }

    #[test]
    fn digits_are_zero_padded() {
        for (n, width, want) in [
            (0, 1, "0"),
            (7, 2, "07"),
            (163, 1, "163"),
            (42, 6, "000042"),
        ] {
            let mut out = String::new();
            digits(&mut out, n, width);
            assert_eq!(out, want);
        }
        let mut out = String::new();
        digits(&mut out, u64::MAX, 1);
        assert_eq!(out, u64::MAX.to_string());
    }

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 7), "2000-02-29T00:00:00.000007Z");
        assert_eq!(at(1_796_295_595, 937_831), "2026-12-03T10:59:55.937831Z");
        assert_eq!(at(4_107_542_399, 999_999), "2100-02-28T23:59:59.999999Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
    }

    #[test]
    fn the_second_made_once_is_made_again_when_the_second_changes() {
        assert_eq!(at(1_796_295_595, 1), "2026-12-03T10:59:55.000001Z");
        assert_eq!(at(1_796_295_595, 2), "2026-12-03T10:59:55.000002Z");
        assert_eq!(at(1_796_295_596, 0), "2026-12-03T10:59:56.000000Z");
        assert_eq!(at(1_796_295_595, 3), "2026-12-03T10:59:55.000003Z");
    }

    #[test]
    fn the_line_carries_what_the_tracing_event_would() {
        let lines = Arc::new(Mutex::new(Vec::<u8>::new()));
        let captured = lines.clone();
        let sink: Sink = Box::new(move |l| captured.lock().unwrap().extend_from_slice(l));
        let _ = SINK.set(sink);
        let _guard = tracing::subscriber::set_default(
            tracing_subscriber::fmt().with_env_filter("info").finish(),
        );
        write(&Answered {
            request_id: "req-1",
            method: &Method::DELETE,
            route: "/api/v1/auth/tokens/{id}",
            status: 401,
            latency: Duration::from_micros(163),
        });
        let text = String::from_utf8(lines.lock().unwrap().clone()).unwrap();
        assert!(
            text.ends_with(
                "Z  INFO tessera::access: answered request_id=req-1 method=DELETE \
             route=/api/v1/auth/tokens/{id} status=401 latency_us=163\n"
            ),
            "{text}"
        );
    }
}
