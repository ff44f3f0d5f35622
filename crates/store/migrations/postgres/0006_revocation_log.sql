-- Every revocation (and user change), as the catch-up poll of each instance reads it. Triggers
-- fill the log, so no statement that revokes can forget it, and stamp each row with the
-- database's clock (`clock_timestamp()`, not any instance's) and the id of the transaction
-- that wrote it. A poll reads the rows of transactions at or after the oldest one still running
-- when it last read (`pg_snapshot_xmin`): a transaction that commits late, after a lock wait,
-- keeps that bound behind it until it ends, so it cannot be skipped (see revocations.rs).
CREATE TABLE revocation_log (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid        BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    key        TEXT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT (floor(extract(epoch FROM clock_timestamp())))::bigint
);
CREATE INDEX revocation_log_by_xid ON revocation_log(xid);
CREATE INDEX revocation_log_by_time ON revocation_log(revoked_at);

-- TG_ARGV: the key's wire prefix and the column holding its id.
CREATE FUNCTION tessera_log_revocation() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO revocation_log (key) VALUES (TG_ARGV[0] || (to_jsonb(NEW) ->> TG_ARGV[1]));
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at ON sessions FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION tessera_log_revocation('', 'id');
CREATE TRIGGER apikeys_revoked AFTER UPDATE OF revoked_at ON apikeys FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION tessera_log_revocation('apikey:', 'id');
CREATE TRIGGER scoped_tokens_revoked AFTER UPDATE OF revoked_at ON scoped_tokens FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION tessera_log_revocation('tok:', 'id');
CREATE TRIGGER user_changes_logged AFTER INSERT OR UPDATE ON user_changes FOR EACH ROW
    EXECUTE FUNCTION tessera_log_revocation('user:', 'username');

-- What was revoked before this migration, so that it is read at start-up as before.
INSERT INTO revocation_log (key, revoked_at)
    SELECT id, revoked_at FROM sessions WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'apikey:' || id, revoked_at FROM apikeys WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'tok:' || id, revoked_at FROM scoped_tokens WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'user:' || username, changed_at FROM user_changes
    ORDER BY 2;
