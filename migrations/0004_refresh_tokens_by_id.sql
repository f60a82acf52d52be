-- Why: a refresh token's row is now found by the id the token carries (its last 16 hex digits) and
-- checked against its digest, as access tokens are since migration 0003. A refresh grant then reads
-- one table page where it read an index page and a table page, and issuing a refresh token no longer
-- writes a random page of a digest index. Tokens issued before this migration keep working: their
-- rows are marked legacy and found through a digest index that holds only them. The table is rebuilt
-- because the old one declared token_digest UNIQUE, an index SQLite cannot drop.
CREATE TABLE refresh_tokens_by_id (
    refresh_id          INTEGER PRIMARY KEY,   -- carried by the token; new ids are the largest so far + 1
    token_digest        BLOB    NOT NULL,
    install_id          INTEGER NOT NULL,
    user_id             INTEGER NOT NULL,
    scopes              TEXT    NOT NULL,
    code_digest         BLOB,
    chain_id            INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    rotated_at          INTEGER,
    revoked_at          INTEGER,
    access_revoked_at   INTEGER,
    legacy              INTEGER                -- 1: issued before this migration, found by digest
);
INSERT INTO refresh_tokens_by_id (refresh_id, token_digest, install_id, user_id, scopes, code_digest,
                                  chain_id, created_at, rotated_at, revoked_at, access_revoked_at, legacy)
    SELECT refresh_id, token_digest, install_id, user_id, scopes, code_digest, chain_id, created_at,
           rotated_at, revoked_at, access_revoked_at, 1 FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_by_id RENAME TO refresh_tokens;
CREATE UNIQUE INDEX refresh_tokens_legacy_digest ON refresh_tokens(token_digest) WHERE legacy IS NOT NULL;
CREATE INDEX refresh_tokens_by_code ON refresh_tokens(code_digest) WHERE code_digest IS NOT NULL;
CREATE INDEX refresh_tokens_by_chain ON refresh_tokens(chain_id);
CREATE INDEX refresh_tokens_by_install ON refresh_tokens(install_id);
