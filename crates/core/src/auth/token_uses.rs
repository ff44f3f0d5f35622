//! When and from where each scoped token was last used, kept in memory and written to the
//! store in batches (never one write per use).

use std::collections::HashMap;
use std::sync::Mutex;

use tracing::warn;

use super::Auth;
use crate::error::Result;
use crate::store::TokenUse;
use crate::Timestamp;

#[derive(Debug, Default)]
pub struct TokenUses {
    latest: Mutex<HashMap<String, TokenUse>>,
}

impl TokenUses {
    pub fn record(&self, id: &str, at: Timestamp, ip: Option<String>) {
        let mut map = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(id) {
            Some(u) if u.at > at => {}
            Some(u) => {
                u.at = at;
                u.ip = ip;
            }
            None => {
                map.insert(
                    id.to_string(),
                    TokenUse {
                        id: id.to_string(),
                        at,
                        ip,
                    },
                );
            }
        }
    }

    pub(super) fn take(&self) -> Vec<TokenUse> {
        let mut map = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        map.drain().map(|(_, u)| u).collect()
    }

    /// Puts back uses that could not be written, unless newer ones came meanwhile.
    pub(super) fn restore(&self, uses: Vec<TokenUse>) {
        for u in uses {
            self.record(&u.id, u.at, u.ip);
        }
    }
}

impl Auth {
    /// Writes the uses seen since the last flush in one batch (and the service clients' in
    /// another); returns how many tokens and clients it updated. On failure they are kept for
    /// the next flush.
    pub async fn flush_token_uses(&self) -> Result<usize> {
        let clients = self.flush_client_uses().await?;
        let uses = self.token_uses.take();
        if uses.is_empty() {
            return Ok(clients);
        }
        match self.store.record_token_uses(&uses).await {
            Ok(()) => Ok(uses.len() + clients),
            Err(e) => {
                warn!(error = %e, tokens = uses.len(), "cannot record token uses; will retry");
                self.token_uses.restore(uses);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_use_of_each_token_is_kept() {
        let uses = TokenUses::default();
        uses.record("a", 10, Some("1.1.1.1".into()));
        uses.record("a", 12, Some("2.2.2.2".into()));
        uses.record("a", 11, Some("3.3.3.3".into()));
        uses.record("b", 5, None);
        let mut taken = uses.take();
        taken.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(taken.len(), 2);
        assert_eq!((taken[0].at, taken[0].ip.as_deref()), (12, Some("2.2.2.2")));
        assert!(uses.take().is_empty());
        uses.record("a", 20, None);
        uses.restore(taken);
        let again = uses.take();
        let a = again.iter().find(|u| u.id == "a").unwrap();
        assert_eq!(a.at, 20, "a restored older use does not win");
    }
}
