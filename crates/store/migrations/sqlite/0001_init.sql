CREATE TABLE users (
    username      TEXT PRIMARY KEY NOT NULL,
    fullname      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT
);
CREATE INDEX sessions_by_user ON sessions(username, created_at) WHERE revoked_at IS NULL;
CREATE INDEX sessions_by_revoked_at ON sessions(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE refresh_tokens (
    hash       BLOB PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);
