//! Every domain type that holds a password, a password hash or a token shows none of them in
//! its `Debug`: they end up in logs and panic messages.

use tessera_core::password::Verified;
use tessera_core::store::NewUser;
use tessera_core::{Role, Username};

use crate::support::{World, PASSWORD, USER};

fn assert_hidden(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}

#[tokio::test]
async fn debug_never_shows_a_password_hash_or_token() {
    let w = World::new().await;
    let login = w.login().await;
    let tokens = [login.access_token.clone(), login.refresh_token.clone()];
    let shown = format!("{login:?}");
    assert_hidden(&shown, &[&tokens[0], &tokens[1], PASSWORD]);
    assert!(shown.contains(USER), "{shown}");

    let refreshed = w.auth.refresh(&login.refresh_token).await.unwrap();
    let shown = format!("{refreshed:#?}");
    assert_hidden(&shown, &[&refreshed.access_token, &refreshed.refresh_token]);

    let user = w.auth.store().user(USER).await.unwrap().unwrap();
    let hash = user.password_hash.clone();
    assert!(hash.starts_with("$argon2id$"));
    let shown = format!("{user:?}");
    assert_hidden(&shown, &[&hash, "argon2"]);
    assert!(shown.contains(USER), "{shown}");

    let new = NewUser {
        username: Username::parse("bob").unwrap(),
        fullname: "Bob".into(),
        password_hash: hash.clone(),
        role: Role::Reader,
        created_at: 0,
        must_change_password: false,
    };
    assert_hidden(&format!("{new:?}"), &[&hash, "argon2"]);
    let verified = Verified {
        ok: true,
        upgraded: Some(hash.clone()),
    };
    assert_hidden(&format!("{verified:?}"), &[&hash, "argon2"]);
}
