-- Why: an access token's row is now found by the id the token carries (its first 8 bytes) and checked
-- against its digest, instead of being found by the digest itself. Issuing a token then appends to the
-- table rather than writing one random B-tree page per token, which was most of the disk work of a
-- refresh grant. Tokens issued before this migration keep working: their rows are marked legacy and
-- found through a digest index that holds only them.
CREATE TABLE access_tokens_by_id (
    access_id       INTEGER PRIMARY KEY,   -- carried by the token; new ids are the largest so far + 1
    token_digest    BLOB    NOT NULL,
    refresh_id      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    legacy          INTEGER                -- 1: issued before this migration, found by digest
);
INSERT INTO access_tokens_by_id (token_digest, refresh_id, expires_at, revoked_at, legacy)
    SELECT token_digest, refresh_id, expires_at, revoked_at, 1 FROM access_tokens;
DROP TABLE access_tokens;
ALTER TABLE access_tokens_by_id RENAME TO access_tokens;
CREATE INDEX access_tokens_legacy_digest ON access_tokens(token_digest) WHERE legacy IS NOT NULL;
CREATE INDEX access_tokens_by_expiry ON access_tokens(expires_at);
