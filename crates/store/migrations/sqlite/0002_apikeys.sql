-- No-session API keys: one row per key; a refresh spends the row's refresh token
-- (refreshed_at), revokes its key and adds a successor row of the same chain.
CREATE TABLE apikeys (
    id                 TEXT PRIMARY KEY NOT NULL,
    chain_id           TEXT NOT NULL,
    username           TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    audience           TEXT NOT NULL,
    subject            TEXT NOT NULL,
    api_version        TEXT NOT NULL,
    bound_ip           TEXT,
    created_at         INTEGER NOT NULL,
    not_before         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    refresh_hash       BLOB NOT NULL UNIQUE,
    refresh_not_before INTEGER NOT NULL,
    refresh_expires_at INTEGER NOT NULL,
    refreshed_at       INTEGER,
    revoked_at         INTEGER,
    revoke_reason      TEXT
);
CREATE INDEX apikeys_by_user ON apikeys(username, created_at) WHERE revoked_at IS NULL;
CREATE INDEX apikeys_by_chain ON apikeys(chain_id);
CREATE INDEX apikeys_by_revoked_at ON apikeys(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX apikeys_by_refresh_expiry ON apikeys(refresh_expires_at);
