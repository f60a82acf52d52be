-- Why: the first schema: apps, hubs, users, installs, authorization codes and tokens of the v1 authority.
-- Secrets are stored only as HMAC-SHA256(pepper, value) digests (32-byte BLOBs). Times are sandbox
-- seconds since the Unix epoch. Redirect URIs are a JSON array of strings; scopes are space-separated
-- as in OAuth itself (RFC 6749 §3.3).

CREATE TABLE apps (
    app_id                  INTEGER PRIMARY KEY,
    name                    TEXT    NOT NULL,
    client_id               TEXT    NOT NULL UNIQUE,
    client_secret_digest    BLOB    NOT NULL,
    redirect_uris           TEXT    NOT NULL,
    scopes                  TEXT    NOT NULL,
    optional_scopes         TEXT    NOT NULL,
    access_token_ttl        INTEGER NOT NULL,
    rotate_refresh_tokens   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE hubs (
    hub_id      INTEGER PRIMARY KEY,
    hub_domain  TEXT NOT NULL,
    hublet      TEXT NOT NULL,
    scopes      TEXT            -- NULL: the hub can grant every scope
);

CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    email   TEXT NOT NULL UNIQUE
);

CREATE TABLE user_hubs (
    user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    hub_id  INTEGER NOT NULL REFERENCES hubs(hub_id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, hub_id)
) WITHOUT ROWID;

-- One row per authorization of an app on a hub. Uninstalling stamps uninstalled_at; a later
-- authorization creates a fresh row.
CREATE TABLE installs (
    install_id      INTEGER PRIMARY KEY,
    app_id          INTEGER NOT NULL,
    hub_id          INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    scopes          TEXT    NOT NULL,
    installed_at    INTEGER NOT NULL,
    uninstalled_at  INTEGER
);
CREATE UNIQUE INDEX installs_live ON installs(app_id, hub_id) WHERE uninstalled_at IS NULL;

CREATE TABLE authorization_codes (
    code_digest     BLOB    PRIMARY KEY,
    install_id      INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    scopes          TEXT    NOT NULL,
    redirect_uri    TEXT    NOT NULL,
    code_challenge  TEXT,               -- base64url(SHA-256(verifier)); NULL without PKCE
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
) WITHOUT ROWID;

-- chain_id is the refresh_id of the first token of a rotation chain (itself when not rotated).
CREATE TABLE refresh_tokens (
    refresh_id      INTEGER PRIMARY KEY,
    token_digest    BLOB    NOT NULL UNIQUE,
    install_id      INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    scopes          TEXT    NOT NULL,
    code_digest     BLOB,
    chain_id        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    rotated_at      INTEGER,
    revoked_at      INTEGER
);
CREATE INDEX refresh_tokens_by_code ON refresh_tokens(code_digest) WHERE code_digest IS NOT NULL;
CREATE INDEX refresh_tokens_by_chain ON refresh_tokens(chain_id);
CREATE INDEX refresh_tokens_by_install ON refresh_tokens(install_id);

CREATE TABLE access_tokens (
    token_digest    BLOB    PRIMARY KEY,
    refresh_id      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX access_tokens_by_refresh ON access_tokens(refresh_id);
CREATE INDEX access_tokens_by_expiry ON access_tokens(expires_at);

-- Sandbox state that must survive a restart (the clock offset).
CREATE TABLE sandbox_state (
    key     TEXT PRIMARY KEY,
    value   INTEGER NOT NULL
) WITHOUT ROWID;
