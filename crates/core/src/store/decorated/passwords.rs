//! Password changes through `Around`.

use async_trait::async_trait;

use super::{call, Around, Decorated};
use crate::audit::AuditEvent;
use crate::error::Result;
use crate::store::{PasswordChange, PasswordChanged, PasswordStore};

#[async_trait]
impl<A: Around> PasswordStore for Decorated<A> {
    async fn change_password_audited(
        &self,
        change: &PasswordChange,
        audit: &[AuditEvent],
    ) -> Result<Option<PasswordChanged>> {
        call!(self.change_password_audited(change, audit) as change_password)
    }
}
