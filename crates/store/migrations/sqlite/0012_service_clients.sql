-- Service clients (confidential OAuth 2.0 clients). The secret is kept as its SHA-256 only;
-- `generation` names the tokens the current secret got: replacing the secret or removing the
-- client (`removed_at`; the row stays, so an id is never handed out again) logs
-- `client:<generation>` as a revocation, which every instance reads.
CREATE TABLE clients (
    client_id         TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    scopes            TEXT NOT NULL,
    rights            TEXT NOT NULL,
    secret_hash       BLOB NOT NULL UNIQUE,
    generation        TEXT NOT NULL UNIQUE,
    secret_changed_at INTEGER NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    removed_at        INTEGER,
    last_used_at      INTEGER,
    last_used_ip      TEXT
);

CREATE TRIGGER clients_secret_replaced AFTER UPDATE OF generation ON clients
    WHEN OLD.generation <> NEW.generation
BEGIN
    INSERT INTO revocation_log (key, revoked_at)
        VALUES ('client:' || OLD.generation, NEW.secret_changed_at);
END;
CREATE TRIGGER clients_removed AFTER UPDATE OF removed_at ON clients
    WHEN OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
BEGIN
    INSERT INTO revocation_log (key, revoked_at)
        VALUES ('client:' || OLD.generation, NEW.removed_at);
END;
