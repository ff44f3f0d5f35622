//! `tessera backup` while the server runs, `tessera restore` while it is stopped: what a
//! restored database still knows, and what a restore ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};
use tempfile::TempDir;
use tessera_core::{Clock, ManualClock};
use tessera_server::cli::{run_backup, run_restore, RestoreArgs};

use crate::common::{assert_refused, reason, test_config, TestServer};
use crate::scoped_support::personal;

/// A server with guest logged in (once refreshed after the backup) and a personal token of
/// admin's made before it, stopped after the refresh.
struct Story {
    server: Option<TestServer>,
    backup: PathBuf,
    _backups: TempDir,
    /// guest's access and refresh tokens when the backup was taken.
    access: String,
    refresh: String,
    /// The refresh token the refresh after the backup gave.
    refreshed: String,
    token: String,
}

async fn story() -> Story {
    let s = TestServer::start().await;
    let (admin, _) = s.login("admin", "admin").await;
    let (token, _) = personal(&s, &admin, json!({"*": ["read"]}), 86_400).await;
    let (access, refresh) = s.login("guest", "guest").await;
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("tessera-backup.db");
    let out = run_backup(&test_config(&s.dir), &backup).await.unwrap();
    assert!(out.contains("backed up"), "{out}");
    assert!(out.contains("jwt-signing.key"), "{out}");
    let refreshed = s.refresh(&refresh).await.unwrap().refresh_token;
    Story {
        server: Some(s),
        backup,
        _backups: backups,
        access,
        refresh,
        refreshed,
        token,
    }
}

impl Story {
    /// Stops the server, restores the backup with `flags`, starts it again.
    async fn restore(&mut self, keep_sessions: bool, revoke_scoped_tokens: bool) -> String {
        let (dir, clock) = self.server.take().unwrap().stop().await;
        let args = RestoreArgs {
            file: self.backup.clone(),
            keep_sessions,
            revoke_scoped_tokens,
        };
        let c: Arc<dyn Clock> = clock.clone();
        let out = run_restore(&test_config(&dir), c, args).await.unwrap();
        self.server = Some(TestServer::start_in(dir, clock, |_| {}).await);
        out
    }

    fn s(&self) -> &TestServer {
        self.server.as_ref().unwrap()
    }
}

#[tokio::test]
async fn a_restore_ends_every_session_and_keeps_personal_tokens() {
    let mut story = story().await;
    let out = story.restore(false, false).await;
    assert!(out.contains("ended 2 sessions and 0 API keys"), "{out}");
    assert!(out.contains("are undone"), "the warning is printed: {out}");
    let s = story.s();
    // The refresh token spent after the backup is unspent in it, but its session has ended.
    let again = s.refresh(&story.refresh).await;
    assert_refused(&again, 401, "invalid_token");
    assert!(reason(&again).contains("revoked"), "{}", reason(&again));
    // The one it gave is unknown to the backup.
    assert_refused(&s.refresh(&story.refreshed).await, 401, "invalid_token");
    assert_refused(&s.validate(&story.access).await, 401, "invalid_token");
    let v = s.validate(&story.token).await.unwrap();
    assert_eq!(v.kind.as_deref(), Some("personal_token"));
    s.login("guest", "guest").await;
}

#[tokio::test]
async fn keep_sessions_keeps_them_and_revoke_scoped_tokens_ends_personal_tokens() {
    let mut story = story().await;
    let out = story.restore(true, true).await;
    assert!(out.contains("work again"), "{out}");
    assert!(
        out.contains("ended 1 personal and resource tokens"),
        "{out}"
    );
    let s = story.s();
    s.validate(&story.access).await.unwrap();
    s.refresh(&story.refresh).await.unwrap();
    assert_refused(&s.validate(&story.token).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_restore_is_refused_while_the_server_runs() {
    let story = story().await;
    let s = story.s();
    let args = RestoreArgs {
        file: story.backup.clone(),
        keep_sessions: false,
        revoke_scoped_tokens: false,
    };
    let c: Arc<dyn Clock> = s.clock.clone();
    let err = run_restore(&test_config(&s.dir), c, args)
        .await
        .unwrap_err();
    let text = tessera_server::cli::report(&err);
    assert!(text.contains("is in use"), "{text}");
    assert!(text.contains("stop it first"), "{text}");
    // Nothing changed: the session and its latest refresh token live on.
    s.validate(&story.access).await.unwrap();
    s.refresh(&story.refreshed).await.unwrap();
}

#[tokio::test]
async fn backup_and_restore_send_postgresql_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    config.database_url = Some("postgres://tessera:secret@db.internal/tessera".into());
    let file = dir.path().join("copy.db");
    let err = run_backup(&config, &file).await.unwrap_err().to_string();
    assert!(err.contains("pg_dump"), "{err}");
    assert!(!err.contains("secret"), "{err}");
    let args = RestoreArgs {
        file,
        keep_sessions: false,
        revoke_scoped_tokens: false,
    };
    let c: Arc<dyn Clock> = Arc::new(ManualClock::new(0));
    let err = run_restore(&config, c, args).await.unwrap_err().to_string();
    assert!(err.contains("pg_restore"), "{err}");
}

/// A database an earlier release wrote (an upgrade fixture) restores as a backup: it is
/// checked, migrated, and its sessions and API keys ended.
#[tokio::test]
async fn a_backup_from_an_earlier_release_restores() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade/0.1.0-fad6916");
    let facts: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("fixture.json")).unwrap()).unwrap();
    let fact = |p: &str| {
        facts
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    };
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("old.db");
    std::fs::copy(fixture.join("tessera.db"), &backup).unwrap();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    std::fs::copy(
        fixture.join("jwt-signing.key"),
        dir.path().join("jwt-signing.key"),
    )
    .unwrap();
    let clock = Arc::new(ManualClock::new(facts["made_at"].as_i64().unwrap() + 5));
    let args = RestoreArgs {
        file: backup,
        keep_sessions: false,
        revoke_scoped_tokens: false,
    };
    let c: Arc<dyn Clock> = clock.clone();
    let out = run_restore(&test_config(&dir), c, args).await.unwrap();
    assert!(out.contains("ended 2 sessions and 1 API keys"), "{out}");
    assert!(!out.contains("the database it replaced"), "{out}");

    let s = TestServer::start_in(dir, clock, |_| {}).await;
    assert_refused(
        &s.refresh(&fact("/alice/refresh_token")).await,
        401,
        "invalid_token",
    );
    assert_refused(
        &s.validate(&fact("/alice/access_token")).await,
        401,
        "invalid_token",
    );
    s.validate(&fact("/personal_token/token")).await.unwrap();
    s.login("alice", &fact("/alice/password")).await;
}
