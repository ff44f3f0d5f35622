//! The tables whose revocations the catch-up sync re-reads: one query shape for all of them.

/// A table of revocable credentials, each with `id` and `revoked_at` columns.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Revocable {
    Sessions,
    ApiKeys,
    ScopedTokens,
}

impl Revocable {
    /// `(id, revoked_at)` of the rows revoked at or after the parameter written `param`
    /// (`?1` for SQLite, `$1` for PostgreSQL).
    pub(crate) fn revoked_since_sql(self, param: &str) -> String {
        let table = match self {
            Revocable::Sessions => "sessions",
            Revocable::ApiKeys => "apikeys",
            Revocable::ScopedTokens => "scoped_tokens",
        };
        format!("SELECT id, revoked_at FROM {table} WHERE revoked_at >= {param}")
    }
}
