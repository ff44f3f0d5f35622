//! `tessera client ...` on the database of a running server: what it changes reaches the
//! server through the revocation log.

use std::sync::Arc;

use tessera_api::clients::ClientCreated;
use tessera_api::ErrorCode;
use tessera_core::Clock;
use tessera_server::cli::{run_client, ClientAction};

use super::client_token;
use crate::common::{assert_refused, test_config, TestServer};

async fn client(s: &TestServer, action: ClientAction) -> Result<String, String> {
    let clock: Arc<dyn Clock> = s.clock.clone();
    run_client(&test_config(&s.dir), clock, action)
        .await
        .map_err(|e| format!("{e:#}"))
}

fn field<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

#[tokio::test]
async fn client_commands_work_on_the_database_of_a_running_server() {
    let s = TestServer::start().await;
    let add = ClientAction::Add {
        name: "nightly".into(),
        scopes: vec!["read".into()],
        rights: vec!["introspect".into()],
    };
    let out = client(&s, add).await.unwrap();
    let made = ClientCreated {
        message: String::new(),
        client_id: field(&out, "client_id").to_string(),
        client_secret: field(&out, "client_secret").to_string(),
        name: "nightly".into(),
        scopes: vec!["read".into()],
        rights: vec!["introspect".into()],
        created_at: String::new(),
    };
    let token = client_token(&s, &made, None).await;
    let list = client(&s, ClientAction::List).await.unwrap();
    assert!(
        list.starts_with(&format!("{}\tnightly\tread\tintrospect\t", made.client_id)),
        "{list}"
    );
    assert!(!list.contains(&made.client_secret));

    let rotate = ClientAction::RotateSecret {
        client_id: made.client_id.clone(),
    };
    let out = client(&s, rotate).await.unwrap();
    let renewed = ClientCreated {
        client_secret: field(&out, "client_secret").to_string(),
        ..made.clone()
    };
    s.running
        .as_ref()
        .unwrap()
        .auth
        .sync_revocations()
        .await
        .unwrap();
    assert_refused(&s.validate(&token).await, 401, ErrorCode::InvalidToken);
    let fresh = client_token(&s, &renewed, None).await;

    let remove = ClientAction::Remove {
        client_id: made.client_id.clone(),
    };
    assert_eq!(
        client(&s, remove).await.unwrap(),
        format!("removed client {}\n", made.client_id)
    );
    s.running
        .as_ref()
        .unwrap()
        .auth
        .sync_revocations()
        .await
        .unwrap();
    assert_refused(&s.validate(&fresh).await, 401, ErrorCode::InvalidToken);
    let again = ClientAction::Remove {
        client_id: made.client_id.clone(),
    };
    assert!(client(&s, again).await.unwrap_err().contains("no client"));
    let bad = ClientAction::Add {
        name: "x".into(),
        scopes: vec!["a b".into()],
        rights: vec![],
    };
    assert!(client(&s, bad).await.unwrap_err().contains("invalid scope"));
}
