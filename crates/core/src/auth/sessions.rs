//! A user's sessions: listing them, and ending one, all but the caller's, or (admins) all of a
//! user's. Each end goes the way logout does: revoked in the store with its `session_revoked`
//! event in the same transaction, then announced to every instance.

use std::net::IpAddr;

use tracing::info;

use super::{Auth, Validated};
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::store::{RevokeReason, SessionClient, SessionRecord};
use crate::text::printable_prefix;
use crate::user::{normalise, Permission};

/// The most characters of a user agent kept with a session.
pub const MAX_USER_AGENT_CHARS: usize = 256;

/// The name that stands for the caller in `/users/{username}/...`.
const ME: &str = "me";

/// The client at `ip` with the user agent of the request being handled, made printable and
/// capped, as a session's refresh token keeps them.
pub(super) fn session_client(ip: Option<IpAddr>) -> SessionClient {
    SessionClient {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: crate::audit::user_agent()
            .map(|ua| printable_prefix(ua.trim(), MAX_USER_AGENT_CHARS))
            .filter(|ua| !ua.is_empty()),
    }
}

fn is_admin(caller: &Validated) -> bool {
    caller.role.has(Permission::ManageUsers)
}

/// Whether `id` could be a session id (random URL-safe base64): anything else names none.
fn has_session_shape(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn no_such_session() -> Error {
    Error::NotFound("no such session".into())
}

impl Auth {
    /// The caller's live sessions, newest first.
    pub async fn list_sessions(&self, caller: &Validated) -> Result<Vec<SessionRecord>> {
        self.store
            .list_sessions(&caller.username, self.clock.now())
            .await
    }

    /// The live sessions of `username` (`me`: the caller), newest first: the user's own, or
    /// anyone's for an admin.
    pub async fn list_user_sessions(
        &self,
        caller: &Validated,
        username: &str,
    ) -> Result<Vec<SessionRecord>> {
        let username = self.user_of_the_caller(caller, username, "listing").await?;
        self.store.list_sessions(&username, self.clock.now()).await
    }

    /// Ends a live session of the caller's, or anyone's for an admin. One the caller may not
    /// see is answered like one that does not exist.
    pub async fn end_session(&self, caller: &Validated, id: &str) -> Result<()> {
        if !has_session_shape(id) {
            return Err(no_such_session());
        }
        let now = self.clock.now();
        let session = self
            .store
            .live_session(id, now)
            .await?
            .filter(|s| s.username == caller.username || is_admin(caller))
            .ok_or_else(no_such_session)?;
        let audit = self
            .event(AuditKind::SessionRevoked)
            .actor(&caller.username)
            .subject(&session.username)
            .detail("session_id", id)
            .detail("reason", RevokeReason::Revoked.as_str());
        let revoked = self
            .store
            .revoke_session_audited(id, now, RevokeReason::Revoked, &[audit])
            .await?;
        if !revoked {
            return Err(no_such_session());
        }
        self.revoked_here(&[RevocationKey::Session(id.to_string())], now)
            .await;
        info!(username = %self.log.name(&session.username), by = %self.log.name(&caller.username), "session ended");
        Ok(())
    }

    /// Ends every live session of the caller's but the one they call from; returns how many.
    pub async fn end_other_sessions(&self, caller: &Validated) -> Result<usize> {
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::SessionRevoked)
            .user(&caller.username)
            .detail("reason", RevokeReason::Revoked.as_str())
            .detail("kept_session_id", caller.session_id.clone());
        let revoked = self
            .store
            .revoke_other_sessions_audited(
                &caller.username,
                &caller.session_id,
                now,
                RevokeReason::Revoked,
                &[audit],
            )
            .await?;
        Ok(self
            .announce_ended(&caller.username, &caller.username, revoked, now)
            .await)
    }

    /// Ends every live session of `username` (admins, or the user themselves); returns the
    /// user's name and how many sessions ended.
    pub async fn end_user_sessions(
        &self,
        caller: &Validated,
        username: &str,
    ) -> Result<(String, usize)> {
        let username = self.user_of_the_caller(caller, username, "ending").await?;
        let now = self.clock.now();
        let audit = self
            .event(AuditKind::SessionRevoked)
            .actor(&caller.username)
            .subject(&username)
            .detail("reason", RevokeReason::Revoked.as_str());
        let revoked = self
            .store
            .revoke_user_sessions_audited(&username, now, RevokeReason::Revoked, &[audit])
            .await?;
        let n = self
            .announce_ended(&username, &caller.username, revoked, now)
            .await;
        Ok((username, n))
    }

    async fn announce_ended(
        &self,
        username: &str,
        by: &str,
        revoked: Vec<String>,
        now: crate::Timestamp,
    ) -> usize {
        let n = revoked.len();
        let keys: Vec<RevocationKey> = revoked.into_iter().map(RevocationKey::Session).collect();
        self.revoked_here(&keys, now).await;
        info!(username = %self.log.name(username), by = %self.log.name(by), sessions = n, "sessions ended");
        n
    }

    /// The user `raw` names (`me`: the caller) when the caller may see their sessions: their
    /// own, or anyone's for an admin (an unknown user is then 404). Others' are 403.
    async fn user_of_the_caller(
        &self,
        caller: &Validated,
        raw: &str,
        doing: &str,
    ) -> Result<String> {
        let username = match normalise(raw) {
            name if name == ME || name == caller.username => return Ok(caller.username.clone()),
            name => name,
        };
        if !is_admin(caller) {
            return Err(Error::Forbidden(format!(
                "{doing} another user's sessions needs the manage_users permission"
            )));
        }
        if self.store.user(&username).await?.is_none() {
            return Err(Error::NotFound(format!("no user {username}")));
        }
        Ok(username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_url_safe_ids_of_a_sane_length_can_name_a_session() {
        assert!(has_session_shape("AbC-_9xyzAbC-_9xyzAbC-"));
        for bad in ["", "a b", "a/b", "..", "%00", "é", &"a".repeat(65)] {
            assert!(!has_session_shape(bad), "{bad:?}");
        }
    }
}
