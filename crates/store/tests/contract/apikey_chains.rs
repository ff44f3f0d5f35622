//! Revoking a key's refresh chain by any id of it, and refreshes refused for a disabled user
//! or one whose role may not hold keys.

use tessera_core::store::{ApiKeyRevokeReason, ApiKeyRotation};
use tessera_core::Role;

use super::apikeys::{key, live_ids, revoked_since, rotate};
use super::backends::TestDb;
use super::support::{add_user, T0};

const REVOKED: ApiKeyRevokeReason = ApiKeyRevokeReason::Revoked;

pub async fn revoking_any_id_of_a_chain_revokes_its_live_key(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    store.create_apikey(&key("x1", "alice", T0)).await.unwrap();
    let (t1, t2) = (T0 + 100, T0 + 200);
    for (old, new, at) in [("k1", "k2", t1), ("x1", "x2", t1), ("k2", "k3", t2)] {
        let rotated = rotate(&store, old, new, at).await;
        assert!(matches!(rotated, ApiKeyRotation::Rotated { .. }), "{old}");
    }
    assert_eq!(live_ids(&store, "alice", t2).await, ["x2", "k3"]);

    // The id of the chain's first key, long replaced, still reaches its live key.
    let t3 = t2 + 10;
    let revoked = store.revoke_apikey_chain("k1", t3, REVOKED).await.unwrap();
    assert_eq!(revoked, ["k3"]);
    assert!(store.is_apikey_revoked("k3").await.unwrap());
    assert_eq!(live_ids(&store, "alice", t3).await, ["x2"]);
    assert_eq!(revoked_since(&store, t3).await, ["k3"]);
    for id in ["k1", "k2", "k3"] {
        let again = store
            .revoke_apikey_chain(id, t3 + 1, REVOKED)
            .await
            .unwrap();
        assert!(again.is_empty(), "{id}");
    }
    assert_eq!(
        rotate(&store, "k3", "k4", t3).await,
        ApiKeyRotation::Revoked
    );

    // The live key's own id does too.
    let revoked = store.revoke_apikey_chain("x2", t3, REVOKED).await.unwrap();
    assert_eq!(revoked, ["x2"]);
    assert!(live_ids(&store, "alice", t3).await.is_empty());
}

pub async fn a_disabled_user_gets_no_successor(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    assert!(store.set_disabled("alice", true).await.unwrap());
    let now = T0 + 100;
    assert_eq!(
        rotate(&store, "k1", "k2", now).await,
        ApiKeyRotation::UserDisabled
    );
    assert!(store.apikey("k2").await.unwrap().is_none());
    assert!(!store.is_apikey_revoked("k1").await.unwrap());
    assert_eq!(live_ids(&store, "alice", now).await, ["k1"]);

    assert!(store.set_disabled("alice", false).await.unwrap());
    assert!(matches!(
        rotate(&store, "k1", "k2", now).await,
        ApiKeyRotation::Rotated { .. }
    ));
}

pub async fn a_user_whose_role_may_not_hold_keys_gets_no_successor(db: TestDb) {
    let store = db.store();
    add_user(&store, "alice").await;
    store.create_apikey(&key("k1", "alice", T0)).await.unwrap();
    assert!(store
        .set_user_role("alice", Role::Reader, T0 + 50)
        .await
        .unwrap());
    let now = T0 + 100;
    assert_eq!(
        rotate(&store, "k1", "k2", now).await,
        ApiKeyRotation::NotPermitted
    );
    assert!(store.apikey("k2").await.unwrap().is_none());
    assert!(!store.is_apikey_revoked("k1").await.unwrap());

    assert!(store
        .set_user_role("alice", Role::Contributor, now)
        .await
        .unwrap());
    assert!(matches!(
        rotate(&store, "k1", "k2", now).await,
        ApiKeyRotation::Rotated { .. }
    ));
}
