//! Service clients (admins), with the client's credential.

use reqwest::Method;
use tessera_api::clients::{ClientCreated, ClientList, ClientSecret, CreateClientRequest};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::send::json;
use crate::{Client, ClientError};

impl Client {
    /// `POST /clients`: the only answer that shows the client's secret.
    pub async fn create_client(
        &self,
        request: &CreateClientRequest,
    ) -> Result<ClientCreated, ClientError> {
        self.authed(Method::POST, "/clients", Some(&json(request)?))
            .await
    }

    /// `GET /clients`
    pub async fn list_clients(&self) -> Result<ClientList, ClientError> {
        self.authed(Method::GET, "/clients", None).await
    }

    /// `POST /clients/{client_id}/secret`: a new secret; the old one and its tokens end.
    pub async fn rotate_client_secret(&self, client_id: &str) -> Result<ClientSecret, ClientError> {
        let path = format!("/clients/{}/secret", segment(client_id));
        self.authed(Method::POST, &path, None).await
    }

    /// `DELETE /clients/{client_id}`: the client and its tokens end.
    pub async fn remove_client(&self, client_id: &str) -> Result<MessageResponse, ClientError> {
        let path = format!("/clients/{}", segment(client_id));
        self.authed(Method::DELETE, &path, None).await
    }
}
