-- Signing keys, shared by every instance. A private key is sealed under the key-encryption key
-- (none for the HS512 key the configuration gives); an Ed25519 key's public part is in the
-- clear. A key is published from `created_at`, signs from `active_at`, stops signing at
-- `superseded_at` (when the next one starts), and verifies nothing from `retired_at`. Every
-- change reaches the other instances through the revocation log as `keys:<kid>`.
CREATE TABLE signing_keys (
    kid           TEXT PRIMARY KEY,
    alg           TEXT NOT NULL,
    public_key    BYTEA,
    private_key   BYTEA,
    created_at    BIGINT NOT NULL,
    active_at     BIGINT NOT NULL,
    superseded_at BIGINT,
    retired_at    BIGINT
);

CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE ON signing_keys FOR EACH ROW
    EXECUTE FUNCTION tessera_log_revocation('keys:', 'kid');
