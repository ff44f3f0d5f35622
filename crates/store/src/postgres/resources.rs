//! Resources and their maintainers in PostgreSQL.

use sqlx::{PgExecutor, PgPool};
use tessera_core::audit::AuditEvent;
use tessera_core::store::{NewResource, Resource};
use tessera_core::{Error, Result, Timestamp};

use super::{conflict_or_storage, sql_error};

async fn maintainers(c: impl PgExecutor<'_>, resource: &str) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT username FROM resource_maintainers WHERE resource = $1 ORDER BY username",
    )
    .bind(resource)
    .fetch_all(c)
    .await
    .map_err(sql_error)
}

/// One statement: inserts the maintainer only when both the resource and the user exist, and
/// tells which of them is missing otherwise.
pub async fn add_maintainer(
    c: impl PgExecutor<'_>,
    resource: &str,
    username: &str,
    now: Timestamp,
) -> Result<bool> {
    let (has_resource, has_user, added): (bool, bool, bool) = sqlx::query_as(
        "WITH ins AS (
            INSERT INTO resource_maintainers (resource, username, added_at)
            SELECT r.name, u.username, $3 FROM resources r, users u
            WHERE r.name = $1 AND u.username = $2
            ON CONFLICT DO NOTHING RETURNING 1
         )
         SELECT EXISTS (SELECT 1 FROM resources WHERE name = $1),
                EXISTS (SELECT 1 FROM users WHERE username = $2),
                EXISTS (SELECT 1 FROM ins)",
    )
    .bind(resource)
    .bind(username)
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(sql_error)?;
    if !has_resource {
        return Err(Error::NotFound(format!("no resource {resource}")));
    }
    if !has_user {
        return Err(Error::NotFound(format!("no user {username}")));
    }
    Ok(added)
}

pub async fn create(pool: &PgPool, r: &NewResource, audit: &[AuditEvent]) -> Result<()> {
    let mut tx = pool.begin().await.map_err(sql_error)?;
    sqlx::query("INSERT INTO resources (name, created_at) VALUES ($1, $2)")
        .bind(&r.name)
        .bind(r.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_or_storage(e, &format!("resource {} already exists", r.name)))?;
    for username in &r.maintainers {
        add_maintainer(&mut *tx, &r.name, username, r.created_at).await?;
    }
    super::audit::insert_all(&mut tx, audit).await?;
    tx.commit().await.map_err(sql_error)
}

pub async fn get(pool: &PgPool, name: &str) -> Result<Option<Resource>> {
    let created_at: Option<i64> =
        sqlx::query_scalar("SELECT created_at FROM resources WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(sql_error)?;
    let Some(created_at) = created_at else {
        return Ok(None);
    };
    Ok(Some(Resource {
        name: name.to_string(),
        created_at,
        maintainers: maintainers(pool, name).await?,
    }))
}

pub async fn list(pool: &PgPool, maintainer: Option<&str>) -> Result<Vec<Resource>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, created_at FROM resources r WHERE $1::text IS NULL OR EXISTS (
            SELECT 1 FROM resource_maintainers m WHERE m.resource = r.name AND m.username = $1
         ) ORDER BY name",
    )
    .bind(maintainer)
    .fetch_all(pool)
    .await
    .map_err(sql_error)?;
    let mut out = Vec::with_capacity(rows.len());
    for (name, created_at) in rows {
        out.push(Resource {
            maintainers: maintainers(pool, &name).await?,
            name,
            created_at,
        });
    }
    Ok(out)
}

pub async fn remove_maintainer(
    c: impl PgExecutor<'_>,
    resource: &str,
    username: &str,
) -> Result<bool> {
    let done =
        sqlx::query("DELETE FROM resource_maintainers WHERE resource = $1 AND username = $2")
            .bind(resource)
            .bind(username)
            .execute(c)
            .await
            .map_err(sql_error)?;
    Ok(done.rows_affected() == 1)
}
