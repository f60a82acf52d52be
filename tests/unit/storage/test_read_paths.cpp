// How reads find things: tokens by the row id they carry (access tokens since migration 0003,
// refresh tokens since 0004, nothing else since 0005) with one rowid lookup per table, app-level
// access tokens beside those issued from a refresh token, and readers that keep a snapshot across
// reads without ever missing an acknowledged write.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"
#include "temp_database.hpp"

using namespace hsoauth;

namespace {

// Brings a new database file to schema version `version` exactly, as an older hsoauth left it.
void migrate_up_to(storage::sqlite::connection& conn, std::int64_t version) {
    conn.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (const auto& m : storage::sqlite::embedded_migrations()) {
        if (m.version > version) break;
        conn.exec(m.sql);
        auto record = conn.prepare("INSERT INTO schema_migrations VALUES (?1, ?2, 'then')");
        record.bind(1, m.version).bind(2, m.name).run();
    }
}

// One app (1), hub (10), user (20), install (30) and refresh token (refresh_id 40, digest x'01').
void seed_install(storage::sqlite::connection& conn) {
    conn.exec(
        "INSERT INTO apps (app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
        " access_token_ttl) VALUES (1, 'old app', 'old-client', x'00', '[]', 'oauth', '', 1800);"
        "INSERT INTO hubs (hub_id, hub_domain, hublet) VALUES (10, 'old.example.com', 'na1');"
        "INSERT INTO users (user_id, email) VALUES (20, 'old@example.com');"
        "INSERT INTO installs (install_id, app_id, hub_id, user_id, scopes, installed_at) VALUES (30, 1, 10, 20, 'oauth', 0);"
        "INSERT INTO refresh_tokens (refresh_id, token_digest, install_id, user_id, scopes, chain_id, created_at) "
        " VALUES (40, x'01', 30, 20, 'oauth', 40, 0);");
}

std::int64_t count(storage::sqlite::connection& conn, const std::string& sql) {
    auto s = conn.prepare(sql);
    REQUIRE(s.step());
    return s.int64(0);
}

// The names of a table's columns.
std::set<std::string> columns_of(storage::sqlite::connection& conn, const std::string& table) {
    std::set<std::string> out;
    auto s = conn.prepare("SELECT name FROM pragma_table_info(?1)");
    s.bind(1, table);
    while (s.step()) out.insert(s.text(0));
    return out;
}

// A new access token of refresh token `refresh_id`, or of app `app_id` with `scopes`; returns the token.
std::string insert_access(storage::repository& repo, const crypto::secret_hasher& hasher,
                          std::optional<std::int64_t> refresh_id, std::optional<std::int64_t> app_id,
                          storage::scope_list scopes, std::int64_t expires_at) {
    storage::access_insert row;
    row.access_id = repo.allocate_access_id();
    std::string token = std::string(oauth::new_access_token(row.access_id));
    const auto digest = hasher.hash(token);  // row views it
    row.token_digest = digest;
    row.refresh_id = refresh_id;
    row.app_id = app_id;
    row.scopes = std::move(scopes);
    row.expires_at = expires_at;
    repo.insert_access(row);
    return token;
}

}  // namespace

TEST_CASE("storage: migration 0005 retires the tokens without ids and keeps every token that carries one") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    // As a version-4 database holds them: a refresh token from before 0004 (legacy, no id in its
    // text) and one issued since; an access token from before 0003 (legacy), one issued from the
    // legacy refresh token, and one issued from the kept refresh token.
    const std::string legacy_refresh = oauth::new_authorization_code("na1");  // the old shape
    const std::string kept_refresh = oauth::new_refresh_token("na1", 41);
    const std::string legacy_access = "C" + crypto::base64url(crypto::random_bytes(36));
    const std::string orphaned_access = std::string(oauth::new_access_token(2));
    const std::string kept_access = std::string(oauth::new_access_token(3));
    {
        storage::sqlite::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 4);
        seed_install(conn);
        auto refresh = conn.prepare(
            "INSERT INTO refresh_tokens (refresh_id, token_digest, install_id, user_id, scopes, code_digest, "
            " chain_id, created_at, access_revoked_at, legacy) VALUES (?1, ?2, 30, 20, 'oauth', ?3, ?4, 7, ?5, ?6)");
        refresh.bind(1, std::int64_t{39}).bind_blob(2, hasher.hash(legacy_refresh)).bind_null(3);
        refresh.bind(4, std::int64_t{39}).bind_null(5).bind(6, std::int64_t{1}).run();
        refresh.reset();
        refresh.bind(1, std::int64_t{41}).bind_blob(2, hasher.hash(kept_refresh)).bind_blob(3, "\x0c");
        refresh.bind(4, std::int64_t{39}).bind(5, std::int64_t{8}).bind_null(6).run();
        auto access = conn.prepare(
            "INSERT INTO access_tokens (access_id, token_digest, refresh_id, expires_at, legacy) VALUES (?1, ?2, ?3, 5000, ?4)");
        access.bind(1, std::int64_t{1}).bind_blob(2, hasher.hash(legacy_access)).bind(3, std::int64_t{41});
        access.bind(4, std::int64_t{1}).run();
        access.reset();
        access.bind(1, std::int64_t{2}).bind_blob(2, hasher.hash(orphaned_access)).bind(3, std::int64_t{39}).run();
        access.reset();
        access.bind(1, std::int64_t{3}).bind_blob(2, hasher.hash(kept_access)).bind(3, std::int64_t{41}).run();
        REQUIRE(count(conn, "SELECT COUNT(*) FROM refresh_tokens") == 3);
        REQUIRE(count(conn, "SELECT COUNT(*) FROM access_tokens") == 3);
    }
    storage::sqlite::sqlite_store db(test::temp_db_options(dir));  // migrates to the newest version

    // The tokens that carry an id are found as before, with every column.
    const auto refresh = storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_refresh(*oauth::refresh_token_id(kept_refresh), hasher.hash(kept_refresh));
    });
    REQUIRE(refresh.has_value());
    CHECK(refresh->refresh_id == 41);
    CHECK(refresh->chain_id == 39);
    CHECK(refresh->install_id == 30);
    CHECK(refresh->client_id == "old-client");
    CHECK(refresh->user_email == "old@example.com");
    CHECK(refresh->install_live);
    const auto access = storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_access(*oauth::access_token_id(kept_access), hasher.hash(kept_access));
    });
    REQUIRE(access.has_value());
    CHECK(access->refresh_id == std::optional<std::int64_t>(41));
    CHECK(access->expires_at == 5000);
    CHECK(access->revoked_at == std::optional<std::int64_t>(8));  // its refresh token's access_revoked_at
    CHECK(access->user_email == "old@example.com");
    // The access token issued from the retired refresh token is gone with it.
    CHECK_FALSE(storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_access(2, hasher.hash(orphaned_access)).has_value();
    }));
    // New ids follow the kept ones.
    CHECK(storage::write_and_wait(db, [](storage::repository& repo) { return repo.allocate_refresh_id(); }) == 42);
    CHECK(db.allocate_access_id() == 4);

    storage::sqlite::connection conn(dir.file("test.db"), /*create=*/false);
    CHECK(count(conn, "SELECT MAX(version) FROM schema_migrations") == storage::sqlite::embedded_migrations().back().version);
    CHECK(count(conn, "SELECT COUNT(*) FROM refresh_tokens WHERE refresh_id = 39") == 0);
    CHECK(count(conn, "SELECT COUNT(*) FROM refresh_tokens") == 2);
    CHECK(count(conn, "SELECT COUNT(*) FROM access_tokens") == 1);
    CHECK(count(conn, "SELECT access_id FROM access_tokens") == 3);
    auto kept_row = conn.prepare(
        "SELECT hex(code_digest), created_at, access_revoked_at FROM refresh_tokens WHERE refresh_id = 41");
    REQUIRE(kept_row.step());
    CHECK(kept_row.text(0) == "0C");
    CHECK(kept_row.int64(1) == 7);
    CHECK(kept_row.int64(2) == 8);
    // No legacy column and no digest index is left.
    CHECK(columns_of(conn, "refresh_tokens").count("legacy") == 0);
    CHECK(columns_of(conn, "access_tokens") ==
          std::set<std::string>{"access_id", "token_digest", "refresh_id", "app_id", "scopes", "expires_at", "revoked_at"});
    CHECK(count(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND sql LIKE '%token_digest%'") == 0);
    auto integrity = conn.prepare("PRAGMA integrity_check");
    REQUIRE(integrity.step());
    CHECK(integrity.text(0) == "ok");
    CHECK_FALSE(integrity.step());
}

TEST_CASE("storage: a token with a valid id but another secret is not found") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    {
        storage::sqlite::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 4);
        seed_install(conn);
    }
    storage::sqlite::sqlite_store db(test::temp_db_options(dir));
    const std::string token = storage::write_and_wait(db, [&](storage::repository& repo) {
        return insert_access(repo, hasher, 40, std::nullopt, {}, 6000);
    });
    REQUIRE(storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_access(*oauth::access_token_id(token), hasher.hash(token)).has_value();
    }));
    // Same id (the first 12 characters), different secret.
    const std::string forged = token.substr(0, 12) + std::string(token.size() - 12, 'A');
    REQUIRE(oauth::access_token_id(forged) == oauth::access_token_id(token));
    CHECK_FALSE(storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_access(*oauth::access_token_id(forged), hasher.hash(forged)).has_value();
    }));
    // The stored digest itself is no token either: it carries no id, and presented with the
    // token's id it does not match.
    const std::string digest = hasher.hash(token);
    CHECK_FALSE(oauth::access_token_id(digest).has_value());
    CHECK_FALSE(storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_access(*oauth::access_token_id(token), hasher.hash(digest)).has_value();
    }));
}

TEST_CASE("storage: a refresh token issued now is found by the id it carries, and only with its own secret") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    {
        storage::sqlite::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 4);
        seed_install(conn);
    }
    storage::sqlite::sqlite_store db(test::temp_db_options(dir));
    const std::string token = storage::write_and_wait(db, [&](storage::repository& repo) {
        storage::refresh_insert row;
        row.refresh_id = repo.allocate_refresh_id();
        CHECK(row.refresh_id == 41);  // past the existing row
        std::string t = oauth::new_refresh_token("na1", row.refresh_id);
        row.token_digest = hasher.hash(t);
        row.install_id = 30;
        row.user_id = 20;
        row.scopes = {"oauth"};
        repo.insert_refresh(row);
        return t;
    });
    const auto state = [&](const std::string& presented) {
        return storage::read_value(db, [&](storage::repository& repo) {
            return repo.find_refresh_state(*oauth::refresh_token_id(presented), hasher.hash(presented));
        });
    };
    REQUIRE(state(token).has_value());
    CHECK(state(token)->refresh_id == 41);
    CHECK(state(token)->chain_id == 41);  // a new chain starts at its own id

    // Same id, another secret.
    std::string forged = token;
    forged[5] = forged[5] == 'a' ? 'b' : 'a';
    REQUIRE(oauth::refresh_token_id(forged) == 41);
    CHECK_FALSE(state(forged).has_value());
    // The stored digest itself, presented with the token's id, is no token.
    CHECK_FALSE(storage::read_value(db, [&](storage::repository& repo) {
        return repo.find_refresh_state(41, hasher.hash(hasher.hash(token))).has_value();
    }));
}

TEST_CASE("storage: an app-level access token is found with its app, revoked alone, and dies with its app") {
    test::temp_database t;
    const crypto::secret_hasher hasher(test::test_pepper);
    storage::app_record app;
    app.name = "machine";
    app.client_id = "machine-client";
    app.client_secret_digest = "digest";
    app.scopes = {"oauth"};
    app.app_id = storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.upsert_app(app); });
    const auto issue = [&](const storage::scope_list& scopes) {
        return storage::write_and_wait(t.db, [&](storage::repository& repo) {
            return insert_access(repo, hasher, std::nullopt, app.app_id, scopes, 9000);
        });
    };
    const auto find = [&](const std::string& token) {
        return storage::read_value(t.db, [&](storage::repository& repo) {
            return repo.find_access(*oauth::access_token_id(token), hasher.hash(token));
        });
    };
    const std::string token = issue({"oauth", "crm.objects.contacts.read"});
    const std::string sibling = issue({"oauth"});

    const auto found = find(token);
    REQUIRE(found.has_value());
    CHECK_FALSE(found->refresh_id.has_value());
    CHECK(found->app_id == app.app_id);
    CHECK(found->client_id == "machine-client");
    CHECK(found->scopes == storage::scope_list{"oauth", "crm.objects.contacts.read"});
    CHECK(found->expires_at == 9000);
    CHECK_FALSE(found->revoked_at.has_value());
    CHECK(found->install_live);
    CHECK(found->hub_id == 0);
    CHECK(found->hub_domain.empty());
    CHECK(found->hublet.empty());
    CHECK(found->user_id == 0);
    CHECK(found->user_email.empty());
    CHECK(find(sibling)->scopes == storage::scope_list{"oauth"});

    // Its id with another secret, or another token's digest, finds nothing.
    const std::string forged = token.substr(0, 12) + std::string(token.size() - 12, 'A');
    CHECK_FALSE(find(forged).has_value());
    CHECK_FALSE(storage::read_value(t.db, [&](storage::repository& repo) {
        return repo.find_access(*oauth::access_token_id(token), hasher.hash(sibling)).has_value();
    }));

    // Revoking one leaves the other; a second revocation keeps the first stamp.
    const std::int64_t token_id = *oauth::access_token_id(token);
    CHECK(storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.revoke_access(token_id, 500); }));
    CHECK(find(token)->revoked_at == std::optional<std::int64_t>(500));
    CHECK_FALSE(find(sibling)->revoked_at.has_value());
    CHECK(storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.revoke_access(token_id, 600); }));
    CHECK(find(token)->revoked_at == std::optional<std::int64_t>(500));
    CHECK_FALSE(storage::write_and_wait(t.db, [](storage::repository& repo) { return repo.revoke_access(999'999, 1); }));

    // Deleting the app deletes its tokens: an app created again with the same id has none.
    CHECK(storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.delete_app(app.app_id); }));
    CHECK_FALSE(find(sibling).has_value());
    CHECK(storage::write_and_wait(t.db, [&](storage::repository& repo) { return repo.upsert_app(app); }) == app.app_id);
    CHECK_FALSE(find(sibling).has_value());
    CHECK_FALSE(find(token).has_value());
}

TEST_CASE("storage: revoke_access revokes one token issued from a refresh token, not its siblings") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    {
        storage::sqlite::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 4);
        seed_install(conn);
    }
    storage::sqlite::sqlite_store db(test::temp_db_options(dir));
    const auto issue = [&] {
        return storage::write_and_wait(db, [&](storage::repository& repo) {
            return insert_access(repo, hasher, 40, std::nullopt, {"ignored"}, 6000);
        });
    };
    const std::string first = issue();
    const std::string second = issue();
    const auto find = [&](const std::string& token) {
        return storage::read_value(db, [&](storage::repository& repo) {
            return repo.find_access(*oauth::access_token_id(token), hasher.hash(token));
        });
    };
    // Its scopes are its refresh token's, whatever the insert carried.
    CHECK(find(first)->scopes == storage::scope_list{"oauth"});
    CHECK(storage::write_and_wait(db, [&](storage::repository& repo) {
        return repo.revoke_access(*oauth::access_token_id(first), 700);
    }));
    CHECK(find(first)->revoked_at == std::optional<std::int64_t>(700));
    CHECK_FALSE(find(second)->revoked_at.has_value());
    const auto refresh = storage::read_value(db, [&](storage::repository& repo) { return repo.find_refresh_state(40, "\x01"); });
    REQUIRE(refresh.has_value());
    CHECK_FALSE(refresh->revoked_at.has_value());
}

TEST_CASE("storage: an access token row has exactly one owner, a refresh token or an app") {
    test::temp_database t;
    const crypto::secret_hasher hasher(test::test_pepper);
    CHECK_THROWS_AS(storage::write_and_wait(t.db, [&](storage::repository& repo) {
        insert_access(repo, hasher, std::nullopt, std::nullopt, {}, 1);
    }),
                    storage::storage_error);
    CHECK_THROWS_AS(storage::write_and_wait(t.db, [&](storage::repository& repo) {
        insert_access(repo, hasher, 1, 1, {}, 1);
    }),
                    storage::storage_error);
}

TEST_CASE("storage: a reader that kept its snapshot still sees every write acknowledged before the read") {
    test::temp_database t;
    const auto hub = [](std::int64_t id) {
        storage::hub_record h;
        h.hub_id = id;
        h.hub_domain = "hub" + std::to_string(id) + ".example.com";
        return h;
    };
    // Interleave many reads and writes: each read must see the write acknowledged just before it.
    for (std::int64_t id = 1; id <= 300; ++id) {
        CHECK_FALSE(storage::read_value(t.db, [&](storage::repository& repo) { return repo.find_hub(id).has_value(); }));
        storage::write_and_wait(t.db, [&](storage::repository& repo) { repo.upsert_hub(hub(id)); });
        CHECK(storage::read_value(t.db, [&](storage::repository& repo) { return repo.find_hub(id).has_value(); }));
        CHECK(storage::read_value(t.db, [](storage::repository& repo) { return repo.list_hubs().size(); }) ==
              static_cast<std::size_t>(id));
    }
}

TEST_CASE("storage: a read that throws leaves its connection usable") {
    test::temp_database t;
    CHECK_THROWS(storage::read_value(t.db, [](storage::repository&) -> int { throw std::runtime_error("read failed"); }));
    storage::write_and_wait(t.db, [](storage::repository& repo) {
        storage::hub_record h;
        h.hub_id = 5;
        h.hub_domain = "after.example.com";
        repo.upsert_hub(h);
    });
    CHECK(storage::read_value(t.db, [](storage::repository& repo) { return repo.find_hub(5).has_value(); }));
}

TEST_CASE("storage: every token lookup reads one row per table, by rowid") {
    test::temp_database t;
    storage::sqlite::connection conn(t.dir.file("test.db"), /*create=*/false);
    const auto plan_of = [&](std::string_view sql) {
        auto s = conn.prepare("EXPLAIN QUERY PLAN " + std::string(sql));
        std::vector<std::string> steps;
        while (s.step()) steps.push_back(s.text(3));
        return steps;
    };
    // Each table it names, searched by INTEGER PRIMARY KEY; nothing scanned, no index consulted.
    const auto check_plan = [&](std::string_view sql, const std::vector<std::string>& tables) {
        CAPTURE(sql);
        std::vector<std::string> searched;
        for (const auto& step : plan_of(sql)) {
            CAPTURE(step);
            CHECK(step.find("SCAN") == std::string::npos);
            CHECK(step.find("INDEX") == std::string::npos);
            if (step.rfind("SEARCH ", 0) == 0) {
                CHECK(step.find("USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
                searched.push_back(step.substr(7, step.find(' ', 7) - 7));
            }
        }
        CHECK(searched == tables);
    };
    const auto sql = storage::sqlite::token_lookups();
    // Issued from a refresh token: its row, its refresh token, install, app, hub and user; then,
    // for an app-level token only, its row and its app.
    check_plan(sql.find_access, {"t", "r", "i", "a", "h", "u", "t", "a"});
    check_plan(sql.find_refresh_state, {"r", "i"});
    check_plan(sql.find_refresh, {"r", "i", "a", "h", "u"});
}
