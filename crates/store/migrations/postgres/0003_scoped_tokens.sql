CREATE TABLE resources (
    name       TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE resource_maintainers (
    resource TEXT NOT NULL REFERENCES resources(name) ON DELETE CASCADE,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (resource, username)
);
CREATE INDEX resource_maintainers_by_user ON resource_maintainers(username);

-- Personal tokens have an `owner`; resource tokens a `resource` (and outlive their creator).
CREATE TABLE scoped_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    hash         BYTEA NOT NULL UNIQUE,
    owner        TEXT REFERENCES users(username) ON DELETE CASCADE,
    resource     TEXT REFERENCES resources(name) ON DELETE CASCADE,
    description  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    last_used_ip TEXT,
    CHECK ((owner IS NULL) <> (resource IS NULL))
);
CREATE INDEX scoped_tokens_by_owner ON scoped_tokens(owner) WHERE owner IS NOT NULL;
CREATE INDEX scoped_tokens_by_resource ON scoped_tokens(resource) WHERE resource IS NOT NULL;
CREATE INDEX scoped_tokens_by_revoked_at ON scoped_tokens(revoked_at) WHERE revoked_at IS NOT NULL;
