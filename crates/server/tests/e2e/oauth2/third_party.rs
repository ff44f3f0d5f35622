//! The Rust `oauth2` crate, a client nobody here wrote, against the real server: the client
//! credentials, refresh and password grants, and introspection (with tessera's own client
//! helpers for what the crate does only over HTTPS, and for revocation).

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, ClientSecret, IntrospectionUrl, RefreshToken, ResourceOwnerPassword,
    ResourceOwnerUsername, RevocationUrl, Scope, StandardRevocableToken,
    TokenIntrospectionResponse, TokenResponse, TokenUrl,
};

use tessera_client::ClientCredentials;

use super::{new_client, on_each_backend};
use crate::common::TestServer;

fn http() -> reqwest::Client {
    reqwest::ClientBuilder::new()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_oauth2_crate_speaks_to_tessera() {
    on_each_backend(
        |c| c.oauth_password_grant = true,
        async |s: &TestServer| {
            let made = new_client(s, "crate", &["read", "write"], &["introspect"]).await;
            let client = BasicClient::new(ClientId::new(made.client_id.clone()))
                .set_client_secret(ClientSecret::new(made.client_secret.clone()))
                .set_token_uri(TokenUrl::new(format!("{}/oauth2/token", s.url)).unwrap())
                .set_introspection_url(
                    IntrospectionUrl::new(format!("{}/oauth2/introspect", s.url)).unwrap(),
                )
                .set_revocation_url(
                    RevocationUrl::new(format!("{}/oauth2/revoke", s.url)).unwrap(),
                );
            let http = http();

            let own = client
                .exchange_client_credentials()
                .add_scope(Scope::new("read".into()))
                .request_async(&http)
                .await
                .unwrap();
            assert_eq!(own.scopes().unwrap(), &[Scope::new("read".into())]);
            let v = s.validate(own.access_token().secret()).await.unwrap();
            assert_eq!(v.kind.as_deref(), Some("client"));

            let refused = client
                .exchange_client_credentials()
                .add_scope(Scope::new("admin".into()))
                .request_async(&http)
                .await;
            let err = format!("{:?}", refused.unwrap_err());
            assert!(err.contains("invalid_scope"), "{err}");

            let user = client
                .exchange_password(
                    &ResourceOwnerUsername::new("guest".into()),
                    &ResourceOwnerPassword::new("guest".into()),
                )
                .request_async(&http)
                .await
                .unwrap();
            let refresh = user.refresh_token().unwrap().clone();
            let rotated = client
                .exchange_refresh_token(&RefreshToken::new(refresh.secret().clone()))
                .request_async(&http)
                .await
                .unwrap();
            assert_ne!(rotated.refresh_token().unwrap().secret(), refresh.secret());
            // Past the retry grace, presenting the spent token again is reuse.
            s.clock.advance(120);
            let reused = client
                .exchange_refresh_token(&refresh)
                .request_async(&http)
                .await;
            let err = format!("{:?}", reused.unwrap_err());
            assert!(err.contains("invalid_grant"), "{err}");

            let seen = client
                .introspect(own.access_token())
                .request_async(&http)
                .await
                .unwrap();
            assert!(seen.active());
            assert_eq!(seen.client_id().unwrap().as_str(), made.client_id);
            // The crate revokes over HTTPS only (this server speaks HTTP): it refuses before
            // sending; tessera's own client revokes instead.
            let insecure = client.revoke_token(StandardRevocableToken::AccessToken(
                own.access_token().clone(),
            ));
            assert!(insecure.is_err());
            let creds = ClientCredentials::new(&made.client_id, &made.client_secret);
            s.client()
                .revoke(Some(&creds), own.access_token().secret())
                .await
                .unwrap();
            let seen = client
                .introspect(own.access_token())
                .request_async(&http)
                .await
                .unwrap();
            assert!(!seen.active());
            let ours = s
                .client()
                .introspect(&creds, own.access_token().secret())
                .await;
            assert!(!ours.unwrap().active);
        },
    )
    .await;
}
