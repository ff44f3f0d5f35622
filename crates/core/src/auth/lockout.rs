//! Smart lockout, the domain's side: which count a login attempt goes against (its client's,
//! when the user logged in from it within `familiar_client_secs`, else the account's), and
//! its reservation before the password is checked.

use super::Auth;
use crate::client_key::ClientKey;
use crate::error::Result;
use crate::store::{FamiliarClient, LockoutPolicy};
use crate::user::User;
use crate::Timestamp;

impl Auth {
    fn lockout_policy(&self) -> LockoutPolicy {
        let s = &self.settings;
        LockoutPolicy {
            threshold: s.lockout_threshold,
            lock_secs: s.lockout_secs,
            familiar_secs: s.familiar_client_secs,
            unfamiliar_per_hour: s.unfamiliar_failures_per_hour,
        }
    }

    /// The user's record of `client`, if it is familiar at `now`.
    pub(super) async fn familiar_client(
        &self,
        user: &User,
        client: &ClientKey,
        now: Timestamp,
    ) -> Result<Option<FamiliarClient>> {
        let window = self.settings.familiar_client_secs;
        if window <= 0 {
            return Ok(None);
        }
        self.store
            .familiar_client(user.username.as_str(), client.as_str(), now - window)
            .await
    }

    /// Counts the attempt as a failure before its password is checked, against the familiar
    /// client's count or the account's; false when that count is locked (or the account's
    /// unfamiliar clients are at their hourly ceiling). A lock seen in what was just read
    /// refuses without writing.
    pub(super) async fn reserve_attempt(
        &self,
        user: &User,
        client: &ClientKey,
        familiar: Option<&FamiliarClient>,
        now: Timestamp,
    ) -> Result<bool> {
        let locked = match familiar {
            Some(f) => f.is_locked(now),
            None => user.is_locked(now),
        };
        if locked {
            return Ok(false);
        }
        let counted_against = familiar.map(|_| client.as_str());
        self.store
            .reserve_login_attempt(
                user.username.as_str(),
                counted_against,
                now,
                &self.lockout_policy(),
            )
            .await
    }

    /// When a failed attempt's count is locked at `now` (it was not when the attempt was
    /// reserved, so that attempt, or one beside it, locked it): until when.
    pub(super) async fn locked_by(
        &self,
        user: &User,
        client: &ClientKey,
        familiar: bool,
        now: Timestamp,
    ) -> Result<Option<Timestamp>> {
        if self.settings.lockout_threshold == 0 {
            return Ok(None);
        }
        let until = if familiar {
            let since = now - self.settings.familiar_client_secs;
            self.store
                .familiar_client(user.username.as_str(), client.as_str(), since)
                .await?
                .and_then(|f| f.locked_until)
        } else {
            self.store
                .user(user.username.as_str())
                .await?
                .and_then(|u| u.locked_until)
        };
        Ok(until.filter(|until| *until > now))
    }

    /// Forgets the clients that are no longer familiar (the background purge).
    pub(super) async fn forget_stale_clients(&self, now: Timestamp) -> Result<u64> {
        let window = self.settings.familiar_client_secs;
        if window <= 0 {
            return Ok(0);
        }
        self.store.forget_familiar_clients(now - window).await
    }

    /// Gives the reservation back and makes the client familiar.
    pub(super) async fn attempt_succeeded(
        &self,
        user: &User,
        client: &ClientKey,
        familiar: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.store
            .record_login_success(
                user.username.as_str(),
                client.as_str(),
                familiar,
                now,
                &self.lockout_policy(),
            )
            .await
    }
}
