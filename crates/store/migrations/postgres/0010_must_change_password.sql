-- Set by an admin's password reset: until the user changes their password, their sessions may
-- do nothing else. Changing the password clears it.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
