//! The layout of tessera's log lines: `<UTC time>  INFO request{method=.. route=..
//! request_id=..}: <target>: <message> <fields>`, the layout of tracing's own formatter, with the
//! request's tag (`crate::request_trace`) where that formatter would name a span. Access lines
//! (`crate::access_log`) are written in the same layout without going through here.

use std::fmt;
use std::time::SystemTime;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// Give it to `tracing_subscriber::fmt().event_format(..)`.
pub struct LineFormat;

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut out: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut time = String::with_capacity(27);
        // The time a line is written at, not a time anything is decided by.
        #[allow(clippy::disallowed_methods)]
        crate::access_log::timestamp(&mut time, SystemTime::now());
        let meta = event.metadata();
        write!(out, "{time} {:>5} ", meta.level())?;
        crate::request_trace::write_tag(&mut out)?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                out.write_str(span.name())?;
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>() {
                    if !fields.is_empty() {
                        write!(out, "{{{fields}}}")?;
                    }
                }
                out.write_str(": ")?;
            }
        }
        write!(out, "{}: ", meta.target())?;
        ctx.format_fields(out.by_ref(), event)?;
        writeln!(out)
    }
}
