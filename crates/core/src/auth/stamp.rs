//! The security stamp, read when making a credential begins and required unchanged when it is
//! stored (see `store::Unchanged`).

use super::tokens::Validated;
use super::Auth;
use crate::error::{Error, Result};
use crate::store::Unchanged;
use crate::user::User;

impl Auth {
    /// The caller as stored now, and what must still hold when a credential they make is
    /// stored: their stamp, and the session they call with. Rights are checked against the
    /// role read here, the one that stamp goes with.
    pub(super) async fn caller_now(&self, caller: &Validated) -> Result<(User, Unchanged)> {
        let user = self
            .store
            .user(&caller.username)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(Unchanged::broken)?;
        let requires = Unchanged {
            username: caller.username.clone(),
            stamp: user.security_stamp,
            session_id: Some(caller.session_id.clone()),
        };
        Ok((user, requires))
    }
}

/// A session refused because its user changed while the login was under way answers like a
/// wrong password: the password checked may be the one just replaced.
pub(super) fn login_refusal(e: Error) -> Error {
    match e {
        Error::InvalidToken(_) => Error::InvalidCredentials,
        other => other,
    }
}
