//! `tessera user import --plantdb`: the users of a PlantDB database, read from files PlantDB's
//! own code wrote (tests/compat/make_plantdb_users.py), log in with their PlantDB passwords.

use std::path::PathBuf;

use tessera_core::{Role, User};
use tessera_server::cli::UserAction;

use crate::cli::try_user;
use crate::common::{assert_refused, TestServer};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plantdb")
        .join(name)
}

fn import(dir: PathBuf, dry_run: bool) -> UserAction {
    UserAction::Import {
        plantdb: dir,
        dry_run,
    }
}

async fn user(s: &TestServer, name: &str) -> Option<User> {
    let auth = &s.running.as_ref().unwrap().auth;
    auth.store().user(name).await.unwrap()
}

async fn usernames(s: &TestServer) -> Vec<String> {
    let auth = &s.running.as_ref().unwrap().auth;
    let users = auth.store().list_users().await.unwrap();
    users.into_iter().map(|u| u.username.to_string()).collect()
}

/// The report's lines that start with `prefix`.
fn lines<'a>(report: &'a str, prefix: &str) -> Vec<&'a str> {
    report.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[tokio::test]
async fn plantdb_users_log_in_with_their_plantdb_passwords() {
    let s = TestServer::start().await;
    let demo_admin = user(&s, "admin").await.unwrap();

    let report = try_user(&s, import(fixture("db"), false), "")
        .await
        .unwrap();
    assert_eq!(
        lines(&report, "created "),
        [
            "created alice (contributor)",
            "created bob (admin)",
            "created carol (reader, disabled)",
            "created dave (reader)",
            "created erin (contributor)",
            "created 5, skipped 2, could not read 2",
        ],
        "{report}"
    );
    assert_eq!(
        lines(&report, "skipped "),
        [
            "skipped guest: a user of that name exists, left unchanged",
            "skipped admin: a user of that name exists, left unchanged",
        ],
        "{report}"
    );
    assert_eq!(
        lines(&report, "could not read "),
        [
            "could not read entry 8 (\"me\"): the username \"me\" is reserved",
            "could not read entry 9 (\"frank smith\"): username may only contain letters, \
             digits, '.', '_', '-' and '@'",
        ],
        "{report}"
    );
    let not_imported = lines(&report, "not imported: ");
    assert!(
        not_imported.contains(
            &"not imported: dave's extra permissions (delete); rights come from the role alone"
        ),
        "{report}"
    );
    assert!(
        not_imported
            .contains(&"not imported: group lab (admin, alice, bob); tessera has no groups"),
        "{report}"
    );
    assert!(
        not_imported
            .iter()
            .any(|l| l
                .starts_with("not imported: erin's lock state (3 failed logins, locked until ")),
        "{report}"
    );

    // Existing users are left exactly as they were (PlantDB's admin has another hash).
    assert_eq!(user(&s, "admin").await.unwrap(), demo_admin);
    assert_eq!(user(&s, "me").await, None);

    // PlantDB's hashes, kept as PlantDB wrote them, verify; the first login upgrades them.
    let alice = user(&s, "alice").await.unwrap();
    assert!(alice
        .password_hash
        .starts_with("$argon2id$v=19$m=65536,t=3,p=4$"));
    assert_eq!(alice.fullname, "Alice Martin");
    let client = s.client();
    let login = client.login("alice", "alice-plantdb-pw").await.unwrap();
    assert_eq!(login.user.fullname, "Alice Martin");
    client.validate().await.unwrap();
    let upgraded = user(&s, "alice").await.unwrap().password_hash;
    assert!(upgraded.contains("m=1024,t=1,p=1"), "{upgraded}");
    s.login("alice", "alice-plantdb-pw").await;

    // Roles: the highest of PlantDB's. bob (contributor + admin) may register users; alice
    // (reader + contributor) may not.
    assert_eq!(user(&s, "bob").await.unwrap().role, Role::Admin);
    assert_eq!(user(&s, "alice").await.unwrap().role, Role::Contributor);
    let bob = s.client();
    bob.login("bob", "bob-plantdb-pw").await.unwrap();
    bob.register("newcomer", "New Comer", "a-long-enough-password")
        .await
        .unwrap();
    assert_refused(
        &client
            .register("other", "Other", "a-long-enough-password")
            .await,
        403,
        "forbidden",
    );

    // Deactivated in PlantDB: disabled here. Locked in PlantDB: not locked here.
    assert!(user(&s, "carol").await.unwrap().disabled);
    assert_refused(
        &s.client().login("carol", "carol-plantdb-pw").await,
        401,
        "invalid_credentials",
    );
    s.login("erin", "erin-plantdb-pw").await;
    s.login("dave", "dave-plantdb-pw").await;

    // Each created user has its event.
    let audit = &s.running.as_ref().unwrap().auth;
    let events = audit
        .store()
        .audit_events(&tessera_core::store::AuditQuery {
            event: Some(tessera_core::audit::AuditKind::UserCreated),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let imported: Vec<_> = events
        .iter()
        .filter(|e| e.detail.contains(r#""imported_from":"plantdb""#))
        .filter_map(|e| e.subject.as_deref())
        .collect();
    assert_eq!(imported, ["erin", "dave", "carol", "bob", "alice"]);

    // Again: everyone is there already, nothing changes.
    let again = try_user(&s, import(fixture("db"), false), "")
        .await
        .unwrap();
    assert!(
        again.contains("created 0, skipped 7, could not read 2"),
        "{again}"
    );
}

#[tokio::test]
async fn a_dry_run_reports_and_creates_nobody() {
    let s = TestServer::start().await;
    let before = usernames(&s).await;
    let report = try_user(&s, import(fixture("db"), true), "").await.unwrap();
    assert!(
        report.contains("would create carol (reader, disabled)"),
        "{report}"
    );
    assert!(
        report.contains("would create 5, skipped 2, could not read 2"),
        "{report}"
    );
    assert!(
        report.ends_with("dry run: nothing was changed\n"),
        "{report}"
    );
    assert_eq!(usernames(&s).await, before);
}

#[tokio::test]
async fn a_malformed_file_changes_nothing() {
    let s = TestServer::start().await;
    let before = usernames(&s).await;

    // users.json cut off half-way.
    let err = try_user(&s, import(fixture("malformed"), false), "")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("malformed/users.json is not a file PlantDB could load"),
        "{err}"
    );
    assert!(err.contains("nothing was imported: not JSON"), "{err}");

    // A sound users.json with a broken groups.json: nobody either.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("db/users.json"), dir.path().join("users.json")).unwrap();
    std::fs::write(
        dir.path().join("groups.json"),
        r#"{"lab": {"users": "alice"}}"#,
    )
    .unwrap();
    let err = try_user(&s, import(dir.path().to_path_buf(), false), "")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("groups.json is not a file PlantDB could load"),
        "{err}"
    );
    assert!(
        err.contains(r#"group "lab": "users" is not a list of strings"#),
        "{err}"
    );

    // No users.json at all.
    let empty = tempfile::tempdir().unwrap();
    let err = try_user(&s, import(empty.path().to_path_buf(), false), "")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("no users.json in "), "{err}");

    assert_eq!(usernames(&s).await, before);
    assert_refused(
        &s.client().login("alice", "alice-plantdb-pw").await,
        401,
        "invalid_credentials",
    );
}
