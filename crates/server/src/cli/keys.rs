//! `tessera keys list|rotate|retire`: the signing keys of the configured database. A change
//! reaches running instances through the revocation feed and its catch-up.

use std::fmt::Write as _;
use std::sync::Arc;

use clap::Subcommand;
use tessera_core::iso8601;
use tessera_core::signing::KeyAlg;
use tessera_core::Clock;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Lists every signing key: id, algorithm, state, when it was added, signs from, and
    /// stops verifying.
    List,
    /// Adds a new key, published now and signing one JWKS max-age from now; the key it
    /// replaces verifies until the tokens it signed have expired.
    Rotate {
        /// EdDSA (Ed25519) or HS512; default: the algorithm of the newest key.
        #[arg(long)]
        alg: Option<String>,
    },
    /// Retires a key now: nothing it signed verifies any more (the newest key cannot be
    /// retired: rotate first).
    Retire { kid: String },
}

/// Runs `tessera keys`; returns what to print.
pub async fn run_keys(
    config: &Config,
    clock: Arc<dyn Clock>,
    action: KeysAction,
) -> anyhow::Result<String> {
    let auth = crate::startup::build_auth(config, clock).await?;
    let mut out = String::new();
    match action {
        KeysAction::List => {
            let now = auth.now();
            let keys = auth.key_set();
            let policy = *auth.key_policy();
            let _ = writeln!(out, "kid\talg\tstate\tadded\tsigns_from\tverifies_until");
            for key in auth.signing_keys().await? {
                let state = tessera_core::signing::state_of(&key, now, &policy);
                let opened = keys.keys().iter().any(|k| k.kid() == key.kid);
                let until = match (key.retired_at, key.superseded_at) {
                    (Some(at), _) => iso8601::format(at),
                    (None, Some(at)) => iso8601::format(at + policy.token_lifetime),
                    (None, None) => "-".into(),
                };
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}{}\t{}\t{}\t{}",
                    key.kid,
                    key.alg,
                    state.as_str(),
                    if opened { "" } else { " (not held here)" },
                    iso8601::format(key.created_at),
                    iso8601::format(key.active_at),
                    until,
                );
            }
        }
        KeysAction::Rotate { alg } => {
            let alg = match alg {
                Some(name) => Some(KeyAlg::parse(&name).ok_or_else(|| {
                    anyhow::anyhow!("unknown algorithm {name:?}: use EdDSA or HS512")
                })?),
                None => None,
            };
            let key = auth.rotate_keys(alg).await?;
            let _ = writeln!(
                out,
                "added {} ({}): published now, signs from {}",
                key.kid,
                key.alg,
                iso8601::format(key.active_at)
            );
        }
        KeysAction::Retire { kid } => {
            if !auth.retire_key(&kid).await? {
                anyhow::bail!("no signing key {kid} that is not retired already");
            }
            let _ = writeln!(out, "retired {kid}: nothing it signed verifies any more");
        }
    }
    Ok(out)
}
