//! Users and client addresses in log lines: a keyed hash unless `log_pii`.

use crate::{log, start};

/// Logs in as `admin` with a wrong password and registers `zoltan`, under request ids
/// `{tag}-login` and `{tag}-register`; returns every line of those requests.
async fn a_failed_login_and_a_registration(api: &str, tag: &str) -> Vec<String> {
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{api}/auth/login"))
        .header("x-request-id", format!("{tag}-login"))
        .json(&serde_json::json!({"username": "admin", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let admin = tessera_client::Client::new(api.trim_end_matches("/api/v1"));
    admin.login("admin", "admin").await.unwrap();
    let token = admin.tokens().await.unwrap().access_token;
    let resp = http
        .post(format!("{api}/auth/register"))
        .bearer_auth(token)
        .header("x-request-id", format!("{tag}-register"))
        .json(&serde_json::json!({
            "username": "zoltan", "fullname": "Z", "password": "a fine long passphrase"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let mut lines = log().lines_with(&format!("{tag}-login"));
    lines.extend(log().lines_with(&format!("{tag}-register")));
    lines
}

fn one_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    let found: Vec<&String> = lines.iter().filter(|l| l.contains(needle)).collect();
    assert_eq!(found.len(), 1, "{needle}: {lines:?}");
    found[0]
}

#[tokio::test]
async fn users_and_addresses_are_hashed_unless_log_pii() {
    let (running, _dir) = start(|_| {}).await;
    let api = format!("http://{}/api/v1", running.addr);
    let lines = a_failed_login_and_a_registration(&api, "pii-off").await;
    let pii = running.auth.pii_log();
    let admin = pii.hash("admin").unwrap();
    let local = pii.hash("127.0.0.1").unwrap();
    let failed = one_with(&lines, "login failed: wrong password");
    assert!(failed.contains(&format!("username={admin}")), "{failed}");
    assert!(failed.contains(&format!("client={local}")), "{failed}");
    let registered = one_with(&lines, "user registered");
    let zoltan = pii.hash("zoltan").unwrap();
    assert!(
        registered.contains(&format!("username={zoltan}")),
        "{registered}"
    );
    assert!(registered.contains(&format!("by={admin}")), "{registered}");
    for line in &lines {
        for clear in ["admin", "zoltan", "127.0.0.1"] {
            assert!(!line.contains(clear), "{clear} in {line}");
        }
    }
    running.stop().await;

    let (running, _dir) = start(|c| c.log_pii = true).await;
    let api = format!("http://{}/api/v1", running.addr);
    let lines = a_failed_login_and_a_registration(&api, "pii-on").await;
    let failed = one_with(&lines, "login failed: wrong password");
    assert!(failed.contains("username=admin"), "{failed}");
    assert!(failed.contains("client=127.0.0.1"), "{failed}");
    let registered = one_with(&lines, "user registered");
    assert!(
        registered.contains("username=zoltan by=admin"),
        "{registered}"
    );
    running.stop().await;
}

#[tokio::test]
async fn instances_sharing_a_signing_key_or_a_salt_hash_alike() {
    let secret = "a signing passphrase shared by the instances of a test";
    let salted = |c: &mut tessera_server::Config| {
        c.log_salt = Some(tessera_server::config::Secret::new(
            "a salt of the deployment",
        ));
    };
    let (a, _da) =
        start(|c| c.jwt_secret_key = Some(tessera_server::config::Secret::new(secret))).await;
    let (b, _db) =
        start(|c| c.jwt_secret_key = Some(tessera_server::config::Secret::new(secret))).await;
    let (c, _dc) = start(|_| {}).await;
    let (d, _dd) = start(salted).await;
    let (e, _de) = start(salted).await;
    let hash = |r: &tessera_server::Running| r.auth.pii_log().hash("alice").unwrap();
    assert_eq!(hash(&a), hash(&b));
    assert_ne!(hash(&a), hash(&c));
    assert_eq!(hash(&d), hash(&e));
    assert_ne!(hash(&d), hash(&c));
    for r in [a, b, c, d, e] {
        r.stop().await;
    }
}
