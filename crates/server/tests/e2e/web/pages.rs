//! The sessions, personal tokens and API keys pages, used as a person does, with
//! JavaScript off.

use super::browser::Browser;
use crate::common::TestServer;

#[tokio::test]
async fn a_person_sees_their_sessions_and_ends_one_and_then_the_others() {
    let s = TestServer::start().await;
    let first = Browser::logged_in(&s.url, "admin", "admin").await;
    let second = Browser::logged_in(&s.url, "admin", "admin").await;
    let third = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = first.get("/ui/sessions").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.matches("/end\"").count(),
        3,
        "three sessions: {}",
        page.body
    );
    assert_eq!(
        page.body
            .matches("<span class=\"badge\">this session</span>")
            .count(),
        1
    );
    assert!(page.body.contains("127.0.0.1"));
    // End the second browser's session: find its id through its own page.
    let second_page = second.get("/ui/sessions").await;
    let marker = "this session</span></td>";
    let at = second_page.body.find(marker).unwrap();
    let rest = &second_page.body[at..];
    let id_at = rest.find("/ui/sessions/").unwrap() + "/ui/sessions/".len();
    let id = &rest[id_at..id_at + rest[id_at..].find('/').unwrap()];
    let ended = first
        .post(&format!("/ui/sessions/{id}/end"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(ended.location(), "/ui/sessions?notice=ended");
    let thrown = second.get("/ui/tokens").await;
    assert_eq!(thrown.location(), "/ui/login?next=/ui/tokens&ended=1");
    let others = first
        .post("/ui/sessions/end-others", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(others.location(), "/ui/sessions?notice=others");
    assert_eq!(third.get("/ui/sessions").await.status, 303);
    let left = first.get(others.location()).await;
    assert_eq!(left.status, 200);
    assert_eq!(
        left.body.matches("End session").count(),
        0,
        "only this one is left"
    );
    assert!(left.body.contains("Every other session was ended."));
}

fn secret_of(body: &str) -> String {
    let at = body.find("id=\"new-token\">").expect("the secret is shown") + 15;
    body[at..at + body[at..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn a_personal_token_is_shown_once_works_shows_its_last_use_and_is_revoked() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/tokens").await;
    assert!(page
        .body
        .contains("<label for=\"description\">Description</label>"));
    let created = b
        .post(
            "/ui/tokens",
            &[
                ("csrf", &page.csrf()),
                ("description", "nightly import"),
                ("datasets", "plants_*, arabidopsis"),
                ("permissions", "read"),
                ("permissions", "write"),
                ("expires_days", "7"),
            ],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.body.contains("you will not see it again"));
    assert!(created.body.contains("data-copy=\"new-token\""));
    let secret = secret_of(&created.body);
    assert!(secret.starts_with("tsr_pat_"), "{secret}");
    let valid = s.validate(&secret).await.expect("the token works");
    assert_eq!(valid.kind.as_deref(), Some("personal_token"));
    s.running
        .as_ref()
        .unwrap()
        .auth
        .flush_token_uses()
        .await
        .unwrap();
    let listed = b.get("/ui/tokens").await;
    assert!(!listed.body.contains(&secret), "shown once only");
    assert!(listed.body.contains("nightly import"));
    assert!(listed.body.contains("plants_*:write") && listed.body.contains("arabidopsis:read"));
    assert!(
        !listed.body.contains(">never from"),
        "last used is filled in"
    );
    assert!(listed.body.contains("from 127.0.0.1"), "{}", listed.body);
    let at = listed.body.find("/ui/tokens/").unwrap() + "/ui/tokens/".len();
    let id = &listed.body[at..at + listed.body[at..].find('/').unwrap()];
    let revoked = b
        .post(
            &format!("/ui/tokens/{id}/revoke"),
            &[("csrf", &listed.csrf())],
        )
        .await;
    assert_eq!(revoked.location(), "/ui/tokens?notice=revoked");
    assert!(s.validate(&secret).await.is_err(), "revoked: 401");
    assert!(b
        .get("/ui/tokens")
        .await
        .body
        .contains("You have no personal token."));
}

#[tokio::test]
async fn a_token_form_with_bad_input_says_why_next_to_the_field_and_keeps_what_was_typed() {
    let s = TestServer::start().await;
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let csrf = b.get("/ui/tokens").await.csrf();
    let none_ticked = b
        .post(
            "/ui/tokens",
            &[
                ("csrf", &csrf),
                ("description", "kept text"),
                ("datasets", "*"),
                ("expires_days", "7"),
            ],
        )
        .await;
    assert_eq!(none_ticked.status, 400);
    assert!(none_ticked.body.contains("id=\"permissions-error\""));
    assert!(none_ticked.body.contains("value=\"kept text\""));
    let bad_description = b
        .post(
            "/ui/tokens",
            &[
                ("csrf", &csrf),
                ("description", &"x".repeat(300)),
                ("datasets", "*"),
                ("permissions", "read"),
                ("expires_days", "7"),
            ],
        )
        .await;
    assert_eq!(bad_description.status, 400);
    assert!(
        bad_description.body.contains("id=\"description-error\""),
        "{}",
        bad_description.body
    );
    let bad_expiry = b
        .post(
            "/ui/tokens",
            &[
                ("csrf", &csrf),
                ("datasets", "*"),
                ("permissions", "read"),
                ("expires_days", "-3"),
            ],
        )
        .await;
    assert_eq!(bad_expiry.status, 400);
    assert!(bad_expiry.body.contains("Choose when the token expires."));
    assert!(!bad_expiry.body.contains("{\""), "no raw JSON");
    assert!(b
        .get("/ui/tokens")
        .await
        .body
        .contains("You have no personal token."));
}

#[tokio::test]
async fn api_keys_are_listed_and_revoked_one_or_all() {
    let s = TestServer::start().await;
    let owner = s.admin().await;
    for audience in ["billing", "reports", "search"] {
        let req = serde_json::from_value(serde_json::json!({
            "audience": audience, "subject": "job-1"
        }))
        .unwrap();
        owner.create_apikey(&req).await.unwrap();
    }
    let b = Browser::logged_in(&s.url, "admin", "admin").await;
    let page = b.get("/ui/apikeys").await;
    assert_eq!(page.status, 200);
    for audience in ["billing", "reports", "search"] {
        assert!(page.body.contains(audience));
    }
    let at = page.body.find("/ui/apikeys/").unwrap() + "/ui/apikeys/".len();
    let id = &page.body[at..at + page.body[at..].find('/').unwrap()];
    let one = b
        .post(
            &format!("/ui/apikeys/{id}/revoke"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(one.location(), "/ui/apikeys?notice=apikey");
    assert_eq!(owner.list_apikeys().await.unwrap().apikeys.len(), 2);
    let all = b
        .post("/ui/apikeys/revoke-all", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(all.location(), "/ui/apikeys?notice=apikeys");
    assert!(owner.list_apikeys().await.unwrap().apikeys.is_empty());
    assert!(b
        .get("/ui/apikeys")
        .await
        .body
        .contains("You have no live API key."));
}
