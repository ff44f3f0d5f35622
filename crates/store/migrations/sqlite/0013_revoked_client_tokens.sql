-- Client tokens revoked one by one (`POST /oauth2/revoke`), until they expire. The revocation
-- log records `client:<jti>`, which every instance reads.
CREATE TABLE revoked_client_tokens (
    jti        TEXT PRIMARY KEY NOT NULL,
    client_id  TEXT NOT NULL,
    revoked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_client_tokens_by_expiry ON revoked_client_tokens(expires_at);

CREATE TRIGGER client_token_revoked AFTER INSERT ON revoked_client_tokens
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('client:' || NEW.jti, NEW.revoked_at);
END;
