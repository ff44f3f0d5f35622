//! The password policy holds wherever a password is set: registration, `tessera user add` and
//! `set-password`, and the first admin's password; the demo users are exempt.

use tessera_client::ErrorCode;
use tessera_server::cli::UserAction;

use crate::cli::try_user as user;
use crate::common::{assert_refused, reason, test_config, TestServer};

#[tokio::test]
async fn registration_refuses_weak_passwords_with_the_reason() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let cases = [
        ("eleven-char", "at least 12 characters"),
        ("QwertyUIOP123", "common"),
        ("my name is Dora-the-explorer", "username"),
    ];
    for (password, why) in cases {
        let got = admin.register("dora", "Dora", password).await;
        assert_refused(&got, 400, ErrorCode::WeakPassword);
        assert!(reason(&got).contains(why), "{password}: {}", reason(&got));
    }
    // 64 characters, no composition rules.
    let long = "a sentence of lowercase words is long enough to be a good secret";
    assert_eq!(long.chars().count(), 64);
    admin.register("dora", "Dora", long).await.unwrap();
    s.login("dora", long).await;
    s.stop().await;
}

#[tokio::test]
async fn the_minimum_length_is_a_setting() {
    let s = TestServer::start_with(|c| c.password_min_length = 20).await;
    let admin = s.admin().await;
    let got = admin.register("erin", "Erin", "nineteen characters").await;
    assert_refused(&got, 400, "weak_password");
    assert!(reason(&got).contains("at least 20"), "{}", reason(&got));
    admin
        .register("erin", "Erin", "twenty characters ok")
        .await
        .unwrap();
    s.stop().await;
}

#[tokio::test]
async fn the_user_command_applies_the_policy() {
    let s = TestServer::start().await;
    let add = |password_stdin| UserAction::Add {
        username: "frank".into(),
        fullname: "Frank".into(),
        role: "reader".into(),
        password_stdin,
    };
    let err = user(&s, add(true), "password1234\n").await.unwrap_err();
    assert!(format!("{err:#}").contains("common"), "{err:#}");
    let err = user(&s, add(true), "frankly-my-dear\n").await.unwrap_err();
    assert!(format!("{err:#}").contains("username"), "{err:#}");
    // A generated password passes.
    let out = user(&s, add(false), "").await.unwrap();
    assert!(out.contains("password: "), "{out}");

    let set = |password_stdin| UserAction::SetPassword {
        username: "frank".into(),
        password_stdin,
    };
    let err = user(&s, set(true), "short\n").await.unwrap_err();
    assert!(format!("{err:#}").contains("at least 12"), "{err:#}");
    user(&s, set(true), "a strong new passphrase\n")
        .await
        .unwrap();
    s.login("frank", "a strong new passphrase").await;
    // The demo users keep their short passwords.
    s.login("guest", "guest").await;
    s.stop().await;
}

#[tokio::test]
async fn a_weak_first_admin_password_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    config.admin_password = Some(tessera_server::config::Secret::new("admin"));
    let server = tessera_server::Server::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = server.start_on(listener).await.err().expect("refused");
    assert!(format!("{err:#}").contains("at least 12"), "{err:#}");
}
