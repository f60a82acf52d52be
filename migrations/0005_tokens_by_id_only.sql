-- Why: tokens issued before migrations 0003 (access) and 0004 (refresh) carry no row id; they are retired, so that every token is found by its id alone.
-- A lookup by digest was a second path on every read that missed, and a second access path that every other
-- storage engine (PostgreSQL, per-sandbox storage) would have to carry, for tokens a sandbox can replace by running
-- its flow again. Deleted here: refresh tokens marked legacy, access tokens marked legacy, and the access tokens of
-- the retired refresh tokens; the legacy columns and their digest indexes go with them. Ids stay unique: every
-- token kept was issued after the retired ones, with a larger id.
-- The rebuilt access_tokens also holds app-level tokens (the client-credentials grant: no refresh token, hub or
-- user): refresh_id becomes nullable, app_id and scopes are set for app-level tokens only, and exactly one of
-- refresh_id and app_id is set. revoked_at revokes one access token of either kind.
DELETE FROM access_tokens
    WHERE legacy IS NOT NULL
       OR refresh_id IN (SELECT refresh_id FROM refresh_tokens WHERE legacy IS NOT NULL);
DELETE FROM refresh_tokens WHERE legacy IS NOT NULL;
DROP INDEX refresh_tokens_legacy_digest;
ALTER TABLE refresh_tokens DROP COLUMN legacy;

CREATE TABLE access_tokens_v5 (
    access_id       INTEGER PRIMARY KEY,   -- carried by the token; new ids are the largest so far + 1
    token_digest    BLOB    NOT NULL,
    refresh_id      INTEGER,               -- the refresh token it was issued from; NULL: an app-level token
    app_id          INTEGER,               -- app-level tokens only: the app it was issued to
    scopes          TEXT,                  -- app-level tokens only; the others have their refresh token's
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    CHECK ((refresh_id IS NULL) <> (app_id IS NULL))
);
INSERT INTO access_tokens_v5 (access_id, token_digest, refresh_id, expires_at, revoked_at)
    SELECT access_id, token_digest, refresh_id, expires_at, revoked_at FROM access_tokens;
DROP TABLE access_tokens;
ALTER TABLE access_tokens_v5 RENAME TO access_tokens;
CREATE INDEX access_tokens_by_expiry ON access_tokens(expires_at);
-- Deleting an app deletes its app-level tokens (an app created later with the same id must not inherit them).
CREATE INDEX access_tokens_by_app ON access_tokens(app_id) WHERE app_id IS NOT NULL;
