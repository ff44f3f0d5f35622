//! Revocations over PostgreSQL LISTEN/NOTIFY.

use async_trait::async_trait;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tessera_core::feed::Revocation;
use tessera_core::feed::{self, RevocationPublisher, CHANNEL};
use tessera_core::{Auth, Error, Result};
use tokio::sync::watch;

pub struct Publisher {
    pool: PgPool,
}

impl Publisher {
    pub fn new(url: &str) -> Result<Self, String> {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(std::time::Duration::from_secs(2))
            .connect_lazy(url)
            .map_err(|e| format!("revocation feed: {e}"))?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl RevocationPublisher for Publisher {
    async fn publish(&self, revoked: &Revocation) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(feed::encode(revoked))
            .execute(&self.pool)
            .await
            .map_err(Error::storage)?;
        Ok(())
    }
}

/// Listens until the connection is lost (Err) or the server stops (Ok).
pub async fn listen(
    url: &str,
    auth: &Auth,
    mut stopped: watch::Receiver<bool>,
) -> Result<(), String> {
    let mut listener = PgListener::connect(url).await.map_err(|e| e.to_string())?;
    listener.listen(CHANNEL).await.map_err(|e| e.to_string())?;
    super::connected(auth, "postgres").await?;
    loop {
        let message = tokio::select! {
            message = listener.try_recv() => message,
            _ = stopped.wait_for(|s| *s) => return Ok(()),
        };
        match message {
            Ok(Some(n)) => {
                if let Some(r) = feed::decode(n.payload()) {
                    auth.apply_remote(&r);
                    auth.take_up_key_changes().await;
                }
            }
            Ok(None) => return Err("connection to PostgreSQL lost".into()),
            Err(e) => return Err(e.to_string()),
        }
    }
}
