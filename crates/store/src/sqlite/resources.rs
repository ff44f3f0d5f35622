//! Resources and their maintainers in SQLite.

use rusqlite::{params, Connection, OptionalExtension};
use tessera_core::store::{NewResource, Resource};
use tessera_core::{Error, Result, Timestamp};

use super::helpers::{exec, exists, strings, user_exists};
use super::{conflict_or_storage, sql_error};

fn maintainers(c: &Connection, resource: &str) -> Result<Vec<String>> {
    strings(
        c,
        "SELECT username FROM resource_maintainers WHERE resource = ?1 ORDER BY username",
        [resource],
    )
}

pub fn add_maintainer(
    c: &Connection,
    resource: &str,
    username: &str,
    now: Timestamp,
) -> Result<bool> {
    if !exists(c, "SELECT 1 FROM resources WHERE name = ?1", resource)? {
        return Err(Error::NotFound(format!("no resource {resource}")));
    }
    if !user_exists(c, username)? {
        return Err(Error::NotFound(format!("no user {username}")));
    }
    let n = exec(
        c,
        "INSERT INTO resource_maintainers (resource, username, added_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![resource, username, now],
    )?;
    Ok(n == 1)
}

pub fn create(c: &Connection, r: &NewResource) -> Result<()> {
    c.prepare_cached("INSERT INTO resources (name, created_at) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![r.name, r.created_at]))
        .map_err(|e| conflict_or_storage(e, &format!("resource {} already exists", r.name)))?;
    for username in &r.maintainers {
        add_maintainer(c, &r.name, username, r.created_at)?;
    }
    Ok(())
}

pub fn list(c: &Connection, maintainer: Option<&str>) -> Result<Vec<Resource>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT name, created_at FROM resources r WHERE ?1 IS NULL OR EXISTS (
                SELECT 1 FROM resource_maintainers m WHERE m.resource = r.name AND m.username = ?1
             ) ORDER BY name",
        )
        .map_err(sql_error)?;
    let rows = stmt
        .query_map([maintainer], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<(String, i64)>>>())
        .map_err(sql_error)?;
    rows.into_iter()
        .map(|(name, created_at)| {
            Ok(Resource {
                maintainers: maintainers(c, &name)?,
                name,
                created_at,
            })
        })
        .collect()
}

pub fn get(c: &Connection, name: &str) -> Result<Option<Resource>> {
    let created_at: Option<i64> = c
        .prepare_cached("SELECT created_at FROM resources WHERE name = ?1")
        .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional())
        .map_err(sql_error)?;
    let Some(created_at) = created_at else {
        return Ok(None);
    };
    Ok(Some(Resource {
        maintainers: maintainers(c, name)?,
        name: name.to_string(),
        created_at,
    }))
}
