-- Service clients (confidential OAuth 2.0 clients). The secret is kept as its SHA-256 only;
-- `generation` names the tokens the current secret got: replacing the secret or removing the
-- client (`removed_at`; the row stays, so an id is never handed out again) logs
-- `client:<generation>` as a revocation, which every instance reads.
CREATE TABLE clients (
    client_id         TEXT PRIMARY KEY NOT NULL,
    seq               BIGINT GENERATED ALWAYS AS IDENTITY,
    name              TEXT NOT NULL,
    scopes            TEXT NOT NULL,
    rights            TEXT NOT NULL,
    secret_hash       BYTEA NOT NULL UNIQUE,
    generation        TEXT NOT NULL UNIQUE,
    secret_changed_at BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    removed_at        BIGINT,
    last_used_at      BIGINT,
    last_used_ip      TEXT
);

-- The generation that ends is the old row's.
CREATE FUNCTION tessera_log_client_revocation() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO revocation_log (key) VALUES ('client:' || OLD.generation);
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_secret_replaced AFTER UPDATE OF generation ON clients FOR EACH ROW
    WHEN (OLD.generation <> NEW.generation)
    EXECUTE FUNCTION tessera_log_client_revocation();
CREATE TRIGGER clients_removed AFTER UPDATE OF removed_at ON clients FOR EACH ROW
    WHEN (OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL)
    EXECUTE FUNCTION tessera_log_client_revocation();
