//! Service clients in SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{ClientRecord, ClientStore, NewClient, NewClientSecret, TokenUse};
use tessera_core::{Result, Timestamp};

use super::helpers::{exec, exists};
use super::{audit, conflict_or_storage, sql_error, SqliteStore};
use crate::rows::CLIENT_COLUMNS;

fn record(r: &Row<'_>) -> rusqlite::Result<ClientRecord> {
    Ok(ClientRecord {
        client_id: r.get(0)?,
        name: r.get(1)?,
        scopes: r.get(2)?,
        rights: r.get(3)?,
        secret_hash: r.get(4)?,
        generation: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        last_used_at: r.get(8)?,
        last_used_ip: r.get(9)?,
    })
}

fn create(c: &Connection, n: &NewClient) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO clients (client_id, name, scopes, rights, secret_hash, generation,
                              secret_changed_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            n.client_id,
            n.name,
            n.scopes,
            n.rights,
            n.secret_hash,
            n.generation,
            n.created_at,
            n.created_by
        ])
    })
    .map_err(|e| conflict_or_storage(e, "the client already exists"))?;
    Ok(())
}

fn live_generation(c: &Connection, client_id: &str) -> Result<Option<String>> {
    c.prepare_cached("SELECT generation FROM clients WHERE client_id = ?1 AND removed_at IS NULL")
        .and_then(|mut s| s.query_row([client_id], |r| r.get(0)).optional())
        .map_err(sql_error)
}

fn list(c: &Connection, client_id: Option<&str>) -> Result<Vec<ClientRecord>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients
             WHERE removed_at IS NULL AND (?1 IS NULL OR client_id = ?1)
             ORDER BY created_at, rowid"
        ))
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([client_id], record)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

#[async_trait]
impl ClientStore for SqliteStore {
    async fn create_client_audited(&self, client: &NewClient, audit: &[AuditEvent]) -> Result<()> {
        let (n, audit) = (client.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                create(c, &n)?;
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        let id = client_id.to_string();
        self.readers
            .read(move |c| Ok(list(c, Some(&id))?.pop()))
            .await
    }
    async fn list_clients(&self) -> Result<Vec<ClientRecord>> {
        self.readers.read(move |c| list(c, None)).await
    }
    async fn rotate_client_secret_audited(
        &self,
        client_id: &str,
        secret: &NewClientSecret,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        let (id, secret, audit) = (client_id.to_string(), secret.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                let old = live_generation(c, &id)?;
                if old.is_some() {
                    exec(
                        c,
                        "UPDATE clients SET secret_hash = ?2, generation = ?3,
                                            secret_changed_at = ?4
                         WHERE client_id = ?1 AND removed_at IS NULL",
                        params![id, secret.secret_hash, secret.generation, now],
                    )?;
                }
                audit::insert_if(c, old.is_some(), &audit)?;
                Ok(old)
            })
            .await
    }
    async fn remove_client_audited(
        &self,
        client_id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<Option<String>> {
        let (id, audit) = (client_id.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let old = live_generation(c, &id)?;
                if old.is_some() {
                    exec(
                        c,
                        "UPDATE clients SET removed_at = ?2 WHERE client_id = ?1 AND removed_at IS NULL",
                        params![id, now],
                    )?;
                }
                audit::insert_if(c, old.is_some(), &audit)?;
                Ok(old)
            })
            .await
    }
    async fn is_client_generation_live(&self, generation: &str) -> Result<bool> {
        let g = generation.to_string();
        self.readers
            .read(move |c| {
                exists(
                    c,
                    "SELECT 1 FROM clients WHERE generation = ?1 AND removed_at IS NULL",
                    &g,
                )
            })
            .await
    }
    async fn revoke_client_token(
        &self,
        jti: &str,
        client_id: &str,
        expires_at: Timestamp,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<()> {
        let (jti, id, audit) = (jti.to_string(), client_id.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let added = exec(
                    c,
                    "INSERT INTO revoked_client_tokens (jti, client_id, revoked_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (jti) DO NOTHING",
                    params![jti, id, now, expires_at],
                )? == 1;
                audit::insert_if(c, added, &audit)
            })
            .await
    }
    async fn is_client_token_revoked(&self, jti: &str) -> Result<bool> {
        let jti = jti.to_string();
        self.readers
            .read(move |c| {
                exists(
                    c,
                    "SELECT 1 FROM revoked_client_tokens WHERE jti = ?1",
                    &jti,
                )
            })
            .await
    }
    async fn purge_revoked_client_tokens(&self, expired_before: Timestamp) -> Result<u64> {
        self.writer
            .write(move |c| {
                let n = exec(
                    c,
                    "DELETE FROM revoked_client_tokens WHERE expires_at < ?1",
                    params![expired_before],
                )?;
                Ok(n as u64)
            })
            .await
    }
    async fn record_client_uses(&self, uses: &[TokenUse]) -> Result<()> {
        let uses = uses.to_vec();
        self.writer
            .write(move |c| {
                for u in &uses {
                    exec(
                        c,
                        "UPDATE clients SET last_used_at = ?2, last_used_ip = ?3
                         WHERE client_id = ?1 AND (last_used_at IS NULL OR last_used_at <= ?2)",
                        params![u.id, u.at, u.ip],
                    )?;
                }
                Ok(())
            })
            .await
    }
}
