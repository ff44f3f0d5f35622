//! Signing keys: added as the newest key in one step with superseding the one before, never
//! past a rotation another instance made meanwhile; retired once; every change in the
//! revocation log for the other instances.

use tessera_core::signing::{generate, Kek, KeyAlg, StoredKey};
use tessera_core::store::LogCursor;
use tessera_core::{Error, RevocationKey};

use super::backends::TestDb;
use super::support::T0;

fn key(alg: KeyAlg, kek: &Kek, at: i64) -> StoredKey {
    generate(alg, kek, at, at + 300).unwrap()
}

pub async fn keys_round_trip_and_rotate_one_at_a_time(db: TestDb) {
    let store = db.store();
    let (kek, _) = Kek::generate();
    assert!(store.signing_keys().await.unwrap().is_empty());
    let first = key(KeyAlg::EdDsa, &kek, T0);
    store.add_signing_key(&first, None).await.unwrap();
    assert_eq!(store.signing_keys().await.unwrap(), vec![first.clone()]);
    let again = key(KeyAlg::EdDsa, &kek, T0);
    let err = store.add_signing_key(&again, None).await.unwrap_err();
    assert!(
        matches!(err, Error::Conflict(_)),
        "{err:?}: a first key exists"
    );

    let second = key(KeyAlg::Hs512, &kek, T0 + 10);
    store
        .add_signing_key(&second, Some(&first.kid))
        .await
        .unwrap();
    let stale = key(KeyAlg::EdDsa, &kek, T0 + 20);
    let err = store
        .add_signing_key(&stale, Some(&first.kid))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Conflict(_)),
        "{err:?}: rotated meanwhile"
    );
    let keys = store.signing_keys().await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].superseded_at, Some(second.active_at));
    assert_eq!(keys[1], second);
    assert_eq!(
        keys[1].private_key, second.private_key,
        "sealed bytes kept as given"
    );
    assert_eq!(keys[0].public_key.as_ref().map(Vec::len), Some(32));

    assert!(store.retire_signing_key(&first.kid, T0 + 30).await.unwrap());
    assert!(!store.retire_signing_key(&first.kid, T0 + 31).await.unwrap());
    assert!(!store.retire_signing_key("nope", T0 + 31).await.unwrap());
    let keys = store.signing_keys().await.unwrap();
    assert_eq!(keys[0].retired_at, Some(T0 + 30));

    let log = store
        .read_revocation_log(LogCursor::Start { keep: 1 << 40 }, T0 + 40)
        .await
        .unwrap();
    let logged: Vec<&RevocationKey> = log.entries.iter().map(|e| &e.key).collect();
    for kid in [&first.kid, &second.kid] {
        assert!(
            logged.contains(&&RevocationKey::SigningKey(kid.clone())),
            "{kid} in {logged:?}"
        );
    }
}
