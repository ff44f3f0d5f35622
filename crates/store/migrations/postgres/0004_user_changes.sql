-- When a user's role last changed, so that instances that missed the revocation feed still
-- forget their cached copy of the user.
CREATE TABLE user_changes (
    username   TEXT PRIMARY KEY NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    changed_at BIGINT NOT NULL
);
CREATE INDEX user_changes_by_time ON user_changes(changed_at);
