-- A per-user security stamp, changed in the same statement as the password, the role or the
-- disabled flag: a session, API key or personal token is stored only while the stamp read when
-- its making began is still the user's.
ALTER TABLE users ADD COLUMN security_stamp INTEGER NOT NULL DEFAULT 0;

-- Smart lockout. Failures from clients the user has not logged in from, in the hour that began
-- at `unfamiliar_since`, whatever their address.
ALTER TABLE users ADD COLUMN unfamiliar_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN unfamiliar_since INTEGER;

-- Clients (an IPv4 address, an IPv6 /64) the user logged in from, each with a failure count
-- and lock of its own.
CREATE TABLE familiar_clients (
    username        TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    client          TEXT NOT NULL,
    last_success_at INTEGER NOT NULL,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    PRIMARY KEY (username, client)
) WITHOUT ROWID;
CREATE INDEX familiar_clients_by_success ON familiar_clients(last_success_at);
