use std::sync::Arc;

use serde_json::json;
use tessera_core::Clock;
use tessera_server::cli::{run_resource, ResourceAction};

use crate::common::{test_config, TestServer};
use crate::scoped_support::call;

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

    let (guest, _) = s.login("guest", "guest").await;
    let body = json!({"description": "ci", "scopes": ["read"]});
    let made = call(
        &s,
        "POST",
        "/resources/plugin:fancy-plugin/tokens",
        Some(&guest),
        Some(body),
    )
    .await;
    assert_eq!(made.0, 201, "{}", made.1);

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

    let listed = call(
        &s,
        "GET",
        "/resources/plugin:fancy-plugin/tokens",
        Some(&guest),
        None,
    )
    .await;
    assert_eq!(listed.0, 403, "guest is no longer a maintainer");
    let token = made.1["token"].as_str().unwrap();
    s.validate(token)
        .await
        .expect("the token belongs to the resource");
}
