//! The audit trail's statements and row mapping, alike on both backends: written with SQLite's
//! `?N` parameters, which [`crate::lockout_sql::pg`] turns into PostgreSQL's `$N`.

use tessera_core::audit::AuditEvent;
use tessera_core::store::{AuditQuery, AuditRecord};
use tessera_core::Timestamp;

/// `?1` at, `?2` event, `?3` actor, `?4` subject, `?5` ip, `?6` outcome, `?7` detail: the
/// users named get their uids as they are now, in the same statement.
pub(crate) const INSERT: &str =
    "INSERT INTO audit_events (at, event, actor, subject, actor_uid, subject_uid, ip, outcome, detail)
     VALUES (?1, ?2, ?3, ?4, (SELECT uid FROM users WHERE username = ?3),
             (SELECT uid FROM users WHERE username = ?4), ?5, ?6, ?7)";

/// `?1` before, `?2` batch: the oldest events first.
pub(crate) const PURGE: &str = "DELETE FROM audit_events WHERE id IN
     (SELECT id FROM audit_events WHERE at < ?1 ORDER BY id LIMIT ?2)";

/// The columns of [`AuditRecord`], in its order.
const COLUMNS: &str = "id, at, event, actor, subject, ip, outcome, detail";

/// A row as the drivers read `COLUMNS`.
pub(crate) type Row = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

pub(crate) fn record(r: Row) -> AuditRecord {
    let (id, at, event, actor, subject, ip, outcome, detail) = r;
    AuditRecord {
        id,
        at,
        event,
        actor,
        subject,
        ip,
        outcome,
        detail,
    }
}

/// The parameters of [`INSERT`] for one event.
pub(crate) struct Insert<'a> {
    pub at: Timestamp,
    pub event: &'static str,
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub outcome: &'static str,
    pub detail: String,
}

pub(crate) fn insert(e: &AuditEvent) -> Insert<'_> {
    Insert {
        at: e.at,
        event: e.event.as_str(),
        actor: e.actor.as_deref(),
        subject: e.subject.as_deref(),
        ip: e.ip.as_deref(),
        outcome: e.outcome.as_str(),
        detail: e.detail_json(),
    }
}

/// A parameter of the list query.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// The list query for `q` with its parameters, numbered `?1`… in order.
pub(crate) fn select(q: &AuditQuery) -> (String, Vec<Param>) {
    let mut params = Vec::new();
    let mut conditions = Vec::new();
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("?{}", params.len())
    };
    if let Some(user) = &q.user {
        let n = next(Param::Text(user.clone()), &mut params);
        conditions.push(format!(
            "(actor_uid = (SELECT uid FROM users WHERE username = {n}) \
             OR subject_uid = (SELECT uid FROM users WHERE username = {n}))"
        ));
    }
    if let Some(event) = q.event {
        let n = next(Param::Text(event.as_str().into()), &mut params);
        conditions.push(format!("event = {n}"));
    }
    if let Some(since) = q.since {
        conditions.push(format!("at >= {}", next(Param::Int(since), &mut params)));
    }
    if let Some(until) = q.until {
        conditions.push(format!("at <= {}", next(Param::Int(until), &mut params)));
    }
    if let Some(before) = q.before_id {
        conditions.push(format!("id < {}", next(Param::Int(before), &mut params)));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let limit = next(Param::Int(i64::from(q.limit)), &mut params);
    (
        format!("SELECT {COLUMNS} FROM audit_events{filter} ORDER BY id DESC LIMIT {limit}"),
        params,
    )
}
