//! Scoped tokens in SQLite, and the `ScopedTokenStore` port (whose resources are in
//! `resources`).

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    NewResource, NewToken, Resource, ScopedTokenStore, TokenOwner, TokenRecord, TokenUse,
};
use tessera_core::{Error, Result, Timestamp};

use super::helpers::{exec, exists, strings, user_exists};
use super::{audit, conflict_or_storage, resources, sql_error, users, SqliteStore};
use crate::rows::{owner_columns, token_owner, TOKEN_COLUMNS};

fn record(r: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: r.get(0)?,
        owner: token_owner(r.get(1)?, r.get(2)?),
        description: r.get(3)?,
        scopes: r.get(4)?,
        created_by: r.get(5)?,
        created_at: r.get(6)?,
        expires_at: r.get(7)?,
        revoked_at: r.get(8)?,
        last_used_at: r.get(9)?,
        last_used_ip: r.get(10)?,
    })
}

fn one_token(
    c: &Connection,
    column: &str,
    key: impl rusqlite::ToSql,
) -> Result<Option<TokenRecord>> {
    c.prepare_cached(&format!(
        "SELECT {TOKEN_COLUMNS} FROM scoped_tokens WHERE {column} = ?1"
    ))
    .and_then(|mut s| s.query_row([key], record).optional())
    .map_err(sql_error)
}

fn create_token(c: &Connection, t: &NewToken) -> Result<()> {
    users::check_unchanged(c, t.requires.as_ref())?;
    let (owner, resource) = owner_columns(&t.owner);
    let found = match (owner, resource) {
        (Some(u), _) => user_exists(c, u)?,
        (_, Some(r)) => exists(c, "SELECT 1 FROM resources WHERE name = ?1", r)?,
        _ => false,
    };
    if !found {
        return Err(Error::NotFound("the token's owner does not exist".into()));
    }
    c.prepare_cached(
        "INSERT INTO scoped_tokens (id, hash, owner, resource, description, scopes, created_by,
                                    created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            t.id,
            t.hash,
            owner,
            resource,
            t.description,
            t.scopes,
            t.created_by,
            t.created_at,
            t.expires_at
        ])
    })
    .map_err(|e| conflict_or_storage(e, "the token already exists"))?;
    Ok(())
}

fn list_tokens(c: &Connection, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
    let (column, key) = match owner {
        TokenOwner::User(u) => ("owner", u),
        TokenOwner::Resource(r) => ("resource", r),
    };
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM scoped_tokens WHERE {column} = ?1 AND revoked_at IS NULL
             ORDER BY created_at, rowid"
        ))
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([key], record)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    Ok(rows)
}

fn record_uses(c: &Connection, uses: &[TokenUse]) -> Result<()> {
    for u in uses {
        exec(
            c,
            "UPDATE scoped_tokens SET last_used_at = ?2, last_used_ip = ?3
             WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at <= ?2)",
            params![u.id, u.at, u.ip],
        )?;
    }
    Ok(())
}

/// Revokes the user's personal tokens that are neither revoked nor expired; their ids.
pub(super) fn revoke_user_tokens(
    c: &Connection,
    username: &str,
    now: Timestamp,
) -> Result<Vec<String>> {
    strings(
        c,
        "UPDATE scoped_tokens SET revoked_at = ?2
         WHERE owner = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
         RETURNING id",
        params![username, now],
    )
}

#[async_trait]
impl ScopedTokenStore for SqliteStore {
    async fn create_resource_audited(
        &self,
        resource: &NewResource,
        audit: &[AuditEvent],
    ) -> Result<()> {
        let (r, audit) = (resource.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                resources::create(c, &r)?;
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        let name = name.to_string();
        self.readers.read(move |c| resources::get(c, &name)).await
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        let maintainer = maintainer.map(str::to_string);
        self.readers
            .read(move |c| resources::list(c, maintainer.as_deref()))
            .await
    }
    async fn add_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (r, u, audit) = (resource.to_string(), username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let added = resources::add_maintainer(c, &r, &u, now)?;
                audit::insert_if(c, added, &audit)?;
                Ok(added)
            })
            .await
    }
    async fn remove_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (r, u, audit) = (resource.to_string(), username.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let sql = "DELETE FROM resource_maintainers WHERE resource = ?1 AND username = ?2";
                let removed = exec(c, sql, params![r, u])? == 1;
                audit::insert_if(c, removed, &audit)?;
                Ok(removed)
            })
            .await
    }
    async fn create_token_audited(&self, token: &NewToken, audit: &[AuditEvent]) -> Result<()> {
        let (t, audit) = (token.clone(), audit.to_vec());
        self.writer
            .write(move |c| {
                create_token(c, &t)?;
                audit::insert_all(c, &audit)
            })
            .await
    }
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>> {
        let hash = hash.to_vec();
        self.readers.read(move |c| one_token(c, "hash", hash)).await
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        let id = id.to_string();
        self.readers.read(move |c| one_token(c, "id", id)).await
    }
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        let owner = owner.clone();
        self.readers.read(move |c| list_tokens(c, &owner)).await
    }
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool> {
        let (id, d) = (id.to_string(), description.to_string());
        self.writer
            .write(move |c| {
                let sql = "UPDATE scoped_tokens SET description = ?2
                           WHERE id = ?1 AND revoked_at IS NULL";
                Ok(exec(c, sql, params![id, d])? == 1)
            })
            .await
    }
    async fn revoke_token_audited(
        &self,
        id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let (id, audit) = (id.to_string(), audit.to_vec());
        self.writer
            .write(move |c| {
                let sql = "UPDATE scoped_tokens SET revoked_at = ?2
                           WHERE id = ?1 AND revoked_at IS NULL";
                let revoked = exec(c, sql, params![id, now])? == 1;
                audit::insert_if(c, revoked, &audit)?;
                Ok(revoked)
            })
            .await
    }
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>> {
        let u = username.to_string();
        self.writer
            .write(move |c| revoke_user_tokens(c, &u, now))
            .await
    }
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()> {
        let uses = uses.to_vec();
        self.writer.write(move |c| record_uses(c, &uses)).await
    }
}
