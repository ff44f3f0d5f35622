//! Scoped tokens in PostgreSQL, and the `ScopedTokenStore` port (whose resources are in
//! `resources`).

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgExecutor, PgPool, Row};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{
    NewResource, NewToken, Resource, ScopedTokenStore, TokenOwner, TokenRecord, TokenUse,
};
use tessera_core::{Error, Result, Timestamp};

use super::{audit, conflict_or_storage, resources, sql_error, users, PostgresStore};
use crate::rows::{owner_columns, token_owner, TOKEN_COLUMNS};

fn record(row: PgRow) -> Result<TokenRecord> {
    let get = Error::storage::<sqlx::Error>;
    Ok(TokenRecord {
        id: row.try_get(0).map_err(get)?,
        owner: token_owner(row.try_get(1).map_err(get)?, row.try_get(2).map_err(get)?),
        description: row.try_get(3).map_err(get)?,
        scopes: row.try_get(4).map_err(get)?,
        created_by: row.try_get(5).map_err(get)?,
        created_at: row.try_get(6).map_err(get)?,
        expires_at: row.try_get(7).map_err(get)?,
        revoked_at: row.try_get(8).map_err(get)?,
        last_used_at: row.try_get(9).map_err(get)?,
        last_used_ip: row.try_get(10).map_err(get)?,
    })
}

/// One statement: the insert happens only when the owner exists.
async fn create_token(c: impl PgExecutor<'_>, t: &NewToken) -> Result<()> {
    let (owner, resource) = owner_columns(&t.owner);
    let done = sqlx::query(
        "INSERT INTO scoped_tokens (id, hash, owner, resource, description, scopes, created_by,
                                    created_at, expires_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE EXISTS (SELECT 1 FROM users WHERE username = $3)
            OR EXISTS (SELECT 1 FROM resources WHERE name = $4)",
    )
    .bind(&t.id)
    .bind(&t.hash)
    .bind(owner)
    .bind(resource)
    .bind(&t.description)
    .bind(&t.scopes)
    .bind(&t.created_by)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(c)
    .await
    .map_err(|e| conflict_or_storage(e, "the token already exists"))?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound("the token's owner does not exist".into()));
    }
    Ok(())
}

async fn execute(
    query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    c: impl PgExecutor<'_>,
) -> Result<bool> {
    let done = query.execute(c).await.map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}

async fn one(pool: &PgPool, column: &str, key: &[u8], id: &str) -> Result<Option<TokenRecord>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM scoped_tokens WHERE {column}");
    let query = sqlx::query(&sql);
    let query = if column.starts_with("hash") {
        query.bind(key)
    } else {
        query.bind(id)
    };
    query
        .fetch_optional(pool)
        .await
        .map_err(sql_error)?
        .map(record)
        .transpose()
}

async fn list_tokens(pool: &PgPool, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
    let (column, key) = match owner {
        TokenOwner::User(u) => ("owner", u),
        TokenOwner::Resource(r) => ("resource", r),
    };
    sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM scoped_tokens WHERE {column} = $1 AND revoked_at IS NULL
         ORDER BY created_at, seq"
    ))
    .bind(key)
    .fetch_all(pool)
    .await
    .map_err(sql_error)?
    .into_iter()
    .map(record)
    .collect()
}

/// One statement for the whole batch.
async fn record_uses(pool: &PgPool, uses: &[TokenUse]) -> Result<()> {
    let ids: Vec<&str> = uses.iter().map(|u| u.id.as_str()).collect();
    let ats: Vec<i64> = uses.iter().map(|u| u.at).collect();
    let ips: Vec<Option<&str>> = uses.iter().map(|u| u.ip.as_deref()).collect();
    sqlx::query(
        "UPDATE scoped_tokens t SET last_used_at = u.at, last_used_ip = u.ip
         FROM UNNEST($1::text[], $2::int8[], $3::text[]) AS u(id, at, ip)
         WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.at)",
    )
    .bind(&ids)
    .bind(&ats)
    .bind(&ips)
    .execute(pool)
    .await
    .map_err(sql_error)?;
    Ok(())
}

/// Revokes the user's personal tokens that are neither revoked nor expired; their ids.
pub(super) async fn revoke_user_tokens(
    c: impl PgExecutor<'_>,
    username: &str,
    now: Timestamp,
) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE scoped_tokens SET revoked_at = $2
         WHERE owner = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
         RETURNING id",
    )
    .bind(username)
    .bind(now)
    .fetch_all(c)
    .await
    .map_err(sql_error)
}

#[async_trait]
impl ScopedTokenStore for PostgresStore {
    async fn create_resource_audited(
        &self,
        resource: &NewResource,
        audit: &[AuditEvent],
    ) -> Result<()> {
        resources::create(&self.pool, resource, audit).await
    }
    async fn resource(&self, name: &str) -> Result<Option<Resource>> {
        resources::get(&self.pool, name).await
    }
    async fn list_resources(&self, maintainer: Option<&str>) -> Result<Vec<Resource>> {
        resources::list(&self.pool, maintainer).await
    }
    async fn add_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let added = resources::add_maintainer(&mut *tx, resource, username, now).await?;
        audit::insert_if(&mut tx, added, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(added)
    }
    async fn remove_maintainer_audited(
        &self,
        resource: &str,
        username: &str,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let removed = resources::remove_maintainer(&mut *tx, resource, username).await?;
        audit::insert_if(&mut tx, removed, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(removed)
    }
    async fn create_token_audited(&self, token: &NewToken, audit: &[AuditEvent]) -> Result<()> {
        if token.requires.is_none() && audit.is_empty() {
            return create_token(&self.pool, token).await;
        }
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        if let Some(requires) = &token.requires {
            users::check_unchanged(&mut tx, requires).await?;
        }
        create_token(&mut *tx, token).await?;
        audit::insert_all(&mut tx, audit).await?;
        tx.commit().await.map_err(sql_error)
    }
    async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRecord>> {
        one(&self.pool, "hash = $1", hash, "").await
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        one(&self.pool, "id = $1", &[], id).await
    }
    async fn list_tokens(&self, owner: &TokenOwner) -> Result<Vec<TokenRecord>> {
        list_tokens(&self.pool, owner).await
    }
    async fn set_token_description(&self, id: &str, description: &str) -> Result<bool> {
        let q = sqlx::query(
            "UPDATE scoped_tokens SET description = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .bind(description.to_string());
        execute(q, &self.pool).await
    }
    async fn revoke_token_audited(
        &self,
        id: &str,
        now: Timestamp,
        audit: &[AuditEvent],
    ) -> Result<bool> {
        let q = sqlx::query(
            "UPDATE scoped_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .bind(now);
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        let revoked = execute(q, &mut *tx).await?;
        audit::insert_if(&mut tx, revoked, audit).await?;
        tx.commit().await.map_err(sql_error)?;
        Ok(revoked)
    }
    async fn revoke_user_tokens(&self, username: &str, now: Timestamp) -> Result<Vec<String>> {
        revoke_user_tokens(&self.pool, username, now).await
    }
    async fn record_token_uses(&self, uses: &[TokenUse]) -> Result<()> {
        record_uses(&self.pool, uses).await
    }
}
