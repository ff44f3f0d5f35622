use std::sync::Arc;

use serde_json::json;
use tessera_api::tokens::CreateResourceTokenRequest;
use tessera_core::Clock;
use tessera_server::cli::{run_resource, ResourceAction};

use crate::common::{refused, test_config, TestServer};

async fn resource(s: &TestServer, action: ResourceAction) -> Result<String, String> {
    let clock: Arc<dyn Clock> = s.clock.clone();
    run_resource(&test_config(&s.dir), clock, action)
        .await
        .map_err(|e| format!("{e:#}"))
}

#[tokio::test]
async fn resource_commands_work_on_the_database_of_a_running_server() {
    let s = TestServer::start().await;
    let add = ResourceAction::Add {
        name: "plugin:fancy-plugin".into(),
        maintainers: vec!["Guest".into()],
    };
    assert_eq!(
        resource(&s, add).await.unwrap(),
        "created resource plugin:fancy-plugin\n"
    );
    let ghost = ResourceAction::Add {
        name: "plugin:ghost".into(),
        maintainers: vec!["ghost".into()],
    };
    assert!(resource(&s, ghost)
        .await
        .unwrap_err()
        .contains("no user ghost"));
    let dup = ResourceAction::Add {
        name: "plugin:fancy-plugin".into(),
        maintainers: vec![],
    };
    assert!(resource(&s, dup).await.is_err());

    let guest = s.client();
    guest.login("guest", "guest").await.unwrap();
    let request = CreateResourceTokenRequest {
        description: Some("ci".into()),
        scopes: Some(json!(["read"])),
        expires_in: None,
    };
    let made = guest
        .create_resource_token("plugin:fancy-plugin", &request)
        .await
        .unwrap();

    let out = resource(
        &s,
        ResourceAction::AddMaintainer {
            name: "plugin:fancy-plugin".into(),
            username: "admin".into(),
        },
    )
    .await;
    assert_eq!(out.unwrap(), "admin now maintains plugin:fancy-plugin\n");
    let list = resource(&s, ResourceAction::List).await.unwrap();
    assert_eq!(list, "plugin:fancy-plugin\tadmin,guest\n");
    let out = resource(
        &s,
        ResourceAction::RemoveMaintainer {
            name: "plugin:fancy-plugin".into(),
            username: "guest".into(),
        },
    )
    .await;
    assert_eq!(
        out.unwrap(),
        "guest no longer maintains plugin:fancy-plugin\n"
    );
    let again = resource(
        &s,
        ResourceAction::RemoveMaintainer {
            name: "plugin:fancy-plugin".into(),
            username: "guest".into(),
        },
    )
    .await;
    assert!(again.unwrap_err().contains("not a maintainer"));
    let unknown = resource(
        &s,
        ResourceAction::AddMaintainer {
            name: "nope".into(),
            username: "admin".into(),
        },
    )
    .await;
    assert!(unknown.unwrap_err().contains("no resource nope"));

    let listed = guest.list_resource_tokens("plugin:fancy-plugin").await;
    assert_eq!(
        refused(&listed),
        Some(403),
        "guest is no longer a maintainer"
    );
    s.validate(&made.token)
        .await
        .expect("the token belongs to the resource");
}
