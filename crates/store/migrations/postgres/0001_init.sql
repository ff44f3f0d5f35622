CREATE TABLE users (
    username      TEXT PRIMARY KEY NOT NULL,
    fullname      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL
);

-- `seq` orders sessions created in the same second by creation, as SQLite's rowid does.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    username      TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    revoke_reason TEXT
);
CREATE INDEX sessions_by_user ON sessions(username, created_at, seq) WHERE revoked_at IS NULL;
CREATE INDEX sessions_by_revoked_at ON sessions(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE refresh_tokens (
    hash       BYTEA PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);
