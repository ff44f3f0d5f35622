//! A password change in SQLite: the new hash and flag, and the end of what the old password
//! opened, in one transaction of the single writer.

use async_trait::async_trait;
use rusqlite::{params, Connection};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    ApiKeyRevokeReason, PasswordChange, PasswordChanged, PasswordStore, RevokeReason,
};
use tessera_core::Result;

use super::helpers::{exec, strings};
use super::{apikey_revocation, audit, scoped_tokens, users, SqliteStore};

fn change(c: &Connection, ch: &PasswordChange) -> Result<Option<PasswordChanged>> {
    users::check_unchanged(c, ch.requires.as_ref())?;
    let updated = exec(
        c,
        "UPDATE users SET password_hash = ?2, must_change_password = ?3,
                          security_stamp = security_stamp + 1
         WHERE username = ?1",
        params![ch.username, ch.password_hash, ch.must_change_password],
    )?;
    if updated != 1 {
        return Ok(None);
    }
    // Every instance forgets the user's cached profile (its flag) through the revocation log.
    exec(
        c,
        "INSERT INTO user_changes (username, changed_at) VALUES (?1, ?2)
         ON CONFLICT (username) DO UPDATE SET changed_at = excluded.changed_at",
        params![ch.username, ch.now],
    )?;
    let kept = ch.requires.as_ref().and_then(|r| r.session_id.as_deref());
    let sessions = strings(
        c,
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3
         WHERE username = ?1 AND revoked_at IS NULL AND expires_at > ?2 AND id IS NOT ?4
         RETURNING id",
        params![
            ch.username,
            ch.now,
            RevokeReason::PasswordChanged.as_str(),
            kept
        ],
    )?;
    let apikeys = apikey_revocation::revoke_user(
        c,
        &ch.username,
        ch.now,
        ApiKeyRevokeReason::PasswordChanged,
    )?;
    let tokens = if ch.revoke_personal_tokens {
        scoped_tokens::revoke_user_tokens(c, &ch.username, ch.now)?
    } else {
        Vec::new()
    };
    Ok(Some(PasswordChanged {
        sessions,
        apikeys,
        tokens,
    }))
}

#[async_trait]
impl PasswordStore for SqliteStore {
    async fn change_password_audited(
        &self,
        change_: &PasswordChange,
        audit: &[AuditEvent],
    ) -> Result<Option<PasswordChanged>> {
        let (ch, audit) = (change_.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                let changed = change(c, &ch)?;
                audit::insert_if(c, changed.is_some(), &audit)?;
                Ok(changed)
            })
            .await
    }
}
