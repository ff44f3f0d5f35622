//! Smart lockout in PostgreSQL: each count is one UPDATE, which waits for the row lock and then
//! re-checks its WHERE on the latest version, so concurrent reservations are all counted and
//! none is granted past a lock.

use async_trait::async_trait;
use tessera_core::store::{FamiliarClient, LockoutPolicy, LockoutStore, CEILING_WINDOW};
use tessera_core::{Result, Timestamp};

use super::{sql_error, PostgresStore};
use crate::lockout_sql::{self as sql, pg};

#[async_trait]
impl LockoutStore for PostgresStore {
    async fn familiar_client(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<Option<FamiliarClient>> {
        let row: Option<(String, i64, i32, Option<i64>)> = sqlx::query_as(&pg(sql::FAMILIAR))
            .bind(username)
            .bind(client)
            .bind(since)
            .fetch_optional(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(row.map(
            |(client, last_success_at, failed_logins, locked_until)| FamiliarClient {
                client,
                last_success_at,
                failed_logins: failed_logins.max(0) as u32,
                locked_until,
            },
        ))
    }

    async fn reserve_login_attempt(
        &self,
        username: &str,
        familiar: Option<&str>,
        now: Timestamp,
        p: &LockoutPolicy,
    ) -> Result<bool> {
        let (client_sql, account_sql) = (pg(sql::RESERVE_CLIENT), pg(sql::RESERVE_ACCOUNT));
        let query = match familiar {
            Some(client) => sqlx::query(&client_sql)
                .bind(username)
                .bind(now)
                .bind(i64::from(p.threshold))
                .bind(p.lock_secs)
                .bind(client.to_string())
                .bind(now - p.familiar_secs),
            None => sqlx::query(&account_sql)
                .bind(username)
                .bind(now)
                .bind(i64::from(p.threshold))
                .bind(p.lock_secs)
                .bind(i64::from(p.unfamiliar_per_hour))
                .bind(CEILING_WINDOW),
        };
        let done = query.execute(&self.pool).await.map_err(sql_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_login_success(
        &self,
        username: &str,
        client: &str,
        familiar: bool,
        now: Timestamp,
        p: &LockoutPolicy,
    ) -> Result<()> {
        if !familiar {
            sqlx::query(&pg(sql::SUCCESS_ACCOUNT))
                .bind(username)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?;
        }
        if p.familiar_secs > 0 {
            sqlx::query(&pg(sql::MAKE_FAMILIAR))
                .bind(username)
                .bind(client)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?;
            sqlx::query(&pg(sql::FORGET_STALE))
                .bind(username)
                .bind(now - p.familiar_secs)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?;
        }
        Ok(())
    }

    async fn clear_login_failures(&self, username: &str) -> Result<()> {
        for statement in [sql::CLEAR_ACCOUNT, sql::CLEAR_CLIENTS] {
            sqlx::query(&pg(statement))
                .bind(username)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?;
        }
        Ok(())
    }

    async fn forget_familiar_clients(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query(&pg(sql::FORGET_ALL_STALE))
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(done.rows_affected())
    }
}
