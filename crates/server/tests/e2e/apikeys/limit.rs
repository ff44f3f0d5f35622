//! The cap on live API keys per user (`apikey_max_per_user`).

use serde_json::json;

use super::{contributor, create, create_ok, svc};
use crate::common::{assert_error, TestServer};

#[tokio::test]
async fn a_key_beyond_the_cap_is_409_apikey_limit_until_one_is_revoked() {
    let s = TestServer::start_with(|c| c.apikey_max_per_user = 2).await;
    let carol = contributor(&s, "carol").await;
    let first = create_ok(&s, &carol, svc()).await;
    create_ok(&s, &carol, svc()).await;
    // Refreshing replaces a key: it is no new one.
    let client = s.client();
    let refreshed = client.refresh_apikey(&first.refresh_token).await.unwrap();
    let body = json!({"audience": "svc", "subject": "/data"});
    let refused = create(&s, &carol, body.clone()).await;
    assert_error(&refused, 409, "apikey_limit");
    // Another user has places of their own.
    let dave = contributor(&s, "dave").await;
    assert_eq!(create(&s, &dave, body.clone()).await.0, 201);
    let owner = s.bearer(&carol).await;
    owner.revoke_apikey(&refreshed.apikey_id).await.unwrap();
    assert_eq!(create(&s, &carol, body).await.0, 201);
}
