//! Users: admins list, create, change and delete them; each user reads and renames themself.

use reqwest::Method;
use tessera_api::users::{
    CreateUserRequest, CreatedUserResponse, CurrentUserResponse, DeleteUserRequest,
    UpdateUserRequest, UpdatedUserResponse, UserFilter, UserList, UserResponse,
};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::send::json;
use crate::{Client, ClientError};

fn user(username: &str) -> String {
    format!("/users/{}", segment(username))
}

impl Client {
    /// `GET /users` (admins): a page of users by username; pass its `next_cursor` as the
    /// filter's `cursor` for the next page.
    pub async fn list_users(&self, filter: &UserFilter) -> Result<UserList, ClientError> {
        let mut url = reqwest::Url::parse(&format!("{}/users", self.base))
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(filter.pairs());
        let path = match url.query() {
            Some(query) if !query.is_empty() => format!("/users?{query}"),
            _ => "/users".to_string(),
        };
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /users` (admins). Without `password` in the request, the answer carries the one
    /// generated (the only time it is shown).
    pub async fn create_user(
        &self,
        request: &CreateUserRequest,
    ) -> Result<CreatedUserResponse, ClientError> {
        self.authed(Method::POST, "/users", Some(&json(request)?))
            .await
    }

    /// `GET /users/{username}`: admins, or the user themself.
    pub async fn user(&self, username: &str) -> Result<UserResponse, ClientError> {
        self.authed(Method::GET, &user(username), None).await
    }

    /// `GET /users/me`: the caller, with the permissions of their role.
    pub async fn me(&self) -> Result<CurrentUserResponse, ClientError> {
        self.authed(Method::GET, "/users/me", None).await
    }

    /// `PATCH /users/{username}`: admins change the fullname, role and disabled flag; a user
    /// their own fullname.
    pub async fn update_user(
        &self,
        username: &str,
        changes: &UpdateUserRequest,
    ) -> Result<UpdatedUserResponse, ClientError> {
        self.authed(Method::PATCH, &user(username), Some(&json(changes)?))
            .await
    }

    /// `PATCH /users/me`: the caller changes their own fullname.
    pub async fn update_me(
        &self,
        changes: &UpdateUserRequest,
    ) -> Result<UpdatedUserResponse, ClientError> {
        self.authed(Method::PATCH, "/users/me", Some(&json(changes)?))
            .await
    }

    /// `DELETE /users/{username}`: admins give no password; a user deleting themself gives
    /// theirs.
    pub async fn delete_user(
        &self,
        username: &str,
        password: Option<&str>,
    ) -> Result<MessageResponse, ClientError> {
        let body = DeleteUserRequest {
            password: password.map(str::to_string),
        };
        self.authed(Method::DELETE, &user(username), Some(&json(&body)?))
            .await
    }
}
