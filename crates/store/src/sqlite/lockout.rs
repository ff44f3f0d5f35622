//! Smart lockout in SQLite: each statement runs on the single writer, so concurrent
//! reservations are all counted and none is granted past a lock.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};
use tessera_core::store::{FamiliarClient, LockoutPolicy, LockoutStore, CEILING_WINDOW};
use tessera_core::{Result, Timestamp};

use super::helpers::exec;
use super::{sql_error, SqliteStore};
use crate::lockout_sql as sql;

#[async_trait]
impl LockoutStore for SqliteStore {
    async fn familiar_client(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<Option<FamiliarClient>> {
        let (username, client) = (username.to_string(), client.to_string());
        self.readers
            .read(move |c| {
                c.prepare_cached(sql::FAMILIAR)
                    .and_then(|mut s| {
                        s.query_row(params![username, client, since], |r| {
                            Ok(FamiliarClient {
                                client: r.get(0)?,
                                last_success_at: r.get(1)?,
                                failed_logins: r.get(2)?,
                                locked_until: r.get(3)?,
                            })
                        })
                        .optional()
                    })
                    .map_err(sql_error)
            })
            .await
    }

    async fn reserve_login_attempt(
        &self,
        username: &str,
        familiar: Option<&str>,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<bool> {
        let (username, familiar, p) = (username.to_string(), familiar.map(str::to_string), *policy);
        self.writer
            .write(move |c| {
                let n = match familiar {
                    Some(client) => exec(
                        c,
                        sql::RESERVE_CLIENT,
                        params![
                            username,
                            now,
                            p.threshold,
                            p.lock_secs,
                            client,
                            now - p.familiar_secs
                        ],
                    )?,
                    None => exec(
                        c,
                        sql::RESERVE_ACCOUNT,
                        params![
                            username,
                            now,
                            p.threshold,
                            p.lock_secs,
                            p.unfamiliar_per_hour,
                            CEILING_WINDOW
                        ],
                    )?,
                };
                Ok(n == 1)
            })
            .await
    }

    async fn record_login_success(
        &self,
        username: &str,
        client: &str,
        familiar: bool,
        now: Timestamp,
        policy: &LockoutPolicy,
    ) -> Result<()> {
        let (username, client, p) = (username.to_string(), client.to_string(), *policy);
        self.writer
            .write(move |c| {
                if !familiar {
                    exec(c, sql::SUCCESS_ACCOUNT, [&username])?;
                }
                if p.familiar_secs > 0 {
                    exec(c, sql::MAKE_FAMILIAR, params![username, client, now])?;
                    exec(
                        c,
                        sql::FORGET_STALE,
                        params![username, now - p.familiar_secs],
                    )?;
                }
                Ok(())
            })
            .await
    }

    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        let username = username.to_string();
        self.writer
            .write(move |c| {
                exec(c, sql::CLEAR_ACCOUNT, [&username])?;
                exec(c, sql::CLEAR_CLIENTS, [&username])?;
                Ok(())
            })
            .await
    }

    async fn forget_familiar_clients(&self, before: Timestamp) -> Result<u64> {
        self.writer
            .write(move |c| Ok(exec(c, sql::FORGET_ALL_STALE, [before])? as u64))
            .await
    }
}
