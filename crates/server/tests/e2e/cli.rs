use std::io::Cursor;
use std::sync::Arc;

use tessera_core::Clock;
use tessera_server::cli::{run_user, UserAction};

use crate::common::{assert_refused, refused, test_config, TestServer};

async fn user(s: &TestServer, action: UserAction, stdin: &str) -> String {
    try_user(s, action, stdin).await.unwrap()
}

/// Runs a `tessera user` command on the server's database, `stdin` as its input.
pub async fn try_user(s: &TestServer, action: UserAction, stdin: &str) -> anyhow::Result<String> {
    let clock: Arc<dyn Clock> = s.clock.clone();
    run_user(
        &test_config(&s.dir),
        clock,
        action,
        &mut Cursor::new(stdin.as_bytes().to_vec()),
    )
    .await
}

#[tokio::test]
async fn user_commands_work_on_the_database_of_a_running_server() {
    let s = TestServer::start().await;
    let add = UserAction::Add {
        username: "Alice".into(),
        fullname: "Alice A.".into(),
        role: "contributor".into(),
        password_stdin: true,
    };
    assert_eq!(
        user(&s, add, "harbour-lantern-bmjdf\n").await,
        "created user alice (contributor)\n"
    );
    s.login("alice", "harbour-lantern-bmjdf").await;

    let (guest_access, _) = s.login("guest", "guest").await;
    let out = user(
        &s,
        UserAction::Disable {
            username: "Guest".into(),
        },
        "",
    )
    .await;
    assert!(out.contains("guest disabled"), "{out}");
    s.running
        .as_ref()
        .unwrap()
        .auth
        .sync_revocations()
        .await
        .unwrap();
    assert_refused(&s.validate(&guest_access).await, 401, "invalid_token");
    let disabled = s.client().login("guest", "guest").await;
    assert_refused(&disabled, 401, "invalid_credentials");

    let list = user(&s, UserAction::List, "").await;
    assert!(
        list.contains("alice\tcontributor\tactive\tAlice A."),
        "{list}"
    );
    assert!(list.contains("guest\treader\tdisabled"), "{list}");

    let out = user(
        &s,
        UserAction::SetPassword {
            username: "alice".into(),
            password_stdin: false,
        },
        "",
    )
    .await;
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap();
    s.login("alice", generated).await;
    assert_eq!(
        refused(&s.client().login("alice", "harbour-lantern-bmjdf").await),
        Some(401)
    );
}

#[tokio::test]
async fn the_user_command_keeps_me_reserved_and_an_admin_enabled() {
    let s = TestServer::start().await;
    let add = UserAction::Add {
        username: "Me".into(),
        fullname: "Me Myself".into(),
        role: "reader".into(),
        password_stdin: false,
    };
    let err = try_user(&s, add, "").await.unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
    let demote = UserAction::SetRole {
        username: "admin".into(),
        role: "reader".into(),
    };
    let err = try_user(&s, demote, "").await.unwrap_err();
    assert!(err.to_string().contains("last enabled admin"), "{err}");
    let disable = UserAction::Disable {
        username: "admin".into(),
    };
    let err = try_user(&s, disable, "").await.unwrap_err();
    assert!(err.to_string().contains("last enabled admin"), "{err}");
    s.login("admin", "admin").await;
}
