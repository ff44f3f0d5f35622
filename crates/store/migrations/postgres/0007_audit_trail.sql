-- Users get an immutable internal id, so that audit events name the user they were about even
-- after the username is freed and taken again. New users get theirs from tessera.
ALTER TABLE users ADD COLUMN uid TEXT;
UPDATE users SET uid = replace(gen_random_uuid()::text, '-', '') WHERE uid IS NULL;
ALTER TABLE users ALTER COLUMN uid SET NOT NULL;
ALTER TABLE users ALTER COLUMN uid SET DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX users_by_uid ON users(uid);

-- The audit trail: appended in the transaction of the change each event records, read newest
-- first by `id`, purged by age. Usernames are kept as they were; the uids tie events to users.
CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    event       TEXT NOT NULL,
    actor       TEXT,
    subject     TEXT,
    actor_uid   TEXT,
    subject_uid TEXT,
    ip          TEXT,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}' CHECK (length(detail) <= 4096)
);
CREATE INDEX audit_events_by_time ON audit_events(at);
CREATE INDEX audit_events_by_event ON audit_events(event, id);
CREATE INDEX audit_events_by_actor ON audit_events(actor_uid, id) WHERE actor_uid IS NOT NULL;
CREATE INDEX audit_events_by_subject ON audit_events(subject_uid, id) WHERE subject_uid IS NOT NULL;
