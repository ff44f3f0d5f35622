//! `tessera audit`: the audit trail of the configured database, newest first.

use std::fmt::Write as _;
use std::sync::Arc;

use clap::Args;
use tessera_api::audit::{AuditEntry, AuditFilter};
use tessera_core::audit::parse_query;
use tessera_core::Clock;

use crate::config::Config;
use crate::routes::audit_entry;

/// The filters of `GET /api/v1/audit`, and how to print.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Events whose actor or subject is this user (the live user of that name).
    #[arg(long)]
    pub user: Option<String>,
    /// One kind of event, e.g. login_failed.
    #[arg(long)]
    pub event: Option<String>,
    /// At or after this ISO-8601 UTC time, e.g. 2027-01-15T08:00:00Z.
    #[arg(long)]
    pub since: Option<String>,
    /// At or before this ISO-8601 UTC time.
    #[arg(long)]
    pub until: Option<String>,
    /// Events per page, 1 to 500 (default 50).
    #[arg(long)]
    pub limit: Option<u32>,
    /// The page after the one that printed this cursor.
    #[arg(long)]
    pub cursor: Option<String>,
    /// A table instead of one JSON object per line.
    #[arg(long)]
    pub table: bool,
}

/// Runs `tessera audit`; returns what to print (the events) and the next page's cursor, if
/// there is one.
pub async fn run_audit(
    config: &Config,
    clock: Arc<dyn Clock>,
    args: AuditArgs,
) -> anyhow::Result<(String, Option<String>)> {
    let filter = AuditFilter {
        user: args.user,
        event: args.event,
        since: args.since,
        until: args.until,
        limit: args.limit,
        cursor: args.cursor,
    };
    let pairs = filter.pairs();
    let query = parse_query(pairs.iter().map(|(name, value)| (*name, value.as_str())))
        .map_err(|e| anyhow::Error::msg(e.to_string()))?;
    let auth = crate::startup::build_auth(config, clock).await?;
    let (records, next) = auth.read_audit(&query).await?;
    let entries: Vec<AuditEntry> = records.into_iter().map(audit_entry).collect();
    let out = if args.table {
        table(&entries)
    } else {
        json_lines(&entries)?
    };
    Ok((out, next))
}

fn json_lines(entries: &[AuditEntry]) -> anyhow::Result<String> {
    let mut out = String::new();
    for e in entries {
        out.push_str(&serde_json::to_string(e)?);
        out.push('\n');
    }
    Ok(out)
}

fn table(entries: &[AuditEntry]) -> String {
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = format!(
        "{:>8}  {:<20}  {:<22}  {:<7}  {:<16}  {:<16}  {:<15}  DETAIL\n",
        "ID", "AT", "EVENT", "OUTCOME", "ACTOR", "SUBJECT", "IP"
    );
    for e in entries {
        let _ = writeln!(
            out,
            "{:>8}  {:<20}  {:<22}  {:<7}  {:<16}  {:<16}  {:<15}  {}",
            e.id,
            e.at,
            e.event,
            e.outcome,
            cell(&e.actor),
            cell(&e.subject),
            cell(&e.ip),
            e.detail
        );
    }
    out
}
