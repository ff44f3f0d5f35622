-- Every revocation (and user change) in the order it was committed, as the catch-up poll of
-- each instance reads it: by `seq`, past the last one it read. SQLite has one writer at a time,
-- so a row with a lower `seq` is never committed after one with a higher `seq` is visible, and
-- AUTOINCREMENT never hands out a `seq` again after old rows are pruned. One instance writes
-- here (with the `tessera` command line on the same machine): its clock is the database's,
-- so a row is stamped with the time its writer gave. Triggers fill the log, so no statement
-- that revokes can forget it.
CREATE TABLE revocation_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL,
    revoked_at INTEGER NOT NULL
);
CREATE INDEX revocation_log_by_time ON revocation_log(revoked_at);

CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at ON sessions
    WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES (NEW.id, NEW.revoked_at);
END;
CREATE TRIGGER apikeys_revoked AFTER UPDATE OF revoked_at ON apikeys
    WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('apikey:' || NEW.id, NEW.revoked_at);
END;
CREATE TRIGGER scoped_tokens_revoked AFTER UPDATE OF revoked_at ON scoped_tokens
    WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('tok:' || NEW.id, NEW.revoked_at);
END;
CREATE TRIGGER user_changes_added AFTER INSERT ON user_changes
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('user:' || NEW.username, NEW.changed_at);
END;
CREATE TRIGGER user_changes_changed AFTER UPDATE ON user_changes
BEGIN
    INSERT INTO revocation_log (key, revoked_at) VALUES ('user:' || NEW.username, NEW.changed_at);
END;

-- What was revoked before this migration, so that it is read at start-up as before.
INSERT INTO revocation_log (key, revoked_at)
    SELECT id, revoked_at FROM sessions WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'apikey:' || id, revoked_at FROM apikeys WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'tok:' || id, revoked_at FROM scoped_tokens WHERE revoked_at IS NOT NULL
    UNION ALL SELECT 'user:' || username, changed_at FROM user_changes
    ORDER BY 2;
