//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`. One thread owns
//! the write connection and commits concurrent writes together (group commit); reads use
//! read-only connections on the blocking pool.

mod apikey_rotation;
mod apikeys;
mod migrate;
mod readers;
mod resources;
mod sessions;
mod tokens;
mod user_changes;
mod users;
mod writer;

use crate::revocable::Revocable;
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, ErrorCode};
use tessera_core::settings::SessionLimitPolicy;
use tessera_core::store::{
    NewSession, NewUser, NextRefresh, RevokeReason, RevokedSession, Rotation,
};
use tessera_core::{Error, Result, Store, Timestamp, User};

use readers::Readers;
use writer::Writer;

#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

pub(crate) fn sql_error(e: rusqlite::Error) -> Error {
    Error::storage(e)
}

fn conflict_or_storage(e: rusqlite::Error, what: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => {
            Error::Conflict(what.to_string())
        }
        _ => sql_error(e),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        let path = path.to_path_buf();
        let conn = tokio::task::spawn_blocking({
            let path = path.clone();
            move || open_writer(&path)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(Self {
            writer: Writer::start(conn),
            readers: Readers::new(path),
        })
    }

    /// Inserts many sessions at once, with no per-user limit (for imports and benchmarks).
    pub async fn bulk_create_sessions(&self, sessions: &[NewSession]) -> Result<()> {
        let sessions = sessions.to_vec();
        self.writer
            .write(move |conn| {
                for s in &sessions {
                    sessions::insert(conn, s)?;
                }
                Ok(())
            })
            .await
    }
}

fn open_writer(path: &Path) -> Result<Connection> {
    create_private(path)?;
    let conn = Connection::open(path).map_err(sql_error)?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(sql_error)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(sql_error)?;
    migrate::migrate(&conn)?;
    Ok(conn)
}

/// Creates the database file readable by its owner only, when it does not exist yet. SQLite
/// gives its WAL and shared-memory files the database file's permissions.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Internal(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_user(&self, user: &NewUser) -> Result<()> {
        let user = user.clone();
        self.writer.write(move |c| users::create(c, &user)).await
    }
    async fn user(&self, username: &str) -> Result<Option<User>> {
        let username = username.to_string();
        self.readers.read(move |c| users::get(c, &username)).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        self.readers.read(users::list).await
    }
    async fn count_users(&self) -> Result<u64> {
        self.readers.read(users::count).await
    }
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        let (username, hash) = (username.to_string(), hash.to_string());
        self.writer
            .write(move |c| users::set_password_hash(c, &username, &hash))
            .await
    }
    async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool> {
        let username = username.to_string();
        self.writer
            .write(move |c| users::set_disabled(c, &username, disabled))
            .await
    }
    async fn record_login_failure(
        &self,
        username: &str,
        now: Timestamp,
        threshold: u32,
        lock_secs: i64,
    ) -> Result<()> {
        let username = username.to_string();
        self.writer
            .write(move |c| users::record_failure(c, &username, now, threshold, lock_secs))
            .await
    }
    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        let username = username.to_string();
        self.writer
            .write(move |c| users::clear_failures(c, &username))
            .await
    }
    async fn create_session(
        &self,
        session: &NewSession,
        max_sessions: u32,
        policy: SessionLimitPolicy,
    ) -> Result<Vec<String>> {
        let session = session.clone();
        self.writer
            .write(move |c| sessions::create(c, &session, max_sessions, policy))
            .await
    }
    async fn rotate_refresh(
        &self,
        presented: &[u8],
        next: &NextRefresh,
        now: Timestamp,
    ) -> Result<Rotation> {
        let (presented, next) = (presented.to_vec(), next.clone());
        self.writer
            .write(move |c| sessions::rotate(c, &presented, &next, now))
            .await
    }
    async fn session_of_refresh(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        let hash = hash.to_vec();
        self.readers
            .read(move |c| sessions::of_refresh(c, &hash, now))
            .await
    }
    async fn revoke_session(
        &self,
        session_id: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<bool> {
        let id = session_id.to_string();
        self.writer
            .write(move |c| sessions::revoke(c, &id, now, reason))
            .await
    }
    async fn revoke_user_sessions(
        &self,
        username: &str,
        now: Timestamp,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        let username = username.to_string();
        self.writer
            .write(move |c| sessions::revoke_user(c, &username, now, reason))
            .await
    }
    async fn revoked_since(&self, since: Timestamp) -> Result<Vec<RevokedSession>> {
        let rows = self
            .readers
            .read(move |c| revoked_since(c, Revocable::Sessions, since))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(session_id, revoked_at)| RevokedSession {
                session_id,
                revoked_at,
            })
            .collect())
    }
    async fn is_session_revoked(&self, session_id: &str) -> Result<bool> {
        let id = session_id.to_string();
        self.readers
            .read(move |c| sessions::is_revoked(c, &id))
            .await
    }
    async fn purge(&self, now: Timestamp, revoked_before: Timestamp) -> Result<u64> {
        self.writer
            .write(move |c| sessions::purge(c, now, revoked_before))
            .await
    }
}

/// `(id, revoked_at)` of the rows of `table` revoked at or after `since`.
fn revoked_since(c: &Connection, table: Revocable, since: Timestamp) -> Result<Vec<(String, i64)>> {
    let mut stmt = c
        .prepare_cached(&table.revoked_since_sql("?1"))
        .map_err(sql_error)?;
    stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[tokio::test]
    async fn the_database_and_its_wal_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tessera.db");
        let _store = SqliteStore::open(&path).await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.path().join(format!("tessera.db{suffix}"));
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
}
