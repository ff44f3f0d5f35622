-- Signing keys, shared by every instance. A private key is sealed under the key-encryption key
-- (none for the HS512 key the configuration gives); an Ed25519 key's public part is in the
-- clear. A key is published from `created_at`, signs from `active_at`, stops signing at
-- `superseded_at` (when the next one starts), and verifies nothing from `retired_at`. Every
-- change reaches the other instances through the revocation log as `keys:<kid>`.
CREATE TABLE signing_keys (
    kid           TEXT PRIMARY KEY,
    alg           TEXT NOT NULL,
    public_key    BLOB,
    private_key   BLOB,
    created_at    INTEGER NOT NULL,
    active_at     INTEGER NOT NULL,
    superseded_at INTEGER,
    retired_at    INTEGER
);

CREATE TRIGGER signing_keys_added AFTER INSERT ON signing_keys
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('keys:' || NEW.kid, unixepoch());
END;
CREATE TRIGGER signing_keys_changed AFTER UPDATE ON signing_keys
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('keys:' || NEW.kid, unixepoch());
END;
