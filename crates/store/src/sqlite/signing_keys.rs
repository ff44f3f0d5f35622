//! Signing keys in SQLite: a rotation is one write on the single writer, so two never
//! interleave.

use async_trait::async_trait;
use rusqlite::params;
use tessera_core::signing::StoredKey;
use tessera_core::store::SigningKeyStore;
use tessera_core::{Result, Timestamp};

use super::helpers::{exec, strings};
use super::{sql_error, SqliteStore};
use crate::signing_keys_sql::{self as sql, Row};

#[async_trait]
impl SigningKeyStore for SqliteStore {
    async fn signing_keys(&self) -> Result<Vec<StoredKey>> {
        let rows: Vec<Row> = self
            .readers
            .read(|c| {
                let mut stmt = c.prepare_cached(sql::SELECT).map_err(sql_error)?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                        ))
                    })
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Row>>>())
                    .map_err(sql_error)?;
                Ok(rows)
            })
            .await?;
        rows.into_iter().map(sql::from_row).collect()
    }

    async fn add_signing_key(&self, key: &StoredKey, replaces: Option<&str>) -> Result<()> {
        let (key, replaces) = (key.clone(), replaces.map(str::to_string));
        self.writer
            .write(move |c| {
                sql::check_newest(&strings(c, sql::NEWEST, [])?, replaces.as_deref())?;
                if let Some(old) = &replaces {
                    exec(c, sql::SUPERSEDE, params![old, key.active_at])?;
                }
                exec(
                    c,
                    sql::INSERT,
                    params![
                        key.kid,
                        key.alg.as_str(),
                        key.public_key,
                        key.private_key,
                        key.created_at,
                        key.active_at,
                        key.superseded_at,
                        key.retired_at
                    ],
                )?;
                Ok(())
            })
            .await
    }

    async fn retire_signing_key(&self, kid: &str, now: Timestamp) -> Result<bool> {
        let kid = kid.to_string();
        self.writer
            .write(move |c| Ok(exec(c, sql::RETIRE, params![kid, now])? == 1))
            .await
    }
}
