//! API keys and their refresh tokens at `POST /oauth2/introspect` and `POST /oauth2/revoke`:
//! live ones are introspected, spent or revoked ones are inactive, and presenting either the key
//! or its refresh token ends the key's refresh chain.

use serde_json::{json, Value};

use super::{form, new_client, on_each_backend};
use crate::apikeys::{contributor, create_ok, refresh, svc, verify_key};
use crate::common::TestServer;

const INTROSPECT: &str = "/oauth2/introspect";
const REVOKE: &str = "/oauth2/revoke";

#[tokio::test]
async fn api_keys_and_their_refresh_tokens_are_introspected_and_revoked() {
    on_each_backend(
        |_| {},
        async |s: &TestServer| {
            let gate = new_client(s, "gateway", &[], &["introspect"]).await;
            let basic = Some((gate.client_id.as_str(), gate.client_secret.as_str()));
            let ask = async |token: &str| -> Value {
                let got = form(s, INTROSPECT, basic, &[("token", token)]).await;
                assert_eq!(got.0, 200, "{}", got.2);
                got.2
            };
            let revoke = async |token: &str| {
                let got = form(s, REVOKE, None, &[("token", token)]).await;
                assert_eq!((got.0, &got.2), (200, &json!({})), "{token}");
            };
            let inactive = json!({"active": false});
            let bearer = contributor(s, "carol").await;

            // A live key and its refresh token.
            let one = create_ok(s, &bearer, svc()).await;
            let k = ask(&one.apikey).await;
            assert_eq!(
                (&k["active"], &k["token_type"]),
                (&true.into(), &"api_key".into())
            );
            let r = ask(&one.refresh_token).await;
            assert_eq!(r["active"], true, "{r}");
            assert_eq!(r["token_type"], "api_key_refresh_token");
            assert_eq!(
                (&r["username"], &r["aud"], &r["sub"], &r["iss"]),
                (
                    &"carol".into(),
                    &"svc".into(),
                    &"/data".into(),
                    &"tessera".into()
                )
            );
            assert!(r["exp"].as_i64().unwrap() > r["iat"].as_i64().unwrap());
            assert!(r.get("client_id").is_none() && r.get("scope").is_none());

            // Spent by a refresh: the old key and the old refresh token are inactive, the
            // successor's are live.
            let two = refresh(s, &one.refresh_token).await.unwrap();
            assert_eq!(ask(&one.refresh_token).await, inactive);
            assert_eq!(ask(&one.apikey).await, inactive);
            assert_eq!(ask(&two.refresh_token).await["active"], true);
            // Revoking with the spent refresh token revokes nothing: the successor lives.
            revoke(&one.refresh_token).await;
            verify_key(s, &two.apikey).await.unwrap();

            // Revoked through its refresh token: the key ends with it.
            revoke(&two.refresh_token).await;
            assert!(verify_key(s, &two.apikey).await.is_err());
            assert_eq!(ask(&two.apikey).await, inactive);
            assert_eq!(ask(&two.refresh_token).await, inactive);
            assert!(refresh(s, &two.refresh_token).await.is_err());

            // Revoked through the key itself: its refresh token ends with it.
            let three = create_ok(s, &bearer, svc()).await;
            revoke(&three.apikey).await;
            assert!(verify_key(s, &three.apikey).await.is_err());
            assert_eq!(ask(&three.refresh_token).await, inactive);
            assert!(refresh(s, &three.refresh_token).await.is_err());

            // Unknown or malformed API-key refresh tokens: inactive, and 200 to revoke.
            let unknown = format!("tsr_ak_{}", tessera_core::secret::random_b64(32));
            for token in [unknown.as_str(), "tsr_ak_short"] {
                assert_eq!(ask(token).await, inactive);
                revoke(token).await;
            }
        },
    )
    .await;
}
