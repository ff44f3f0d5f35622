//! Personal tokens (PlantDB's API tokens): made, listed and revoked with the client's credential.

use reqwest::Method;
use tessera_api::tokens::{CreateApiTokenRequest, CreateApiTokenResponse, TokenList};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::send::json;
use crate::{Client, ClientError};

impl Client {
    /// `POST /auth/token/create-api-token`: the only answer that shows the token.
    pub async fn create_api_token(
        &self,
        request: &CreateApiTokenRequest,
    ) -> Result<CreateApiTokenResponse, ClientError> {
        let body = json(request)?;
        self.authed(Method::POST, "/auth/token/create-api-token", Some(&body))
            .await
    }

    /// The caller's live personal tokens.
    pub async fn list_tokens(&self) -> Result<TokenList, ClientError> {
        self.authed(Method::GET, "/auth/tokens", None).await
    }

    /// Revokes a personal token (the caller's own, or anyone's for an admin).
    pub async fn revoke_token(&self, id: &str) -> Result<MessageResponse, ClientError> {
        let path = format!("/auth/tokens/{}", segment(id));
        self.authed(Method::DELETE, &path, None).await
    }
}
