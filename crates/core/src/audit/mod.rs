//! The audit trail: what security event happened, when, by whom, to whom, from where, and how
//! it ended. An [`AuditEvent`] is stored by the same store call (one transaction) as the change
//! it records; it never holds a secret.

mod client;
mod kind;
mod query;

pub use client::{client_ip, from_client, user_agent, with_user_agent};
pub use kind::AuditKind;
pub use query::{cursor, parse_query};

use serde_json::{Map, Value};

use crate::Timestamp;

/// How the event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// One event to append. `actor` and `subject` are usernames as they are now (the store also
/// keeps the users' immutable ids, so a later user of the same name inherits nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub event: AuditKind,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub outcome: Outcome,
    /// A small object of non-secret facts (ids, reasons, roles).
    pub detail: Map<String, Value>,
}

impl AuditEvent {
    /// A successful `event` at `at`, with no one named yet.
    pub fn new(event: AuditKind, at: Timestamp) -> Self {
        Self {
            at,
            event,
            actor: None,
            subject: None,
            ip: None,
            outcome: Outcome::Success,
            detail: Map::new(),
        }
    }

    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The user acting on themselves.
    pub fn user(self, username: impl Into<String>) -> Self {
        let username = username.into();
        self.actor(username.clone()).subject(username)
    }

    pub fn ip(mut self, ip: Option<impl ToString>) -> Self {
        self.ip = ip.map(|ip| ip.to_string());
        self
    }

    pub fn failed(mut self) -> Self {
        self.outcome = Outcome::Failure;
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_string(), value.into());
        self
    }

    /// The `session_revoked` event of a session evicted by the per-user limit while this
    /// event's session was opened.
    pub fn evicted(&self, session_id: &str) -> Self {
        let mut e = AuditEvent::new(AuditKind::SessionRevoked, self.at)
            .ip(self.ip.as_deref())
            .detail("session_id", session_id)
            .detail("reason", "session_limit");
        e.actor = self.actor.clone();
        e.subject = self.subject.clone();
        e
    }

    /// This event about `username` (acting on their own session `session_id`).
    pub fn of_session(self, username: &str, session_id: &str) -> Self {
        self.user(username).detail("session_id", session_id)
    }

    /// `detail` as the JSON text the store keeps.
    pub fn detail_json(&self) -> String {
        Value::Object(self.detail.clone()).to_string()
    }
}

/// A user's immutable internal id: 128 random bits as lowercase hex.
pub fn new_uid() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the trail keeps of a username that names no user (a failed login): a keyed hash, so
/// the same unknown name is recognisable across events but never readable.
pub fn unknown_name(jwt: &crate::jwt::JwtCodec, name: &str) -> String {
    let mac = jwt.derive("audit/unknown-username", name.as_bytes());
    format!("unknown:{}", hex::encode(&mac[..16]))
}
