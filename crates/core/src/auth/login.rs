//! Logging in: password check with lockout, then a new session.

use std::net::IpAddr;

use tracing::{info, warn};

use super::{sessions, stamp, Auth};
use crate::audit::{unknown_name, AuditEvent, AuditKind};
use crate::client_key::ClientKey;
use crate::error::{Error, Result};
use crate::jwt::{Claims, ACCESS_TYP, ACCESS_TYPE};
use crate::password_policy::MAX_PASSWORD_BYTES;
use crate::revocation_key::RevocationKey;
use crate::secret::{new_secret, random_b64, REFRESH_PREFIX};
use crate::stats::LoginResult;
use crate::store::{NewSession, SessionClient, Unchanged};
use crate::user::{normalise, User, Username};
use crate::Timestamp;

/// A successful login. `Debug` leaves the tokens out.
pub struct LoginOutcome {
    pub username: String,
    pub fullname: String,
    pub access_token: String,
    pub refresh_token: String,
    pub session_id: String,
    /// Sessions revoked to make room under the per-user limit.
    pub evicted: Vec<String>,
}

impl std::fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginOutcome")
            .field("username", &self.username)
            .field("session_id", &self.session_id)
            .field("evicted", &self.evicted)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Whether a user with this (normalised) name exists.
    pub async fn username_exists(&self, raw: &str) -> Result<bool> {
        let Ok(name) = Username::parse(raw) else {
            return Ok(false);
        };
        Ok(self.store.user(name.as_str()).await?.is_some())
    }

    /// Checks a username and password, from the client at `client_ip`, and opens a session.
    /// Every refusal is [`Error::InvalidCredentials`]; a wrong password, an unknown or a
    /// disabled or locked user costs one Argon2 verification, so that none can be told from another by its time. The attempt is counted
    /// (reserved) before its password is checked and given back when it was right, so
    /// concurrent guesses cannot outrun the lock: at most `lockout_threshold` of them are ever
    /// checked. It is counted against its client when the user logged in from that client
    /// within `familiar_client_secs` (smart lockout), else against the account.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client_ip: IpAddr,
    ) -> Result<LoginOutcome> {
        self.login_on_device(username, password, client_ip, None)
            .await
    }

    /// As [`Auth::login`], from a browser known by `device` (the id of a device mark the
    /// caller checked with [`Auth::device_of`], or a new one): smart lockout knows the client by
    /// that device instead of its address, and a success makes the device familiar.
    pub async fn login_on_device(
        &self,
        username: &str,
        password: &str,
        client_ip: IpAddr,
        device: Option<&str>,
    ) -> Result<LoginOutcome> {
        let outcome = self
            .check_login(username, password, client_ip, device)
            .await;
        self.stats.logins.add(match &outcome {
            Ok(_) => LoginResult::Success,
            Err(Error::InvalidCredentials) => LoginResult::InvalidCredentials,
            Err(Error::RateLimited { .. }) => LoginResult::RateLimited,
            Err(Error::Unavailable(_)) => LoginResult::Unavailable,
            Err(Error::Rejected(..) | Error::SessionLimit) => LoginResult::Refused,
            Err(_) => LoginResult::Error,
        });
        outcome
    }

    async fn check_login(
        &self,
        username: &str,
        password: &str,
        client_ip: IpAddr,
        device: Option<&str>,
    ) -> Result<LoginOutcome> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(Error::InvalidCredentials);
        }
        let name = normalise(username);
        let user = match Username::parse(&name) {
            Ok(n) => self.store.user(n.as_str()).await?,
            Err(_) => None,
        };
        let now = self.clock.now();
        let failed = |subject: String, reason: &str| {
            AuditEvent::new(AuditKind::LoginFailed, now)
                .subject(subject)
                .ip(Some(client_ip))
                .failed()
                .detail("reason", reason)
        };
        let Some(user) = user else {
            self.passwords.verify(password.to_string(), None).await?;
            let subject = unknown_name(&self.jwt, &name);
            self.store
                .append_audit(&[failed(subject, "unknown_user")])
                .await?;
            return Err(Error::InvalidCredentials);
        };
        let failed_here = |reason: &str| failed(user.username.to_string(), reason);
        if user.disabled {
            self.passwords
                .verify(password.to_string(), Some(user.password_hash.clone()))
                .await?;
            info!(username = %self.log.name(&user.username), "login refused: account disabled");
            self.store.append_audit(&[failed_here("disabled")]).await?;
            return Err(Error::InvalidCredentials);
        }
        let client = device.map_or_else(|| ClientKey::of(client_ip), ClientKey::device);
        let familiar = self.familiar_client(&user, &client, now).await?;
        let slot_key = match familiar {
            Some(_) => format!("{name} {client}"),
            None => name,
        };
        let Some(_slot) = self
            .logins_in_flight
            .enter(slot_key, self.settings.logins_in_flight)
        else {
            info!(username = %self.log.name(&user.username), "login refused: too many logins of this account in progress");
            return Err(Error::RateLimited { retry_after: 1 });
        };
        if !self
            .reserve_attempt(&user, &client, familiar.as_ref(), now)
            .await?
        {
            // The same work as a wrong password: a locked account must not answer sooner.
            self.passwords
                .verify_and_forget(password.to_string(), user.password_hash)
                .await?;
            info!(username = %self.log.name(&user.username), client = %self.log.name(&client), familiar = familiar.is_some(), "login refused: locked for this client");
            self.store.append_audit(&[failed_here("locked")]).await?;
            return Err(Error::InvalidCredentials);
        }
        let verified = self
            .passwords
            .verify(password.to_string(), Some(user.password_hash.clone()))
            .await?;
        if !verified.ok {
            info!(username = %self.log.name(&user.username), client = %self.log.name(&client), familiar = familiar.is_some(), "login failed: wrong password");
            let mut events = vec![failed_here("wrong_password")];
            if let Some(until) = self
                .locked_by(&user, &client, familiar.is_some(), now)
                .await?
            {
                events.push(
                    AuditEvent::new(AuditKind::AccountLocked, now)
                        .subject(user.username.to_string())
                        .ip(Some(client_ip))
                        .detail("until", crate::iso8601::format(until))
                        .detail("per_client", familiar.is_some()),
                );
            }
            self.store.append_audit(&events).await?;
            return Err(Error::InvalidCredentials);
        }
        self.attempt_succeeded(&user, &client, familiar.is_some(), now)
            .await?;
        if let Some(upgraded) = verified.upgraded {
            self.store
                .upgrade_password_hash(user.username.as_str(), &user.password_hash, &upgraded)
                .await?;
        }
        self.profiles.put(user.username.as_str(), &user, now);
        let requires = Unchanged {
            username: user.username.to_string(),
            stamp: user.security_stamp,
            session_id: None,
        };
        let audit = AuditEvent::new(AuditKind::LoginSucceeded, now)
            .user(user.username.to_string())
            .ip(Some(client_ip));
        let from = sessions::session_client(Some(client_ip));
        self.open_session(&user, requires, now, audit, from)
            .await
            .map_err(stamp::login_refusal)
    }

    /// A session for `user`, whose password was just checked.
    async fn open_session(
        &self,
        user: &User,
        requires: Unchanged,
        now: Timestamp,
        audit: AuditEvent,
        client: SessionClient,
    ) -> Result<LoginOutcome> {
        let username = &user.username;
        let session_id = random_b64(16);
        let refresh = new_secret(REFRESH_PREFIX);
        let audit = audit.detail("session_id", session_id.clone());
        let evicted = self
            .store
            .create_session_audited(
                &NewSession {
                    id: session_id.clone(),
                    username: username.clone(),
                    created_at: now,
                    refresh_hash: refresh.hash,
                    refresh_expires_at: now
                        + self.settings.refresh_ttl.min(self.settings.session_ttl),
                    requires: Some(requires),
                    client,
                },
                self.settings.max_sessions,
                self.settings.session_limit_policy,
                &[audit],
            )
            .await?;
        if !evicted.is_empty() {
            warn!(username = %self.log.name(&username), sessions = evicted.len(), "session limit reached: oldest session revoked");
            let keys: Vec<RevocationKey> = evicted
                .iter()
                .cloned()
                .map(RevocationKey::Session)
                .collect();
            self.revoked_here(&keys, now).await;
        }
        Ok(LoginOutcome {
            username: username.to_string(),
            fullname: user.fullname.clone(),
            access_token: self.sign_access(
                username.as_str(),
                &session_id,
                user.must_change_password,
                now,
                random_b64(16),
            ),
            refresh_token: refresh.plain,
            session_id,
            evicted,
        })
    }

    /// An access token issued at `iat`: the same arguments give the same token, byte for byte.
    /// `must_change`: the user must change their password, and the token is good for that only.
    pub(super) fn sign_access(
        &self,
        username: &str,
        session_id: &str,
        must_change: bool,
        iat: Timestamp,
        jti: String,
    ) -> String {
        let claims = Claims {
            iss: self.jwt.issuer().to_string(),
            sub: username.to_string(),
            aud: self.jwt.audience().to_string(),
            exp: iat + self.settings.access_ttl,
            iat,
            nbf: iat,
            jti,
            kind: ACCESS_TYPE.to_string(),
            sid: session_id.to_string(),
            pwc: must_change,
            scope: None,
            client_id: None,
        };
        self.jwt.sign(ACCESS_TYP, &claims)
    }
}
