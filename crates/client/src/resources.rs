//! Resources, their maintainers and their tokens, with the client's credential.

use reqwest::Method;
use tessera_api::tokens::{
    CreateResourceRequest, CreateResourceTokenRequest, DescriptionRequest, MaintainerRequest,
    ResourceList, ResourceResponse, ResourceTokenCreated, TokenList,
};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::send::json;
use crate::{Client, ClientError};

/// `/resources/{name}` followed by `rest`.
fn resource(name: &str, rest: &str) -> String {
    format!("/resources/{}{rest}", segment(name))
}

impl Client {
    /// `POST /resources` (admins).
    pub async fn create_resource(
        &self,
        request: &CreateResourceRequest,
    ) -> Result<ResourceResponse, ClientError> {
        self.authed(Method::POST, "/resources", Some(&json(request)?))
            .await
    }

    /// All resources for an admin, the maintained ones for anyone else.
    pub async fn list_resources(&self) -> Result<ResourceList, ClientError> {
        self.authed(Method::GET, "/resources", None).await
    }

    pub async fn add_maintainer(
        &self,
        name: &str,
        username: &str,
    ) -> Result<MessageResponse, ClientError> {
        let body = MaintainerRequest {
            username: Some(username.to_string()),
        };
        let path = resource(name, "/maintainers");
        self.authed(Method::POST, &path, Some(&json(&body)?)).await
    }

    pub async fn remove_maintainer(
        &self,
        name: &str,
        username: &str,
    ) -> Result<MessageResponse, ClientError> {
        let path = resource(name, &format!("/maintainers/{}", segment(username)));
        self.authed(Method::DELETE, &path, None).await
    }

    /// A token of the resource (maintainers): the only answer that shows it.
    pub async fn create_resource_token(
        &self,
        name: &str,
        request: &CreateResourceTokenRequest,
    ) -> Result<ResourceTokenCreated, ClientError> {
        let path = resource(name, "/tokens");
        self.authed(Method::POST, &path, Some(&json(request)?))
            .await
    }

    /// Every live token of the resource, whoever made it (maintainers).
    pub async fn list_resource_tokens(&self, name: &str) -> Result<TokenList, ClientError> {
        self.authed(Method::GET, &resource(name, "/tokens"), None)
            .await
    }

    /// Gives a token of the resource a new description (maintainers).
    pub async fn describe_resource_token(
        &self,
        name: &str,
        id: &str,
        description: &str,
    ) -> Result<MessageResponse, ClientError> {
        let body = DescriptionRequest {
            description: Some(description.to_string()),
        };
        let path = resource(name, &format!("/tokens/{}", segment(id)));
        self.authed(Method::PATCH, &path, Some(&json(&body)?)).await
    }

    /// Revokes a token of the resource everywhere (maintainers).
    pub async fn revoke_resource_token(
        &self,
        name: &str,
        id: &str,
    ) -> Result<MessageResponse, ClientError> {
        let path = resource(name, &format!("/tokens/{}", segment(id)));
        self.authed(Method::DELETE, &path, None).await
    }
}
