//! Service clients, managed by admins (and the local command line): confidential OAuth 2.0
//! clients with a 256-bit secret shown once, scopes they may ask tokens for, and rights
//! (`introspect`). Replacing a client's secret or removing the client ends every token it got,
//! on every instance.

use tracing::info;

use super::caller::Caller;
use super::Auth;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::revocation_key::RevocationKey;
use crate::scoped_secret::new_token_id;
use crate::secret::{new_secret, random_b64, NewSecret};
use crate::store::{ClientRecord, NewClient, NewClientSecret};

/// Prefix of client secrets.
pub const CLIENT_SECRET_PREFIX: &str = "tsr_cs_";

/// The right to call the introspection endpoint.
pub const RIGHT_INTROSPECT: &str = "introspect";
const RIGHTS: &[&str] = &[RIGHT_INTROSPECT];

/// Most scopes a client may hold.
pub const MAX_SCOPES: usize = 32;

/// A client just made (or given a new secret): the secret is shown this once.
#[derive(Debug)]
pub struct CreatedClient {
    pub client: ClientRecord,
    pub secret: NewSecret,
}

/// A client's name: 1 to 128 printable characters.
fn check_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 128 || name.chars().any(crate::text::is_forbidden)
    {
        return Err(Error::BadRequest(
            "a client's name is 1 to 128 printable characters".into(),
        ));
    }
    Ok(name.to_string())
}

/// Whether `scope` is an RFC 6749 scope token (printable ASCII but space, `"` and `\`), of at
/// most 64 characters.
pub fn is_scope_token(scope: &str) -> bool {
    (1..=64).contains(&scope.len())
        && scope
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Scopes as given, checked and without repeats, in their order.
pub fn check_scopes(scopes: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(scopes.len());
    for s in scopes {
        if !is_scope_token(s) {
            return Err(Error::BadRequest(format!(
                "invalid scope {:?}: a scope is 1 to 64 printable ASCII characters, without spaces, quotes or backslashes",
                crate::text::printable_prefix(s, 64)
            )));
        }
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    if out.len() > MAX_SCOPES {
        return Err(Error::BadRequest(format!(
            "a client holds at most {MAX_SCOPES} scopes"
        )));
    }
    Ok(out)
}

fn check_rights(rights: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for r in rights {
        if !RIGHTS.contains(&r.as_str()) {
            return Err(Error::BadRequest(format!(
                "unknown right {:?} (known: {})",
                crate::text::printable_prefix(r, 64),
                RIGHTS.join(", ")
            )));
        }
        if !out.contains(r) {
            out.push(r.clone());
        }
    }
    Ok(out)
}

/// The words of a space-separated list.
pub fn words(list: &str) -> Vec<String> {
    list.split_ascii_whitespace().map(str::to_string).collect()
}

/// A new secret generation: names the tokens the secret will get.
fn new_generation() -> String {
    random_b64(16)
}

impl Auth {
    fn may_manage_clients(&self, caller: Caller<'_>) -> Result<()> {
        if !caller.is_admin() {
            return Err(Error::Forbidden("only admins manage clients".into()));
        }
        Ok(())
    }

    /// Whether the caller may manage clients: checked before the request's body is read.
    pub fn may_manage_clients_as(&self, caller: Caller<'_>) -> Result<()> {
        self.may_manage_clients(caller)
    }

    pub async fn create_client(
        &self,
        caller: Caller<'_>,
        name: &str,
        scopes: &[String],
        rights: &[String],
    ) -> Result<CreatedClient> {
        self.may_manage_clients(caller)?;
        let name = check_name(name)?;
        let scopes = check_scopes(scopes)?;
        let rights = check_rights(rights)?;
        let secret = new_secret(CLIENT_SECRET_PREFIX);
        let now = self.clock.now();
        let client = NewClient {
            client_id: new_token_id(),
            name,
            scopes: scopes.join(" "),
            rights: rights.join(" "),
            secret_hash: secret.hash.clone(),
            generation: new_generation(),
            created_by: caller.username().unwrap_or("local").to_string(),
            created_at: now,
        };
        let mut audit = self
            .event(AuditKind::ClientCreated)
            .detail("client_id", client.client_id.clone())
            .detail("name", client.name.clone())
            .detail("scopes", scopes)
            .detail("rights", rights);
        audit.actor = caller.username().map(str::to_string);
        self.store.create_client_audited(&client, &[audit]).await?;
        info!(client = %client.client_id, "client created");
        Ok(CreatedClient {
            client: ClientRecord {
                client_id: client.client_id,
                name: client.name,
                scopes: client.scopes,
                rights: client.rights,
                secret_hash: client.secret_hash,
                generation: client.generation,
                created_by: client.created_by,
                created_at: client.created_at,
                last_used_at: None,
                last_used_ip: None,
            },
            secret,
        })
    }

    pub async fn list_clients(&self, caller: Caller<'_>) -> Result<Vec<ClientRecord>> {
        self.may_manage_clients(caller)?;
        self.store.list_clients().await
    }

    /// A new secret for the client; the old one, and every token it got, end now.
    pub async fn rotate_client_secret(
        &self,
        caller: Caller<'_>,
        client_id: &str,
    ) -> Result<NewSecret> {
        self.may_manage_clients(caller)?;
        let secret = new_secret(CLIENT_SECRET_PREFIX);
        let next = NewClientSecret {
            secret_hash: secret.hash.clone(),
            generation: new_generation(),
        };
        let mut audit = self
            .event(AuditKind::ClientSecretRotated)
            .detail("client_id", client_id);
        audit.actor = caller.username().map(str::to_string);
        let now = self.clock.now();
        let ended = self
            .store
            .rotate_client_secret_audited(client_id, &next, now, &[audit])
            .await?
            .ok_or_else(|| Error::NotFound(format!("no client {client_id}")))?;
        self.clients.forget(client_id);
        self.revoked_here(&[RevocationKey::Client(ended)], now)
            .await;
        info!(client = %client_id, "client secret replaced");
        Ok(secret)
    }

    /// Removes the client; every token it got ends now.
    pub async fn remove_client(&self, caller: Caller<'_>, client_id: &str) -> Result<()> {
        self.may_manage_clients(caller)?;
        let mut audit = self
            .event(AuditKind::ClientRemoved)
            .detail("client_id", client_id);
        audit.actor = caller.username().map(str::to_string);
        let now = self.clock.now();
        let ended = self
            .store
            .remove_client_audited(client_id, now, &[audit])
            .await?
            .ok_or_else(|| Error::NotFound(format!("no client {client_id}")))?;
        self.clients.forget(client_id);
        self.revoked_here(&[RevocationKey::Client(ended)], now)
            .await;
        info!(client = %client_id, "client removed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_rfc_6749_scope_tokens() {
        assert!(is_scope_token("read") && is_scope_token("api:write") && is_scope_token("!"));
        for bad in ["", "a b", "a\"b", "a\\b", "é", &"x".repeat(65)] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(check_scopes(&s(&["b", "a", "b"])).unwrap(), s(&["b", "a"]));
        assert!(check_scopes(&s(&["ok", "no way"])).is_err());
        let many: Vec<String> = (0..=MAX_SCOPES).map(|i| format!("s{i}")).collect();
        assert!(check_scopes(&many).is_err());
        assert_eq!(
            check_rights(&s(&["introspect"])).unwrap(),
            s(&["introspect"])
        );
        assert!(check_rights(&s(&["admin"])).is_err());
        assert!(check_name("  ").is_err() && check_name("a\u{7}").is_err());
        assert_eq!(check_name(" svc ").unwrap(), "svc");
    }
}
