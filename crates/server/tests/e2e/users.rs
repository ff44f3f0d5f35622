//! Users over HTTP, through the real client, on each backend: admins create, list, read and
//! change them; a user reads and renames themself; every bad input is refused with its code.

use reqwest::Method;
use serde_json::json;
use tessera_api::audit::AuditFilter;
use tessera_api::users::{CreateUserRequest, UpdateUserRequest, UserFilter};
use tessera_client::Client;

use crate::backends::on_each_backend;
use crate::common::{assert_error, assert_refused, http, refused, TestServer};

pub const STRONG: &str = "correct-horse-battery-staple-42";

pub fn new_user(username: &str, role: Option<&str>, password: Option<&str>) -> CreateUserRequest {
    CreateUserRequest {
        username: Some(username.into()),
        fullname: Some(format!("{username} Example")),
        role: role.map(str::to_string),
        password: password.map(str::to_string),
    }
}

/// A logged-in client of `username`.
pub async fn logged_in(s: &TestServer, username: &str, password: &str) -> Client {
    let c = s.client();
    c.login(username, password).await.unwrap();
    c
}

pub fn role(role: &str) -> UpdateUserRequest {
    UpdateUserRequest {
        role: Some(role.into()),
        ..UpdateUserRequest::default()
    }
}

pub fn disabled(disabled: bool) -> UpdateUserRequest {
    UpdateUserRequest {
        disabled: Some(disabled),
        ..UpdateUserRequest::default()
    }
}

fn filter(q: Option<&str>, role: Option<&str>, limit: Option<u32>) -> UserFilter {
    UserFilter {
        q: q.map(str::to_string),
        role: role.map(str::to_string),
        limit,
        ..UserFilter::default()
    }
}

async fn creating(s: &TestServer) {
    let admin = s.admin().await;
    let carol = admin
        .create_user(&new_user("Carol", Some("contributor"), Some(STRONG)))
        .await
        .unwrap();
    assert_eq!(carol.user.username, "carol");
    assert_eq!(carol.user.role, "contributor");
    assert!(!carol.user.disabled);
    assert_eq!(carol.user.last_login_at, None);
    assert!(carol.user.created_at.ends_with('Z'));
    assert_eq!(carol.password, None, "a given password is never echoed");
    logged_in(s, "carol", STRONG).await;

    // Without a password, one is generated, shown once, and works.
    let dave = admin
        .create_user(&new_user("dave", None, None))
        .await
        .unwrap();
    assert_eq!(dave.user.role, "reader");
    let generated = dave.password.expect("a generated password");
    assert!(generated.len() >= 20, "{generated}");
    // ...and must be changed at the first login before anything else.
    let dave_client = logged_in(s, "dave", &generated).await;
    assert_refused(&dave_client.me().await, 403, "password_change_required");

    let dup = admin
        .create_user(&new_user("carol", None, Some(STRONG)))
        .await;
    assert_refused(&dup, 409, "conflict");
    let me = admin
        .create_user(&new_user(" ME ", None, Some(STRONG)))
        .await;
    assert_refused(&me, 400, "reserved_username");
    let weak = admin
        .create_user(&new_user("erin", None, Some("erin")))
        .await;
    assert_refused(&weak, 400, "weak_password");
    let bad_role = admin
        .create_user(&new_user("erin", Some("owner"), Some(STRONG)))
        .await;
    assert_refused(&bad_role, 400, "bad_request");
    let bad_name = admin.create_user(&new_user("a b", None, None)).await;
    assert_refused(&bad_name, 400, "bad_request");
    let token = admin.tokens().await.unwrap().access_token;
    let url = s.api("/users");
    let extra = json!({"username": "erin", "fullname": "E", "admin": true});
    let got = http::send(Method::POST, &url, Some(&token), Some(&extra)).await;
    assert_error(&got, 400, "bad_request");
    let no_fullname = json!({"username": "erin"});
    let got = http::send(Method::POST, &url, Some(&token), Some(&no_fullname)).await;
    assert_error(&got, 400, "bad_request");
    // `me` is reserved at registration too.
    let got = admin.register("me", "Me", STRONG).await;
    assert_refused(&got, 400, "reserved_username");
    // Only admins create users, whatever they send.
    let guest = logged_in(s, "guest", "guest").await;
    let got = guest.create_user(&new_user("erin", None, None)).await;
    assert_refused(&got, 403, "forbidden");
    let got = http::send(Method::POST, &url, None, Some(&extra)).await;
    assert_error(&got, 401, "missing_token");
}

#[tokio::test]
async fn admins_create_users_with_a_role_and_a_given_or_generated_password() {
    on_each_backend(async |s| creating(s).await).await;
}

async fn listing(s: &TestServer) {
    let admin = s.admin().await;
    for (name, role) in [
        ("anton", "contributor"),
        ("bert", "reader"),
        ("anna", "admin"),
    ] {
        admin
            .create_user(&new_user(name, Some(role), Some(STRONG)))
            .await
            .unwrap();
    }
    admin.update_user("bert", &disabled(true)).await.unwrap();
    let names = |list: &tessera_api::users::UserList| -> Vec<String> {
        list.users.iter().map(|u| u.username.clone()).collect()
    };
    let all = admin.list_users(&UserFilter::default()).await.unwrap();
    assert_eq!(names(&all), ["admin", "anna", "anton", "bert", "guest"]);
    assert_eq!(all.next_cursor, None);
    let me = all.users.iter().find(|u| u.username == "admin").unwrap();
    assert!(me.last_login_at.as_deref().unwrap().ends_with('Z'));

    // Pages of two, followed to the end.
    let mut seen = Vec::new();
    let mut page = filter(None, None, Some(2));
    loop {
        let got = admin.list_users(&page).await.unwrap();
        assert!(got.users.len() <= 2);
        seen.extend(names(&got));
        match got.next_cursor {
            Some(next) => page.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, names(&all));

    let an = admin
        .list_users(&filter(Some("AN"), None, None))
        .await
        .unwrap();
    assert_eq!(names(&an), ["anna", "anton"]);
    let by_fullname = admin
        .list_users(&filter(Some("bert ex"), None, None))
        .await
        .unwrap();
    assert_eq!(names(&by_fullname), ["bert"]);
    let readers = admin
        .list_users(&filter(None, Some("reader"), None))
        .await
        .unwrap();
    assert_eq!(names(&readers), ["bert", "guest"]);
    let off = UserFilter {
        disabled: Some(true),
        ..UserFilter::default()
    };
    assert_eq!(names(&admin.list_users(&off).await.unwrap()), ["bert"]);

    // Bad queries, each with its code.
    let token = admin.tokens().await.unwrap().access_token;
    for (query, code) in [
        ("limit=0", "invalid_parameter"),
        ("limit=501", "invalid_parameter"),
        ("limit=ten", "invalid_parameter"),
        ("role=owner", "invalid_parameter"),
        ("disabled=maybe", "invalid_parameter"),
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("user=anna", "unknown_parameter"),
        ("q=a&q=b", "unknown_parameter"),
    ] {
        let url = s.api(&format!("/users?{query}"));
        let got = http::send(Method::GET, &url, Some(&token), None).await;
        assert_error(&got, 400, code);
    }
    let guest = logged_in(s, "guest", "guest").await;
    let got = guest.list_users(&UserFilter::default()).await;
    assert_refused(&got, 403, "forbidden");
}

#[tokio::test]
async fn admins_list_users_a_page_at_a_time_with_filters() {
    on_each_backend(async |s| listing(s).await).await;
}

async fn reading_and_changing(s: &TestServer) {
    let admin = s.admin().await;
    admin
        .create_user(&new_user("carol", None, Some(STRONG)))
        .await
        .unwrap();
    let carol = logged_in(s, "carol", STRONG).await;

    // Admins read anyone; unknown users are 404 for them.
    let read = admin.user("Carol").await.unwrap().user;
    assert_eq!(
        (read.username.as_str(), read.role.as_str()),
        ("carol", "reader")
    );
    assert!(read.last_login_at.is_some());
    assert_refused(&admin.user("nobody").await, 404, "not_found");
    // A user reads themself; anyone else, known or not, is the same 403.
    assert_eq!(carol.user("carol").await.unwrap().user, read);
    assert_refused(&carol.user("guest").await, 403, "forbidden");
    assert_refused(&carol.user("nobody").await, 403, "forbidden");

    // A user changes their own fullname, nothing else.
    let rename = UpdateUserRequest {
        fullname: Some("  Carol Jones ".into()),
        ..UpdateUserRequest::default()
    };
    let got = carol.update_user("carol", &rename).await.unwrap();
    assert_eq!(got.user.fullname, "Carol Jones");
    assert_eq!(carol.validate().await.unwrap().user.fullname, "Carol Jones");
    assert_refused(
        &carol.update_user("carol", &role("admin")).await,
        403,
        "forbidden",
    );
    assert_refused(
        &carol.update_user("carol", &disabled(true)).await,
        403,
        "forbidden",
    );
    assert_refused(&carol.update_user("guest", &rename).await, 403, "forbidden");
    let token = carol.tokens().await.unwrap().access_token;
    let url = s.api("/users/carol");
    for body in [
        json!({"fullname": "X", "password": "y"}),
        json!({"fullname": ""}),
        json!({"disabled": "yes"}),
        json!([1]),
    ] {
        let got = http::send(Method::PATCH, &url, Some(&token), Some(&body)).await;
        assert_error(&got, 400, "bad_request");
    }

    // Admins change the role and the disabled flag.
    let got = admin
        .update_user("carol", &role("contributor"))
        .await
        .unwrap();
    assert_eq!(got.user.role, "contributor");
    assert_refused(
        &admin.update_user("carol", &role("owner")).await,
        400,
        "bad_request",
    );
    assert_refused(
        &admin.update_user("nobody", &role("admin")).await,
        404,
        "not_found",
    );
    let got = admin.update_user("carol", &disabled(true)).await.unwrap();
    assert!(got.user.disabled);
    // Disabling ends her sessions: her next call is refused.
    assert_eq!(refused(&carol.user("carol").await), Some(401));
    assert!(s.client().login("carol", STRONG).await.is_err());
    admin.update_user("carol", &disabled(false)).await.unwrap();
    logged_in(s, "carol", STRONG).await;

    let events = admin
        .audit(&AuditFilter {
            user: Some("carol".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .events;
    for kind in [
        "user_created",
        "user_updated",
        "role_changed",
        "user_disabled",
        "user_enabled",
    ] {
        let e = events.iter().find(|e| e.event == kind);
        let e = e.unwrap_or_else(|| panic!("{kind} in {events:?}"));
        assert_eq!(e.subject.as_deref(), Some("carol"), "{kind}");
        assert!(e.actor.is_some(), "{kind}");
    }
}

#[tokio::test]
async fn admins_read_and_change_anyone_and_users_only_their_own_fullname() {
    on_each_backend(async |s| reading_and_changing(s).await).await;
}

async fn current_user(s: &TestServer) {
    let guest = logged_in(s, "guest", "guest").await;
    let me = guest.me().await.unwrap().user;
    assert_eq!(me.user.username, "guest");
    assert_eq!(me.permissions, ["read"]);
    let admin = s.admin().await;
    let me = admin.me().await.unwrap().user;
    assert!(me.permissions.iter().any(|p| p == "manage_users"));
    let rename = UpdateUserRequest {
        fullname: Some("Guest Star".into()),
        ..UpdateUserRequest::default()
    };
    let got = guest.update_me(&rename).await.unwrap();
    assert_eq!(got.user.fullname, "Guest Star");
    assert_refused(&guest.update_me(&role("admin")).await, 403, "forbidden");
    // The flat shape: the user's fields and `permissions` side by side.
    let token = guest.tokens().await.unwrap().access_token;
    let got = http::send(Method::GET, &s.api("/users/me"), Some(&token), None).await;
    assert_eq!(got.0, 200);
    assert_eq!(got.1["user"]["username"], "guest");
    assert_eq!(got.1["user"]["permissions"], json!(["read"]));
    let got = http::send(Method::GET, &s.api("/users/me"), None, None).await;
    assert_error(&got, 401, "missing_token");
}

#[tokio::test]
async fn every_user_reads_themself_with_their_permissions() {
    on_each_backend(async |s| current_user(s).await).await;
}
