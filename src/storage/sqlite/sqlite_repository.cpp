#include "hsoauth/storage/sqlite/sqlite_repository.hpp"

#include "hsoauth/storage/sqlite/refresh_state_cache.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/storage/scope_text.hpp"

namespace hsoauth::storage::sqlite {
namespace {

// ---- SQL, one named constant per statement -------------------------------------------------

// A new row's id: one above every id the table holds and every id it held before a delete
// (id_high_water, kept by triggers on delete, migration 0006), so that the id of a deleted row is
// never handed out again. NULL only once an id of 2^63 - 1 was stored: SQLite then picks an
// unused id itself.
#define HSOAUTH_NEXT_ID(table, column)                                                        \
    "(SELECT top + 1 FROM (SELECT MAX(high, COALESCE((SELECT MAX(" column ") FROM " table "), 0)) " \
    "AS top FROM id_high_water WHERE table_name = '" table "') WHERE top < 9223372036854775807)"

constexpr std::string_view sql_find_app_by_client_id =
    "SELECT app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
    "access_token_ttl, rotate_refresh_tokens, client_credentials_scopes, jwks, rate_limit FROM apps WHERE client_id = ?1";
constexpr std::string_view sql_find_app =
    "SELECT app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
    "access_token_ttl, rotate_refresh_tokens, client_credentials_scopes, jwks, rate_limit FROM apps WHERE app_id = ?1";
constexpr std::string_view sql_find_app_by_name =
    "SELECT app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
    "access_token_ttl, rotate_refresh_tokens, client_credentials_scopes, jwks, rate_limit FROM apps WHERE name = ?1 ORDER BY app_id LIMIT 1";
constexpr std::string_view sql_list_apps =
    "SELECT app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
    "access_token_ttl, rotate_refresh_tokens, client_credentials_scopes, jwks, rate_limit FROM apps ORDER BY app_id";
constexpr std::string_view sql_insert_app =
    "INSERT INTO apps (app_id, name, client_id, client_secret_digest, redirect_uris, scopes, "
    "optional_scopes, access_token_ttl, rotate_refresh_tokens, client_credentials_scopes, jwks, rate_limit) "
    "VALUES (COALESCE(?1, " HSOAUTH_NEXT_ID("apps", "app_id") "), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT(app_id) DO UPDATE SET name = excluded.name, client_id = excluded.client_id, "
    "client_secret_digest = excluded.client_secret_digest, redirect_uris = excluded.redirect_uris, "
    "scopes = excluded.scopes, optional_scopes = excluded.optional_scopes, "
    "access_token_ttl = excluded.access_token_ttl, "
    "rotate_refresh_tokens = excluded.rotate_refresh_tokens, "
    "client_credentials_scopes = excluded.client_credentials_scopes, jwks = excluded.jwks, "
    "rate_limit = excluded.rate_limit "
    "RETURNING app_id";
constexpr std::string_view sql_delete_app = "DELETE FROM apps WHERE app_id = ?1";
constexpr std::string_view sql_delete_app_tokens = "DELETE FROM access_tokens WHERE app_id = ?1";

// Columns 4-8 of every hub query are the account settings of migration 0008.
constexpr std::string_view sql_find_hub =
    "SELECT hub_id, hub_domain, hublet, scopes, account_type, time_zone, currency, additional_currencies, utc_offset FROM hubs WHERE hub_id = ?1";
constexpr std::string_view sql_find_hub_by_domain =
    "SELECT hub_id, hub_domain, hublet, scopes, account_type, time_zone, currency, additional_currencies, utc_offset FROM hubs WHERE hub_domain = ?1 ORDER BY hub_id LIMIT 1";
constexpr std::string_view sql_list_hubs =
    "SELECT hub_id, hub_domain, hublet, scopes, account_type, time_zone, currency, additional_currencies, utc_offset FROM hubs ORDER BY hub_id";
constexpr std::string_view sql_upsert_hub =
    "INSERT INTO hubs (hub_id, hub_domain, hublet, scopes, account_type, time_zone, currency, additional_currencies, utc_offset) "
    "VALUES (COALESCE(?1, " HSOAUTH_NEXT_ID("hubs", "hub_id") "), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT(hub_id) DO UPDATE SET hub_domain = excluded.hub_domain, hublet = excluded.hublet, "
    "scopes = excluded.scopes, account_type = excluded.account_type, time_zone = excluded.time_zone, "
    "currency = excluded.currency, additional_currencies = excluded.additional_currencies, "
    "utc_offset = excluded.utc_offset RETURNING hub_id";
constexpr std::string_view sql_delete_hub = "DELETE FROM hubs WHERE hub_id = ?1";
constexpr std::string_view sql_delete_hub_members = "DELETE FROM user_hubs WHERE hub_id = ?1";

constexpr std::string_view sql_find_user = "SELECT user_id, email FROM users WHERE user_id = ?1";
constexpr std::string_view sql_find_user_by_email =
    "SELECT user_id, email FROM users WHERE email = ?1";
constexpr std::string_view sql_list_users = "SELECT user_id, email FROM users ORDER BY user_id";
constexpr std::string_view sql_user_hubs =
    "SELECT hub_id FROM user_hubs WHERE user_id = ?1 ORDER BY hub_id";
constexpr std::string_view sql_upsert_user =
    "INSERT INTO users (user_id, email) VALUES (COALESCE(?1, " HSOAUTH_NEXT_ID("users", "user_id") "), ?2) "
    "ON CONFLICT(user_id) DO UPDATE SET email = excluded.email RETURNING user_id";
constexpr std::string_view sql_clear_user_hubs = "DELETE FROM user_hubs WHERE user_id = ?1";
constexpr std::string_view sql_add_user_hub =
    "INSERT OR IGNORE INTO user_hubs (user_id, hub_id) VALUES (?1, ?2)";
constexpr std::string_view sql_delete_user = "DELETE FROM users WHERE user_id = ?1";

constexpr std::string_view sql_find_live_install =
    "SELECT install_id, app_id, hub_id, user_id, scopes, installed_at, uninstalled_at "
    "FROM installs WHERE app_id = ?1 AND hub_id = ?2 AND uninstalled_at IS NULL";
constexpr std::string_view sql_list_installs =
    "SELECT install_id, app_id, hub_id, user_id, scopes, installed_at, uninstalled_at "
    "FROM installs ORDER BY install_id";
constexpr std::string_view sql_create_install =
    "INSERT INTO installs (install_id, app_id, hub_id, user_id, scopes, installed_at) "
    "VALUES (" HSOAUTH_NEXT_ID("installs", "install_id") ", ?1, ?2, ?3, ?4, ?5) RETURNING install_id";
constexpr std::string_view sql_update_install =
    "UPDATE installs SET user_id = ?2, scopes = ?3 WHERE install_id = ?1";
constexpr std::string_view sql_uninstall =
    "UPDATE installs SET uninstalled_at = ?3 "
    "WHERE app_id = ?1 AND hub_id = ?2 AND uninstalled_at IS NULL";
constexpr std::string_view sql_uninstall_app =
    "UPDATE installs SET uninstalled_at = ?2 WHERE app_id = ?1 AND uninstalled_at IS NULL";
constexpr std::string_view sql_uninstall_hub =
    "UPDATE installs SET uninstalled_at = ?2 WHERE hub_id = ?1 AND uninstalled_at IS NULL";
// Every live install the user takes part in: as the user who installed it last, or through a
// refresh token or an authorization code of theirs (its codes and tokens then die with it).
constexpr std::string_view sql_uninstall_user =
    "UPDATE installs SET uninstalled_at = ?2 WHERE uninstalled_at IS NULL AND (user_id = ?1 OR "
    "install_id IN (SELECT install_id FROM refresh_tokens WHERE user_id = ?1) OR "
    "install_id IN (SELECT install_id FROM authorization_codes WHERE user_id = ?1))";

constexpr std::string_view sql_insert_code =
    "INSERT INTO authorization_codes (code_digest, install_id, user_id, scopes, redirect_uri, "
    "code_challenge, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view sql_find_code =
    "SELECT c.code_digest, c.install_id, c.user_id, c.scopes, c.redirect_uri, c.code_challenge, "
    "c.expires_at, c.used_at, i.app_id, i.hub_id, i.uninstalled_at IS NULL "
    "FROM authorization_codes c JOIN installs i ON i.install_id = c.install_id "
    "WHERE c.code_digest = ?1";
constexpr std::string_view sql_use_code =
    "UPDATE authorization_codes SET used_at = ?2 WHERE code_digest = ?1 AND used_at IS NULL";

constexpr std::string_view sql_next_refresh_id = "SELECT COALESCE(MAX(refresh_id), 0) + 1 FROM refresh_tokens";
constexpr std::string_view sql_insert_refresh =
    "INSERT INTO refresh_tokens (refresh_id, token_digest, install_id, user_id, scopes, code_digest, chain_id, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// The columns of a refresh_state, first in every refresh lookup (read_refresh_state).
#define HSOAUTH_REFRESH_STATE_COLUMNS                                                                   \
    "SELECT r.refresh_id, r.install_id, r.chain_id, i.app_id, i.hub_id, r.user_id, r.scopes, r.rotated_at, " \
    "r.revoked_at, i.uninstalled_at IS NULL"
#define HSOAUTH_SELECT_REFRESH_VIEW                                                                       \
    HSOAUTH_REFRESH_STATE_COLUMNS ", a.client_id, h.hub_domain, h.hublet, u.email "                       \
    "FROM refresh_tokens r JOIN installs i ON i.install_id = r.install_id "                               \
    "JOIN apps a ON a.app_id = i.app_id JOIN hubs h ON h.hub_id = i.hub_id "                              \
    "LEFT JOIN users u ON u.user_id = r.user_id "
#define HSOAUTH_SELECT_REFRESH_STATE \
    HSOAUTH_REFRESH_STATE_COLUMNS " FROM refresh_tokens r JOIN installs i ON i.install_id = r.install_id "
// A token is looked for in the row whose id it carries, and found only when its digest matches.
constexpr std::string_view sql_find_refresh =
    HSOAUTH_SELECT_REFRESH_VIEW "WHERE r.refresh_id = ?1 AND r.token_digest = ?2";
constexpr std::string_view sql_find_refresh_state =
    HSOAUTH_SELECT_REFRESH_STATE "WHERE r.refresh_id = ?1 AND r.token_digest = ?2";
#undef HSOAUTH_SELECT_REFRESH_STATE
#undef HSOAUTH_SELECT_REFRESH_VIEW
#undef HSOAUTH_REFRESH_STATE_COLUMNS
constexpr std::string_view sql_mark_rotated =
    "UPDATE refresh_tokens SET rotated_at = ?2 WHERE refresh_id = ?1";
// ?3 = 1: the access tokens issued from it die too (their validity reads access_revoked_at).
constexpr std::string_view sql_revoke_refresh =
    "UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, ?2), "
    "access_revoked_at = CASE WHEN ?3 THEN COALESCE(access_revoked_at, ?2) ELSE access_revoked_at END "
    "WHERE refresh_id = ?1";
constexpr std::string_view sql_revoke_chain =
    "UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, ?2), "
    "access_revoked_at = COALESCE(access_revoked_at, ?2) WHERE chain_id = ?1";
constexpr std::string_view sql_chains_from_code =
    "SELECT DISTINCT chain_id FROM refresh_tokens WHERE code_digest = ?1";

constexpr std::string_view sql_next_access_id = "SELECT COALESCE(MAX(access_id), 0) + 1 FROM access_tokens";
constexpr std::string_view sql_insert_access =
    "INSERT INTO access_tokens (access_id, token_digest, refresh_id, app_id, scopes, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
// Both kinds of access token in one statement, each arm a rowid lookup per table: a token issued
// from a refresh token (the hot path, stepped first: its row ends the lookup), else an app-level
// one (hub and user empty, always installed; its app deleted: not found).
constexpr std::string_view sql_find_access =
    "SELECT t.refresh_id, t.expires_at, COALESCE(t.revoked_at, r.access_revoked_at), i.app_id, a.client_id, "
    "i.hub_id, h.hub_domain, h.hublet, r.user_id, u.email, r.scopes, i.uninstalled_at IS NULL, i.install_id "
    "FROM access_tokens t JOIN refresh_tokens r ON r.refresh_id = t.refresh_id "
    "JOIN installs i ON i.install_id = r.install_id JOIN apps a ON a.app_id = i.app_id "
    "JOIN hubs h ON h.hub_id = i.hub_id LEFT JOIN users u ON u.user_id = r.user_id "
    "WHERE t.access_id = ?1 AND t.token_digest = ?2 "
    "UNION ALL "
    "SELECT NULL, t.expires_at, t.revoked_at, a.app_id, a.client_id, 0, '', '', 0, '', t.scopes, 1, 0 "
    "FROM access_tokens t JOIN apps a ON a.app_id = t.app_id "
    "WHERE t.access_id = ?1 AND t.token_digest = ?2";
constexpr std::string_view sql_revoke_access =
    "UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE access_id = ?1";

// A remembered pair is taken over only once its remember_until has passed (?4 = now).
constexpr std::string_view sql_remember_assertion =
    "INSERT INTO client_assertion_jtis (app_id, jti, remember_until) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(app_id, jti) DO UPDATE SET remember_until = excluded.remember_until "
    "WHERE client_assertion_jtis.remember_until < ?4";

constexpr std::string_view sql_get_state = "SELECT value FROM sandbox_state WHERE key = ?1";
constexpr std::string_view sql_set_state =
    "INSERT INTO sandbox_state (key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

constexpr std::string_view sql_delete_expired_access =
    "DELETE FROM access_tokens WHERE access_id IN "
    "(SELECT access_id FROM access_tokens WHERE expires_at < ?1 LIMIT ?2)";
// Found through authorization_codes_by_expiry (migration 0006), oldest first.
constexpr std::string_view sql_delete_expired_codes =
    "DELETE FROM authorization_codes WHERE code_digest IN "
    "(SELECT code_digest FROM authorization_codes WHERE expires_at < ?1 ORDER BY expires_at LIMIT ?2)";
constexpr std::string_view sql_delete_expired_jtis =
    "DELETE FROM client_assertion_jtis WHERE (app_id, jti) IN "
    "(SELECT app_id, jti FROM client_assertion_jtis WHERE remember_until < ?1 LIMIT ?2)";
constexpr std::string_view sql_count_live =
    "SELECT "
    "(SELECT count(*) FROM access_tokens a "
    "   LEFT JOIN refresh_tokens r ON r.refresh_id = a.refresh_id "
    "   LEFT JOIN installs i ON i.install_id = r.install_id "
    "  WHERE a.expires_at > ?1 AND a.revoked_at IS NULL AND (a.refresh_id IS NULL OR "
    "        (r.refresh_id IS NOT NULL AND r.access_revoked_at IS NULL AND i.uninstalled_at IS NULL))), "
    "(SELECT count(*) FROM refresh_tokens r JOIN installs i ON i.install_id = r.install_id "
    "  WHERE r.revoked_at IS NULL AND r.rotated_at IS NULL AND i.uninstalled_at IS NULL), "
    "(SELECT count(*) FROM authorization_codes c JOIN installs i ON i.install_id = c.install_id "
    "  WHERE c.used_at IS NULL AND c.expires_at > ?1 AND i.uninstalled_at IS NULL), "
    "(SELECT count(*) FROM installs WHERE uninstalled_at IS NULL)";

// reset_sandbox: children before parents, so that foreign keys never see an orphan.
constexpr std::string_view sql_reset_sandbox[] = {
    "DELETE FROM access_tokens",
    "DELETE FROM refresh_tokens",
    "DELETE FROM authorization_codes",
    "DELETE FROM installs",
    "DELETE FROM user_hubs",
    "DELETE FROM users",
    "DELETE FROM hubs",
    "DELETE FROM apps",
    "DELETE FROM sandbox_state",
    "DELETE FROM client_assertion_jtis",
};

// The consent page's choices. A hub can host the app when it grants every required scope (?1, a
// JSON array): its scopes are NULL (everything) or hold each of them. ?2: the preselected hub or
// NULL; ?3: a text the e-mail contains, ASCII case-insensitively ("" for any); ?4: the limit.
#define HSOAUTH_HUB_GRANTS_REQUIRED                                                          \
    "(h.scopes IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(?1) r "                         \
    "WHERE instr(' ' || h.scopes || ' ', ' ' || r.value || ' ') = 0))"
#define HSOAUTH_EMAIL_MATCHES "(?3 = '' OR instr(lower(u.email), lower(?3)) > 0)"
constexpr std::string_view sql_consent_users =
    "SELECT u.user_id, u.email FROM users u WHERE " HSOAUTH_EMAIL_MATCHES " AND EXISTS ("
    "SELECT 1 FROM user_hubs m JOIN hubs h ON h.hub_id = m.hub_id "
    "WHERE m.user_id = u.user_id AND " HSOAUTH_HUB_GRANTS_REQUIRED ") "
    "ORDER BY u.user_id LIMIT ?4";
constexpr std::string_view sql_consent_users_of_hub =
    "SELECT u.user_id, u.email FROM user_hubs m JOIN users u ON u.user_id = m.user_id "
    "JOIN hubs h ON h.hub_id = m.hub_id WHERE m.hub_id = ?2 AND " HSOAUTH_HUB_GRANTS_REQUIRED
    " AND " HSOAUTH_EMAIL_MATCHES " ORDER BY m.user_id LIMIT ?4";
constexpr std::string_view sql_consent_hubs =
    "SELECT h.hub_id, h.hub_domain FROM hubs h WHERE (?2 IS NULL OR h.hub_id = ?2) AND "
    HSOAUTH_HUB_GRANTS_REQUIRED " AND EXISTS (SELECT 1 FROM user_hubs m JOIN users u ON "
    "u.user_id = m.user_id WHERE m.hub_id = h.hub_id AND " HSOAUTH_EMAIL_MATCHES ") "
    "ORDER BY h.hub_id LIMIT ?4";
#undef HSOAUTH_EMAIL_MATCHES
#undef HSOAUTH_HUB_GRANTS_REQUIRED

#undef HSOAUTH_NEXT_ID

// ---- row readers -------------------------------------------------------------------------

std::vector<std::string> json_strings(const std::string& text) {
    std::vector<std::string> out;
    const auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_array()) return out;
    for (const auto& item : parsed) {
        if (item.is_string()) out.push_back(item.get<std::string>());
    }
    return out;
}

std::string json_text(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::optional<std::int64_t> optional_int(const statement& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    return s.int64(column);
}

access_view read_access_view(const statement& s) {
    access_view v;
    v.refresh_id = optional_int(s, 0);
    v.expires_at = s.int64(1);
    v.revoked_at = optional_int(s, 2);
    v.app_id = s.int64(3);
    v.client_id = s.text(4);
    v.hub_id = s.int64(5);
    v.hub_domain = s.text(6);
    v.hublet = s.text(7);
    v.user_id = s.int64(8);
    v.user_email = s.text(9);
    v.scopes = scope_text(s.text(10));
    v.install_live = s.int64(11) != 0;
    v.install_id = s.int64(12);
    return v;
}

// Binds a token lookup's id (?1) and digest (?2) and steps; true when it found the row. The digest
// is bound in place: it outlives the caller's statement_scope.
bool step_token_lookup(statement& s, std::int64_t id, std::string_view token_digest) {
    s.bind(1, id).bind_blob_in_place(2, token_digest);
    return s.step();
}

// Columns 0-9 of every refresh lookup.
void read_refresh_state(const statement& s, refresh_state& v) {
    v.refresh_id = s.int64(0);
    v.install_id = s.int64(1);
    v.chain_id = s.int64(2);
    v.app_id = s.int64(3);
    v.hub_id = s.int64(4);
    v.user_id = s.int64(5);
    v.scopes = scope_text(s.text(6));
    v.rotated_at = optional_int(s, 7);
    v.revoked_at = optional_int(s, 8);
    v.install_live = s.int64(9) != 0;
}

app_record read_app(const statement& s) {
    app_record app;
    app.app_id = s.int64(0);
    app.name = s.text(1);
    app.client_id = s.text(2);
    app.client_secret_digest = s.blob(3);
    app.redirect_uris = json_strings(s.text(4));
    app.scopes = split_scopes(s.text(5));
    app.optional_scopes = split_scopes(s.text(6));
    app.access_token_ttl = s.int64(7);
    app.rotate_refresh_tokens = s.int64(8) != 0;
    app.client_credentials_scopes = split_scopes(s.text(9));
    app.jwks = s.text(10);
    app.rate_limit = optional_int(s, 11);
    return app;
}

hub_record read_hub(const statement& s) {
    hub_record hub;
    hub.hub_id = s.int64(0);
    hub.hub_domain = s.text(1);
    hub.hublet = s.text(2);
    if (!s.is_null(3)) hub.scopes = split_scopes(s.text(3));
    hub.account_type = s.text(4);
    hub.time_zone = s.text(5);
    hub.currency = s.text(6);
    hub.additional_currencies = split_scopes(s.text(7));
    hub.utc_offset = s.text(8);
    return hub;
}

install_record read_install(const statement& s) {
    install_record install;
    install.install_id = s.int64(0);
    install.app_id = s.int64(1);
    install.hub_id = s.int64(2);
    install.user_id = s.int64(3);
    install.scopes = split_scopes(s.text(4));
    install.installed_at = s.int64(5);
    install.uninstalled_at = optional_int(s, 6);
    return install;
}

}  // namespace

sqlite_repository::sqlite_repository(connection& db, std::shared_ptr<id_sequence> access_ids)
    : db_(db), access_ids_(access_ids ? std::move(access_ids) : std::make_shared<id_sequence>()) {}
sqlite_repository::~sqlite_repository() = default;

void sqlite_repository::keep_refresh_states(std::size_t capacity) {
    kept_states_ = std::make_unique<refresh_state_cache>(db_, capacity);
}

token_lookup_sql token_lookups() { return {sql_find_access, sql_find_refresh, sql_find_refresh_state}; }

statement& sqlite_repository::cached(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        it = statements_.emplace(sql, std::make_unique<statement>(db_.prepare(sql))).first;
    }
    return *it->second;
}

// ---- apps ---------------------------------------------------------------------------------

std::optional<app_record> sqlite_repository::find_app_by_client_id(std::string_view client_id) {
    statement_scope s(cached(sql_find_app_by_client_id));
    s->bind(1, client_id);
    if (!s->step()) return std::nullopt;
    return read_app(*s);
}

std::optional<app_record> sqlite_repository::find_app(std::int64_t app_id) {
    statement_scope s(cached(sql_find_app));
    s->bind(1, app_id);
    if (!s->step()) return std::nullopt;
    return read_app(*s);
}

std::optional<app_record> sqlite_repository::find_app_by_name(std::string_view name) {
    statement_scope s(cached(sql_find_app_by_name));
    s->bind(1, name);
    if (!s->step()) return std::nullopt;
    return read_app(*s);
}

std::vector<app_record> sqlite_repository::list_apps() {
    statement_scope s(cached(sql_list_apps));
    std::vector<app_record> apps;
    while (s->step()) apps.push_back(read_app(*s));
    return apps;
}

std::int64_t sqlite_repository::upsert_app(const app_record& app) {
    statement_scope s(cached(sql_insert_app));
    if (app.app_id != 0) {
        s->bind(1, app.app_id);
    } else {
        s->bind_null(1);
    }
    s->bind(2, app.name).bind(3, app.client_id).bind_blob(4, app.client_secret_digest);
    s->bind(5, json_text(app.redirect_uris)).bind(6, join_scopes(app.scopes));
    s->bind(7, join_scopes(app.optional_scopes)).bind(8, app.access_token_ttl);
    s->bind(9, std::int64_t{app.rotate_refresh_tokens ? 1 : 0});
    s->bind(10, join_scopes(app.client_credentials_scopes)).bind(11, app.jwks);
    if (app.rate_limit) {
        s->bind(12, *app.rate_limit);
    } else {
        s->bind_null(12);
    }
    s->step();
    return s->int64(0);
}

bool sqlite_repository::delete_app(std::int64_t app_id) {
    {
        statement_scope tokens(cached(sql_delete_app_tokens));
        tokens->bind(1, app_id).run();
    }
    statement_scope s(cached(sql_delete_app));
    s->bind(1, app_id).run();
    return db_.changes() > 0;
}

// ---- hubs ---------------------------------------------------------------------------------

std::optional<hub_record> sqlite_repository::find_hub(std::int64_t hub_id) {
    statement_scope s(cached(sql_find_hub));
    s->bind(1, hub_id);
    if (!s->step()) return std::nullopt;
    return read_hub(*s);
}

std::optional<hub_record> sqlite_repository::find_hub_by_domain(std::string_view hub_domain) {
    statement_scope s(cached(sql_find_hub_by_domain));
    s->bind(1, hub_domain);
    if (!s->step()) return std::nullopt;
    return read_hub(*s);
}

std::vector<hub_record> sqlite_repository::list_hubs() {
    statement_scope s(cached(sql_list_hubs));
    std::vector<hub_record> hubs;
    while (s->step()) hubs.push_back(read_hub(*s));
    return hubs;
}

std::int64_t sqlite_repository::upsert_hub(const hub_record& hub) {
    statement_scope s(cached(sql_upsert_hub));
    if (hub.hub_id != 0) {
        s->bind(1, hub.hub_id);
    } else {
        s->bind_null(1);
    }
    s->bind(2, hub.hub_domain).bind(3, hub.hublet);
    if (hub.scopes) {
        s->bind(4, join_scopes(*hub.scopes));
    } else {
        s->bind_null(4);
    }
    s->bind(5, hub.account_type).bind(6, hub.time_zone).bind(7, hub.currency);
    s->bind(8, join_scopes(hub.additional_currencies)).bind(9, hub.utc_offset);
    s->step();
    return s->int64(0);
}

bool sqlite_repository::delete_hub(std::int64_t hub_id) {
    {
        statement_scope members(cached(sql_delete_hub_members));
        members->bind(1, hub_id).run();
    }
    statement_scope s(cached(sql_delete_hub));
    s->bind(1, hub_id).run();
    return db_.changes() > 0;
}

// ---- users --------------------------------------------------------------------------------

namespace {

std::optional<user_record> read_user_with_hubs(statement& s, statement& hubs) {
    if (!s.step()) return std::nullopt;
    user_record user;
    user.user_id = s.int64(0);
    user.email = s.text(1);
    statement_scope h(hubs);
    h->bind(1, user.user_id);
    while (h->step()) user.hub_ids.push_back(h->int64(0));
    return user;
}

}  // namespace

std::optional<user_record> sqlite_repository::find_user(std::int64_t user_id) {
    statement_scope s(cached(sql_find_user));
    s->bind(1, user_id);
    return read_user_with_hubs(*s, cached(sql_user_hubs));
}

std::optional<user_record> sqlite_repository::find_user_by_email(std::string_view email) {
    statement_scope s(cached(sql_find_user_by_email));
    s->bind(1, email);
    return read_user_with_hubs(*s, cached(sql_user_hubs));
}

std::vector<user_record> sqlite_repository::list_users() {
    std::vector<std::int64_t> ids;
    {
        statement_scope s(cached(sql_list_users));
        while (s->step()) ids.push_back(s->int64(0));
    }
    std::vector<user_record> users;
    for (const auto id : ids) {
        if (auto user = find_user(id)) users.push_back(std::move(*user));
    }
    return users;
}

std::int64_t sqlite_repository::upsert_user(const user_record& user) {
    std::int64_t user_id = 0;
    {
        statement_scope s(cached(sql_upsert_user));
        if (user.user_id != 0) {
            s->bind(1, user.user_id);
        } else {
            s->bind_null(1);
        }
        s->bind(2, user.email);
        s->step();
        user_id = s->int64(0);
    }
    {
        statement_scope s(cached(sql_clear_user_hubs));
        s->bind(1, user_id).run();
    }
    for (const auto hub_id : user.hub_ids) {
        statement_scope s(cached(sql_add_user_hub));
        s->bind(1, user_id).bind(2, hub_id).run();
    }
    return user_id;
}

bool sqlite_repository::delete_user(std::int64_t user_id) {
    {
        statement_scope s(cached(sql_clear_user_hubs));
        s->bind(1, user_id).run();
    }
    statement_scope s(cached(sql_delete_user));
    s->bind(1, user_id).run();
    return db_.changes() > 0;
}

// ---- installs -----------------------------------------------------------------------------

std::optional<install_record> sqlite_repository::find_live_install(std::int64_t app_id, std::int64_t hub_id) {
    statement_scope s(cached(sql_find_live_install));
    s->bind(1, app_id).bind(2, hub_id);
    if (!s->step()) return std::nullopt;
    return read_install(*s);
}

std::vector<install_record> sqlite_repository::list_installs() {
    statement_scope s(cached(sql_list_installs));
    std::vector<install_record> installs;
    while (s->step()) installs.push_back(read_install(*s));
    return installs;
}

std::int64_t sqlite_repository::create_install(const install_record& install) {
    statement_scope s(cached(sql_create_install));
    s->bind(1, install.app_id).bind(2, install.hub_id).bind(3, install.user_id);
    s->bind(4, join_scopes(install.scopes)).bind(5, install.installed_at);
    s->step();
    return s->int64(0);
}

void sqlite_repository::update_install(std::int64_t install_id, std::int64_t user_id, const scope_list& scopes) {
    statement_scope s(cached(sql_update_install));
    s->bind(1, install_id).bind(2, user_id).bind(3, join_scopes(scopes)).run();
}

std::int64_t sqlite_repository::uninstall(std::int64_t app_id, std::int64_t hub_id, std::int64_t now) {
    statement_scope s(cached(sql_uninstall));
    s->bind(1, app_id).bind(2, hub_id).bind(3, now).run();
    return db_.changes();
}

std::int64_t sqlite_repository::uninstall_all_of_app(std::int64_t app_id, std::int64_t now) {
    statement_scope s(cached(sql_uninstall_app));
    s->bind(1, app_id).bind(2, now).run();
    return db_.changes();
}

std::int64_t sqlite_repository::uninstall_all_of_hub(std::int64_t hub_id, std::int64_t now) {
    statement_scope s(cached(sql_uninstall_hub));
    s->bind(1, hub_id).bind(2, now).run();
    return db_.changes();
}

std::int64_t sqlite_repository::uninstall_all_of_user(std::int64_t user_id, std::int64_t now) {
    statement_scope s(cached(sql_uninstall_user));
    s->bind(1, user_id).bind(2, now).run();
    return db_.changes();
}

// ---- codes --------------------------------------------------------------------------------

void sqlite_repository::insert_code(const code_record& code) {
    statement_scope s(cached(sql_insert_code));
    s->bind_blob(1, code.code_digest).bind(2, code.install_id).bind(3, code.user_id);
    s->bind(4, join_scopes(code.scopes)).bind(5, code.redirect_uri);
    if (code.code_challenge) {
        s->bind(6, *code.code_challenge);
    } else {
        s->bind_null(6);
    }
    s->bind(7, code.expires_at).run();
}

std::optional<code_record> sqlite_repository::find_code(std::string_view code_digest) {
    statement_scope s(cached(sql_find_code));
    s->bind_blob(1, code_digest);
    if (!s->step()) return std::nullopt;
    code_record code;
    code.code_digest = s->blob(0);
    code.install_id = s->int64(1);
    code.user_id = s->int64(2);
    code.scopes = split_scopes(s->text(3));
    code.redirect_uri = s->text(4);
    if (!s->is_null(5)) code.code_challenge = s->text(5);
    code.expires_at = s->int64(6);
    code.used_at = optional_int(*s, 7);
    code.app_id = s->int64(8);
    code.hub_id = s->int64(9);
    code.install_live = s->int64(10) != 0;
    return code;
}

bool sqlite_repository::use_code(std::string_view code_digest, std::int64_t now) {
    statement_scope s(cached(sql_use_code));
    s->bind_blob(1, code_digest).bind(2, now).run();
    return db_.changes() == 1;
}

// ---- refresh tokens -----------------------------------------------------------------------

std::int64_t sqlite_repository::allocate_refresh_id() {
    refresh_ids_.start(db_, sql_next_refresh_id);
    return refresh_ids_.next();
}

void sqlite_repository::insert_refresh(const refresh_insert& token) {
    statement_scope s(cached(sql_insert_refresh));
    s->bind(1, token.refresh_id).bind_blob(2, token.token_digest).bind(3, token.install_id);
    s->bind(4, token.user_id).bind(5, join_scopes(token.scopes));
    if (token.code_digest) {
        s->bind_blob(6, *token.code_digest);
    } else {
        s->bind_null(6);
    }
    s->bind(7, token.chain_id.value_or(token.refresh_id)).bind(8, token.created_at).run();
}

std::optional<refresh_view> sqlite_repository::find_refresh(std::int64_t refresh_id, std::string_view token_digest) {
    statement_scope s(cached(sql_find_refresh));
    if (!step_token_lookup(*s, refresh_id, token_digest)) return std::nullopt;
    refresh_view v;
    read_refresh_state(*s, v);
    v.client_id = s->text(10);
    v.hub_domain = s->text(11);
    v.hublet = s->text(12);
    v.user_email = s->text(13);
    return v;
}

std::optional<refresh_state> sqlite_repository::find_refresh_state(std::int64_t refresh_id,
                                                            std::string_view token_digest) {
    if (kept_states_) {
        if (auto kept = kept_states_->find(refresh_id, token_digest)) return kept;
    }
    statement_scope s(cached(sql_find_refresh_state));
    if (!step_token_lookup(*s, refresh_id, token_digest)) return std::nullopt;
    refresh_state v;
    read_refresh_state(*s, v);
    if (kept_states_) kept_states_->keep(token_digest, v);
    return v;
}

void sqlite_repository::mark_refresh_rotated(std::int64_t refresh_id, std::int64_t now) {
    statement_scope s(cached(sql_mark_rotated));
    s->bind(1, refresh_id).bind(2, now).run();
}

void sqlite_repository::revoke_refresh(std::int64_t refresh_id, bool cascade, std::int64_t now) {
    statement_scope s(cached(sql_revoke_refresh));
    s->bind(1, refresh_id).bind(2, now).bind(3, std::int64_t{cascade ? 1 : 0}).run();
}

void sqlite_repository::revoke_chain(std::int64_t chain_id, std::int64_t now) {
    statement_scope s(cached(sql_revoke_chain));
    s->bind(1, chain_id).bind(2, now).run();
}

void sqlite_repository::revoke_tokens_from_code(std::string_view code_digest, std::int64_t now) {
    std::vector<std::int64_t> chains;
    {
        statement_scope s(cached(sql_chains_from_code));
        s->bind_blob(1, code_digest);
        while (s->step()) chains.push_back(s->int64(0));
    }
    for (const auto chain : chains) revoke_chain(chain, now);
}

// ---- access tokens ------------------------------------------------------------------------

std::int64_t sqlite_repository::allocate_access_id() {
    start_access_ids();
    return access_ids_->next();
}

void sqlite_repository::start_access_ids() { access_ids_->start(db_, sql_next_access_id); }

void sqlite_repository::insert_access(const access_insert& token) {
    statement_scope s(cached(sql_insert_access));
    s->bind(1, token.access_id).bind_blob_in_place(2, token.token_digest).bind(3, token.refresh_id).bind(4, token.app_id);
    if (token.app_id) s->bind(5, join_scopes(token.scopes));  // else NULL: the refresh token's scopes apply
    s->bind(6, token.expires_at).run();
}

std::optional<access_view> sqlite_repository::find_access(std::int64_t access_id, std::string_view token_digest) {
    statement_scope s(cached(sql_find_access));
    if (!step_token_lookup(*s, access_id, token_digest)) return std::nullopt;
    return read_access_view(*s);
}

bool sqlite_repository::revoke_access(std::int64_t access_id, std::int64_t now) {
    statement_scope s(cached(sql_revoke_access));
    s->bind(1, access_id).bind(2, now).run();
    return db_.changes() > 0;
}

// ---- client assertion ids ----------------------------------------------------------------

bool sqlite_repository::remember_assertion(std::int64_t app_id, std::string_view jti,
                                           std::int64_t remember_until, std::int64_t now) {
    statement_scope s(cached(sql_remember_assertion));
    s->bind(1, app_id).bind(2, jti).bind(3, remember_until).bind(4, now).run();
    return db_.changes() == 1;
}

// ---- sandbox state and housekeeping -------------------------------------------------------

std::optional<std::int64_t> sqlite_repository::get_state(std::string_view key) {
    statement_scope s(cached(sql_get_state));
    s->bind(1, key);
    if (!s->step()) return std::nullopt;
    return s->int64(0);
}

void sqlite_repository::set_state(std::string_view key, std::int64_t value) {
    statement_scope s(cached(sql_set_state));
    s->bind(1, key).bind(2, value).run();
}

void sqlite_repository::reset_sandbox() {
    // Deletes without WHERE: SQLite's truncate optimization reports them to no update hook.
    if (kept_states_) kept_states_->changed();
    for (const auto sql : sql_reset_sandbox) {
        statement_scope s(cached(sql));
        s->run();
    }
}

std::int64_t sqlite_repository::delete_expired_access(std::int64_t cutoff, std::int64_t limit) {
    statement_scope s(cached(sql_delete_expired_access));
    s->bind(1, cutoff).bind(2, limit).run();
    return db_.changes();
}

std::int64_t sqlite_repository::delete_expired_codes(std::int64_t cutoff, std::int64_t limit) {
    statement_scope s(cached(sql_delete_expired_codes));
    s->bind(1, cutoff).bind(2, limit).run();
    return db_.changes();
}

std::int64_t sqlite_repository::delete_expired_assertions(std::int64_t cutoff, std::int64_t limit) {
    statement_scope s(cached(sql_delete_expired_jtis));
    s->bind(1, cutoff).bind(2, limit).run();
    return db_.changes();
}

// ---- the consent page ---------------------------------------------------------------------

namespace {

std::vector<choice_record> read_choices(statement& s, const scope_list& required,
                                        std::optional<std::int64_t> only_hub,
                                        std::string_view email_filter, std::size_t limit) {
    statement_scope scope(s);
    s.bind(1, json_text(required)).bind(2, only_hub).bind(3, email_filter);
    s.bind(4, static_cast<std::int64_t>(limit));
    std::vector<choice_record> out;
    while (s.step()) out.push_back({s.int64(0), s.text(1)});
    return out;
}

}  // namespace

std::vector<choice_record> sqlite_repository::consent_users(const scope_list& required,
                                                            std::optional<std::int64_t> only_hub,
                                                            std::string_view email_filter,
                                                            std::size_t limit) {
    return read_choices(cached(only_hub ? sql_consent_users_of_hub : sql_consent_users), required,
                        only_hub, email_filter, limit);
}

std::vector<choice_record> sqlite_repository::consent_hubs(const scope_list& required,
                                                           std::optional<std::int64_t> only_hub,
                                                           std::string_view email_filter,
                                                           std::size_t limit) {
    return read_choices(cached(sql_consent_hubs), required, only_hub, email_filter, limit);
}

live_counts sqlite_repository::count_live(std::int64_t now) {
    statement_scope s(cached(sql_count_live));
    s->bind(1, now);
    live_counts out;
    if (s->step()) {
        out.access_tokens = s->int64(0);
        out.refresh_tokens = s->int64(1);
        out.authorization_codes = s->int64(2);
        out.installs = s->int64(3);
    }
    return out;
}

}  // namespace hsoauth::storage::sqlite
