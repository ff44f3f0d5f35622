//! Verifying an API key for the service it was issued for: by signature, claims, what it is
//! bound to, and the in-memory revocation set. The store is read only while the revocation
//! feed is down (and for a user profile that is not cached), and only for a key that passed
//! every other check.

use std::net::IpAddr;

use super::{issue, may_hold_apikeys, ApiKeyCheck, ApiKeyClaims, VerifiedApiKey};
use crate::auth::tokens::fail_closed;
use crate::auth::Auth;
use crate::error::{Error, Rejection, Result};
use crate::revocation_key::RevocationKey;
use crate::text::check_printable;
use crate::token_kind::{classify, TokenKind};

fn same_address(bound: &str, presented: Option<&str>) -> bool {
    let parse = |s: &str| s.trim().parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    match (parse(bound), presented.and_then(parse)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

impl Auth {
    pub async fn verify_apikey(&self, apikey: &str, check: &ApiKeyCheck) -> Result<VerifiedApiKey> {
        match classify(apikey) {
            TokenKind::SessionRefresh | TokenKind::ApiKeyRefresh => {
                return Err(Error::InvalidToken(
                    "a refresh token is not an API key".into(),
                ))
            }
            TokenKind::Access => {
                return Err(Error::InvalidToken(
                    "not an API key (an access token is not an API key)".into(),
                ))
            }
            _ => {}
        }
        check_printable("audience", &check.audience)?;
        if let Some(subject) = &check.subject {
            check_printable("subject", subject)?;
        }
        let now = self.clock.now();
        let claims = ApiKeyClaims::verify(
            &self.jwt,
            apikey,
            now,
            self.settings.leeway,
            self.apikeys.max_ttl,
        )?;
        if claims.aud != check.audience.trim() {
            return Err(Error::Rejected(
                Rejection::WrongAudience,
                "API key issued for another audience".into(),
            ));
        }
        if let Some(subject) = &check.subject {
            if claims.sub != subject.trim() {
                return Err(Error::Rejected(
                    Rejection::WrongSubject,
                    "API key issued for another subject".into(),
                ));
            }
        }
        if let Some(bound) = &claims.ipa {
            if !same_address(bound, check.ip.as_deref()) {
                return Err(Error::Rejected(
                    Rejection::WrongAddress,
                    "API key bound to another client address".into(),
                ));
            }
        }
        let revoked = || Error::Rejected(Rejection::Revoked, "API key revoked".into());
        let rid = RevocationKey::ApiKey(claims.jti.clone());
        if self.revoked.contains(&rid) {
            return Err(revoked());
        }
        if !self.feed_live()
            && self
                .store
                .is_apikey_revoked(&claims.jti)
                .await
                .map_err(fail_closed)?
        {
            self.remember_revoked(&rid, now);
            return Err(revoked());
        }
        let profile = self.profile(&claims.usr, now).await.map_err(fail_closed)?;
        if profile.disabled {
            return Err(Error::InvalidToken("account disabled".into()));
        }
        // From the cached profile, as validation reads roles: a role change reaches it by the
        // feed (or the catch-up) at once, like a revocation.
        if !may_hold_apikeys(profile.role) {
            return Err(issue::not_permitted());
        }
        Ok(VerifiedApiKey {
            id: claims.jti,
            username: claims.usr,
            fullname: profile.fullname,
            audience: claims.aud,
            subject: claims.sub,
            api_version: claims.ver,
            expires_at: claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::same_address;

    #[test]
    fn addresses_compare_by_value() {
        assert!(same_address("10.0.0.1", Some(" 10.0.0.1")));
        assert!(same_address("10.0.0.1", Some("::ffff:10.0.0.1")));
        assert!(same_address("::1", Some("0:0:0:0:0:0:0:1")));
        assert!(!same_address("10.0.0.1", Some("10.0.0.2")));
        assert!(!same_address("10.0.0.1", Some("somewhere")));
        assert!(!same_address("10.0.0.1", None));
    }
}
