//! Passwords: changing one's own, an admin's reset, and registering oneself where the server
//! has open registration.

use reqwest::Method;
use tessera_api::passwords::{
    ChangePasswordRequest, ChangePasswordResponse, ResetPasswordRequest, ResetPasswordResponse,
};
use tessera_api::{MessageResponse, RegisterRequest};

use crate::path::segment;
use crate::send::json;
use crate::{Client, ClientError, Credential};

impl Client {
    /// `POST /users/me/password`: changes the caller's password; every other session and API
    /// key of theirs ends (their personal tokens too with `revoke_personal_tokens`). A session
    /// the client holds stays, and is refreshed at once, so that its access token is no longer
    /// limited to changing the password (after an admin's reset). A wrong `current` is 403
    /// `wrong_password`.
    pub async fn change_password(
        &self,
        current: &str,
        new: &str,
        revoke_personal_tokens: bool,
    ) -> Result<ChangePasswordResponse, ClientError> {
        let body = ChangePasswordRequest {
            current_password: Some(current.to_string()),
            new_password: Some(new.to_string()),
            revoke_personal_tokens,
        };
        let resp = self
            .authed(Method::POST, "/users/me/password", Some(&json(&body)?))
            .await?;
        let held = self.credential.lock().await.clone();
        if let Credential::Session(tokens) = held {
            // The password is changed whatever this refresh does; should it fail, the next
            // call refused with `password_change_required` refreshes and retries.
            let _ = self.refresh_after(&tokens).await;
        }
        Ok(resp)
    }

    /// `POST /users/{username}/password` (admins): sets `password`, or, with `None`, has one
    /// generated (in the answer, shown once). `must_change` defaults to true on the server.
    pub async fn reset_password(
        &self,
        username: &str,
        password: Option<&str>,
        must_change: Option<bool>,
    ) -> Result<ResetPasswordResponse, ClientError> {
        let body = ResetPasswordRequest {
            password: password.map(str::to_string),
            must_change,
        };
        let path = format!("/users/{}/password", segment(username));
        self.authed(Method::POST, &path, Some(&json(&body)?)).await
    }

    /// `POST /auth/register` without a credential: registers oneself as a reader, where the
    /// server has `open_registration` (else 401 `missing_token`).
    pub async fn register_self(
        &self,
        username: &str,
        fullname: &str,
        password: &str,
    ) -> Result<MessageResponse, ClientError> {
        let body = RegisterRequest {
            username: Some(username.to_string()),
            fullname: Some(fullname.to_string()),
            password: Some(password.to_string()),
        };
        self.send(Method::POST, "/auth/register", None, Some(&json(&body)?))
            .await
    }
}
