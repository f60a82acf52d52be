-- Why: revoking the access tokens of a refresh token becomes one stamp on the refresh token rather than an
-- update of every access token row, so issuing an access token no longer touches the access_tokens_by_refresh
-- index (a random page written for every token). Rows revoked before this migration keep their own stamp.
ALTER TABLE refresh_tokens ADD COLUMN access_revoked_at INTEGER;
DROP INDEX access_tokens_by_refresh;
