//! Revocations over Redis pub/sub.

use async_trait::async_trait;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use tessera_core::feed::Revocation;
use tessera_core::feed::{self, RevocationPublisher};
use tessera_core::{Auth, Error, Result};
use tokio::sync::watch;

pub struct Publisher {
    conn: ConnectionManager,
    channel: String,
}

impl Publisher {
    pub async fn new(url: &str, channel: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("Redis: {e}"))?;
        let conn = ConnectionManager::new(client)
            .await
            .map_err(|e| format!("Redis: {e}"))?;
        Ok(Self {
            conn,
            channel: channel.to_string(),
        })
    }
}

#[async_trait]
impl RevocationPublisher for Publisher {
    async fn publish(&self, revoked: &Revocation) -> Result<()> {
        let mut conn = self.conn.clone();
        redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(feed::encode(revoked))
            .query_async::<i64>(&mut conn)
            .await
            .map_err(|e| Error::Unavailable(format!("Redis: {e}")))?;
        Ok(())
    }
}

/// Listens until the connection is lost (Err) or the server stops (Ok).
pub async fn listen(
    url: &str,
    channel: &str,
    auth: &Auth,
    mut stopped: watch::Receiver<bool>,
) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let mut pubsub = client.get_async_pubsub().await.map_err(|e| e.to_string())?;
    pubsub.subscribe(channel).await.map_err(|e| e.to_string())?;
    super::connected(auth, "redis").await?;
    let mut messages = pubsub.on_message();
    loop {
        let message = tokio::select! {
            message = messages.next() => message,
            _ = stopped.wait_for(|s| *s) => return Ok(()),
        };
        let Some(m) = message else {
            return Err("connection to Redis lost".into());
        };
        if let Some(r) = m
            .get_payload::<String>()
            .ok()
            .as_deref()
            .and_then(feed::decode)
        {
            auth.apply_remote(&r);
            auth.take_up_key_changes().await;
        }
    }
}
