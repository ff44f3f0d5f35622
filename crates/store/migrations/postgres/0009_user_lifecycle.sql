-- When each user last logged in (set by the login's own transaction; NULL if never), and when a
-- user was deleted. A deleted user's row stays, renamed to a name no username can take (it
-- holds a '#'), so that what was theirs (sessions, keys, tokens, audit events) stays tied to
-- them and a new user of the same name inherits none of it.
ALTER TABLE users ADD COLUMN last_login_at BIGINT;
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
