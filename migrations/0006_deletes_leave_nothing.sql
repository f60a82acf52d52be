-- Why: a deleted app, hub or user must leave no authority behind, and ids of apps, hubs, users and installs must never be handed out twice.
-- Foreign keys stay off (docs/storage.md says why): the repository's deletes do, in the same
-- transaction, what ON DELETE rules would. This migration adds what they need and repairs what
-- deletes before it left behind:
--   id_high_water                  the largest id each table held before a delete, raised by a
--                                  trigger on every delete; a new id is one above it and above every
--                                  id stored (SQLite's own choice, the largest id + 1, hands out again
--                                  the id of a deleted last row). Kept on delete, not on insert, so
--                                  that an insert writes no extra page
--   user_hubs_by_hub               the members of a hub, so that deleting a hub deletes its memberships
--   authorization_codes_by_expiry  expired codes found without a scan, so that cleanup keeps up with
--                                  the rate codes are minted
-- Memberships of deleted hubs and users are deleted; live installs of a deleted app, hub or user, and
-- those a deleted user holds a code or a refresh token of, are uninstalled (their codes and tokens die).

CREATE TABLE id_high_water (
    table_name  TEXT    PRIMARY KEY,
    high        INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO id_high_water (table_name, high) VALUES
    ('apps', (SELECT COALESCE(MAX(app_id), 0) FROM apps)),
    ('hubs', (SELECT COALESCE(MAX(hub_id), 0) FROM hubs)),
    ('users', (SELECT COALESCE(MAX(user_id), 0) FROM users)),
    ('installs', (SELECT COALESCE(MAX(install_id), 0) FROM installs));

CREATE TRIGGER apps_high_water AFTER DELETE ON apps BEGIN
    UPDATE id_high_water SET high = OLD.app_id WHERE table_name = 'apps' AND high < OLD.app_id;
END;
CREATE TRIGGER hubs_high_water AFTER DELETE ON hubs BEGIN
    UPDATE id_high_water SET high = OLD.hub_id WHERE table_name = 'hubs' AND high < OLD.hub_id;
END;
CREATE TRIGGER users_high_water AFTER DELETE ON users BEGIN
    UPDATE id_high_water SET high = OLD.user_id WHERE table_name = 'users' AND high < OLD.user_id;
END;
CREATE TRIGGER installs_high_water AFTER DELETE ON installs BEGIN
    UPDATE id_high_water SET high = OLD.install_id WHERE table_name = 'installs' AND high < OLD.install_id;
END;

CREATE INDEX user_hubs_by_hub ON user_hubs(hub_id, user_id);
CREATE INDEX authorization_codes_by_expiry ON authorization_codes(expires_at);

UPDATE installs
   SET uninstalled_at = CAST(strftime('%s', 'now') AS INTEGER)
                        + COALESCE((SELECT value FROM sandbox_state WHERE key = 'clock_offset'), 0)
 WHERE uninstalled_at IS NULL
   AND (app_id NOT IN (SELECT app_id FROM apps)
        OR hub_id NOT IN (SELECT hub_id FROM hubs)
        OR user_id NOT IN (SELECT user_id FROM users)
        OR install_id IN (SELECT install_id FROM authorization_codes
                           WHERE user_id NOT IN (SELECT user_id FROM users))
        OR install_id IN (SELECT install_id FROM refresh_tokens
                           WHERE user_id NOT IN (SELECT user_id FROM users)));

DELETE FROM user_hubs
 WHERE hub_id NOT IN (SELECT hub_id FROM hubs)
    OR user_id NOT IN (SELECT user_id FROM users);
