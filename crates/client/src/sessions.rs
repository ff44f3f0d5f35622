//! A user's sessions: list them, end one, end all but this client's, and (admins) list or end
//! another user's.

use reqwest::Method;
use tessera_api::sessions::{RevokedSessions, SessionList};
use tessera_api::MessageResponse;

use crate::path::segment;
use crate::{Client, ClientError};

impl Client {
    /// This user's live sessions, newest first; `current` marks this client's.
    pub async fn list_sessions(&self) -> Result<SessionList, ClientError> {
        self.authed(Method::GET, "/auth/sessions", None).await
    }

    /// Ends a session of this user's (any user's, for an admin).
    pub async fn revoke_session(&self, id: &str) -> Result<MessageResponse, ClientError> {
        let path = format!("/auth/sessions/{}", segment(id));
        self.authed(Method::DELETE, &path, None).await
    }

    /// Ends every session of this user's but this client's ("log out everywhere else").
    pub async fn revoke_other_sessions(&self) -> Result<RevokedSessions, ClientError> {
        self.authed(Method::POST, "/auth/sessions/revoke-others", None)
            .await
    }

    /// The live sessions of `username` (admins; `me` is this user).
    pub async fn list_user_sessions(&self, username: &str) -> Result<SessionList, ClientError> {
        let path = format!("/users/{}/sessions", segment(username));
        self.authed(Method::GET, &path, None).await
    }

    /// Ends every session of `username` (admins; `me` is this user).
    pub async fn revoke_user_sessions(
        &self,
        username: &str,
    ) -> Result<RevokedSessions, ClientError> {
        let path = format!("/users/{}/sessions/revoke-all", segment(username));
        self.authed(Method::POST, &path, None).await
    }
}
