//! Signing keys across instances: `tessera keys rotate` and `retire`, run beside the running
//! instances, reach each through the revocation feed: the new key is published and signs
//! everywhere, and a retired key's tokens are refused everywhere, within the bound.

use std::time::Duration;

use crate::cluster::{wait_until, Cluster, Instance, Options};
use crate::support::client::refused;
use crate::{live_cluster, PROPAGATION_BOUND};

fn kid(token: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let header: serde_json::Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_string()
}

async fn published(node: &Instance) -> Vec<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{}/.well-known/jwks.json", node.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kid"].as_str().map(str::to_string))
        .collect()
}

/// Waits until `holds` is true of every instance, each within the bound.
async fn on_every_instance_within_bound(
    c: &Cluster,
    what: &str,
    holds: impl AsyncFn(&Instance) -> bool,
) {
    for node in &c.nodes {
        let took = wait_until(PROPAGATION_BOUND * 4, || holds(node))
            .await
            .unwrap_or_else(|| panic!("{what}: not on {}", node.url));
        println!("key change ({what}) on {}: {took:?}", node.url);
        assert!(took <= PROPAGATION_BOUND, "{what}: took {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotation_and_a_retirement_reach_every_instance_within_the_bound() {
    for redis in [false, true] {
        let opts = Options {
            redis,
            env: vec![("TESSERA_JWKS_MAX_AGE_SECONDS".into(), "0".into())],
            ..Options::default()
        };
        let Some(c) = live_cluster(opts).await else {
            return;
        };
        let (old, _) = c.nodes[0].login("admin", "admin").await;
        let old_kid = kid(&old);

        let out = c.cli(&["keys", "rotate", "--alg", "EdDSA"]);
        let new_kid = out.split_whitespace().nth(1).unwrap().to_string();
        let what = format!("rotation published (redis: {redis})");
        on_every_instance_within_bound(&c, &what, async |node: &Instance| {
            published(node).await.contains(&new_kid)
        })
        .await;
        // Each instance signs with it (from the next second at the latest), and every
        // instance verifies what each signed; the old key's token lives on.
        for node in &c.nodes {
            let signs = wait_until(Duration::from_secs(3), || async {
                kid(&node.login("guest", "guest").await.0) == new_kid
            })
            .await;
            assert!(signs.is_some(), "{} signs with {new_kid}", node.url);
            let (token, _) = node.login("guest", "guest").await;
            for other in &c.nodes {
                let valid = other.validate(&token).await;
                assert!(valid.is_ok(), "{} takes it: {valid:?}", other.url);
            }
            assert!(node.validate(&old).await.is_ok());
        }

        c.cli(&["keys", "retire", &old_kid]);
        let what = format!("retired key (redis: {redis})");
        on_every_instance_within_bound(&c, &what, async |node: &Instance| {
            refused(&node.validate(&old).await) == Some(401)
        })
        .await;
        c.finish().await;
    }
}
