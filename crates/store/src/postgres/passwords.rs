//! A password change in PostgreSQL, in one transaction that first locks the user's row
//! `FOR UPDATE`: a credential being stored (which holds that row `FOR SHARE` from its stamp
//! check to its commit) either commits first and is ended here, or waits and then finds the
//! stamp changed; an API-key rotation in progress likewise commits first and its successor is
//! ended (see `apikey_revocation`).

use async_trait::async_trait;
use sqlx::PgConnection;
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    ApiKeyRevokeReason, PasswordChange, PasswordChanged, PasswordStore, RevokeReason, Unchanged,
};
use tessera_core::Result;

use super::{apikey_revocation, audit, scoped_tokens, sql_error, PostgresStore};

/// Locks the user's row; false when there is no such user. Fails with
/// [`Unchanged::broken`] when the change requires what no longer holds.
async fn lock_and_check(c: &mut PgConnection, ch: &PasswordChange) -> Result<bool> {
    let user: Option<(i64, bool)> =
        sqlx::query_as("SELECT security_stamp, disabled FROM users WHERE username = $1 FOR UPDATE")
            .bind(&ch.username)
            .fetch_optional(&mut *c)
            .await
            .map_err(sql_error)?;
    let Some(requires) = &ch.requires else {
        return Ok(user.is_some());
    };
    let session_live = match &requires.session_id {
        Some(id) => sqlx::query_scalar::<_, i32>(
            "SELECT 1 FROM sessions WHERE id = $1 AND username = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(&ch.username)
        .fetch_optional(&mut *c)
        .await
        .map_err(sql_error)?
        .is_some(),
        None => true,
    };
    if user != Some((requires.stamp, false)) || !session_live {
        return Err(Unchanged::broken());
    }
    Ok(true)
}

async fn change(c: &mut PgConnection, ch: &PasswordChange) -> Result<Option<PasswordChanged>> {
    if !lock_and_check(c, ch).await? {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3,
                          security_stamp = security_stamp + 1
         WHERE username = $1",
    )
    .bind(&ch.username)
    .bind(&ch.password_hash)
    .bind(ch.must_change_password)
    .execute(&mut *c)
    .await
    .map_err(sql_error)?;
    // Every instance forgets the user's cached profile (its flag) through the revocation log.
    sqlx::query(
        "INSERT INTO user_changes (username, changed_at) VALUES ($1, $2)
         ON CONFLICT (username) DO UPDATE SET changed_at = EXCLUDED.changed_at",
    )
    .bind(&ch.username)
    .bind(ch.now)
    .execute(&mut *c)
    .await
    .map_err(sql_error)?;
    let kept = ch.requires.as_ref().and_then(|r| r.session_id.as_deref());
    let sessions: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = $3
         WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2
           AND id IS DISTINCT FROM $4
         RETURNING id",
    )
    .bind(&ch.username)
    .bind(ch.now)
    .bind(RevokeReason::PasswordChanged.as_str())
    .bind(kept)
    .fetch_all(&mut *c)
    .await
    .map_err(sql_error)?;
    let apikeys = apikey_revocation::revoke_where(
        c,
        "username",
        &ch.username,
        ch.now,
        ApiKeyRevokeReason::PasswordChanged,
    )
    .await?;
    let tokens = if ch.revoke_personal_tokens {
        scoped_tokens::revoke_user_tokens(&mut *c, &ch.username, ch.now).await?
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
impl PasswordStore for PostgresStore {
    async fn change_password_audited(
        &self,
        ch: &PasswordChange,
        audit: &[AuditEvent],
    ) -> Result<Option<PasswordChanged>> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let changed = change(&mut tx, ch).await?;
        audit::insert_if(&mut tx, changed.is_some(), audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(changed)
    }
}
