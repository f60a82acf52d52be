// How reads find things: access tokens by the row id they carry (migration 0003), refresh tokens
// likewise (migration 0004), tokens stored before those migrations by digest, apps from memory until a write changes them, and readers that
// keep a snapshot across reads without ever missing an acknowledged write.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/crypto/random.hpp"
#include "hsoauth/oauth/token_format.hpp"
#include "hsoauth/storage/migrations.hpp"
#include "hsoauth/storage/sqlite.hpp"
#include "temp_database.hpp"

using namespace hsoauth;

namespace {

// Brings a new database file to schema version `version` exactly, as an older hsoauth left it.
void migrate_up_to(storage::connection& conn, std::int64_t version) {
    conn.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (const auto& m : storage::embedded_migrations()) {
        if (m.version > version) break;
        conn.exec(m.sql);
        auto record = conn.prepare("INSERT INTO schema_migrations VALUES (?1, ?2, 'then')");
        record.bind(1, m.version).bind(2, m.name).run();
    }
}

// One app, hub, user, install and refresh token (refresh_id 40) in a version-2 database.
void seed_version_2(storage::connection& conn) {
    conn.exec(
        "INSERT INTO apps (app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
        " access_token_ttl) VALUES (1, 'old app', 'old-client', x'00', '[]', 'oauth', '', 1800);"
        "INSERT INTO hubs (hub_id, hub_domain, hublet) VALUES (10, 'old.example.com', 'na1');"
        "INSERT INTO users (user_id, email) VALUES (20, 'old@example.com');"
        "INSERT INTO installs (install_id, app_id, hub_id, user_id, scopes, installed_at) VALUES (30, 1, 10, 20, 'oauth', 0);"
        "INSERT INTO refresh_tokens (refresh_id, token_digest, install_id, user_id, scopes, chain_id, created_at) "
        " VALUES (40, x'01', 30, 20, 'oauth', 40, 0);");
}

}  // namespace

TEST_CASE("storage: an access token stored before migration 0003 is still found, by its digest") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    // The old shape: "C" + base64url of 36 random bytes, no id inside.
    std::string old_token = "C";
    old_token += crypto::base64url(crypto::random_bytes(36));
    {
        storage::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 2);
        seed_version_2(conn);
        auto insert = conn.prepare("INSERT INTO access_tokens (token_digest, refresh_id, expires_at) VALUES (?1, 40, 5000)");
        insert.bind_blob(1, hasher.hash(old_token)).run();
    }
    storage::database db(test::temp_db_options(dir));  // migrates to the newest version

    const auto found = db.read([&](storage::repository& repo) {
        return repo.find_access(oauth::access_token_id(old_token), hasher.hash(old_token));
    });
    REQUIRE(found.has_value());
    CHECK(found->refresh_id == 40);
    CHECK(found->expires_at == 5000);
    CHECK(found->user_email == "old@example.com");

    // A token issued now gets an id past the legacy rows, and both are found.
    const std::string fresh = db.write_and_wait([&](storage::repository& repo) {
        const std::int64_t id = repo.allocate_access_id();
        CHECK(id == 2);
        std::string token = oauth::new_access_token(id);
        repo.insert_access(id, hasher.hash(token), 40, 6000);
        return token;
    });
    const auto fresh_found = db.read([&](storage::repository& repo) {
        return repo.find_access(oauth::access_token_id(fresh), hasher.hash(fresh));
    });
    REQUIRE(fresh_found.has_value());
    CHECK(fresh_found->expires_at == 6000);
    CHECK(db.read([&](storage::repository& repo) {
        return repo.find_access(oauth::access_token_id(old_token), hasher.hash(old_token)).has_value();
    }));
}

TEST_CASE("storage: a token with a valid id but another secret is not found") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    {
        storage::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 2);
        seed_version_2(conn);
    }
    storage::database db(test::temp_db_options(dir));
    const std::string token = db.write_and_wait([&](storage::repository& repo) {
        const std::int64_t id = repo.allocate_access_id();
        std::string t = oauth::new_access_token(id);
        repo.insert_access(id, hasher.hash(t), 40, 6000);
        return t;
    });
    // Same id (the first 12 characters), different secret.
    const std::string forged = token.substr(0, 12) + std::string(token.size() - 12, 'A');
    REQUIRE(oauth::access_token_id(forged) == oauth::access_token_id(token));
    CHECK_FALSE(db.read([&](storage::repository& repo) {
        return repo.find_access(oauth::access_token_id(forged), hasher.hash(forged)).has_value();
    }));
    // The stored digest itself is no token either.
    const std::string digest = hasher.hash(token);
    CHECK_FALSE(db.read([&](storage::repository& repo) {
        return repo.find_access(oauth::access_token_id(digest), hasher.hash(digest)).has_value();
    }));
}

TEST_CASE("storage: a refresh token stored before migration 0004 is still found by its digest, with every column") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    // The old shape: hublet and 32 random bytes, no id inside.
    const std::string old_token = oauth::new_authorization_code("na1");
    REQUIRE_FALSE(oauth::refresh_token_id(old_token).has_value());
    {
        storage::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 3);
        seed_version_2(conn);
        auto update = conn.prepare(
            "UPDATE refresh_tokens SET token_digest = ?1, code_digest = x'0c', chain_id = 39, created_at = 7, "
            "rotated_at = NULL, revoked_at = NULL, access_revoked_at = 8 WHERE refresh_id = 40");
        update.bind_blob(1, hasher.hash(old_token)).run();
    }
    storage::database db(test::temp_db_options(dir));  // migrates to the newest version

    const auto found = db.read([&](storage::repository& repo) {
        return repo.find_refresh(oauth::refresh_token_id(old_token), hasher.hash(old_token));
    });
    REQUIRE(found.has_value());
    CHECK(found->refresh_id == 40);
    CHECK(found->chain_id == 39);
    CHECK(found->install_id == 30);
    CHECK(found->user_email == "old@example.com");
    CHECK(found->client_id == "old-client");
    CHECK(found->install_live);
    CHECK_FALSE(found->revoked_at.has_value());
    storage::connection conn(dir.file("test.db"), /*create=*/false);
    auto row = conn.prepare(
        "SELECT hex(code_digest), created_at, access_revoked_at, legacy FROM refresh_tokens WHERE refresh_id = 40");
    REQUIRE(row.step());
    CHECK(row.text(0) == "0C");
    CHECK(row.int64(1) == 7);
    CHECK(row.int64(2) == 8);
    CHECK(row.int64(3) == 1);
}

TEST_CASE("storage: a refresh token issued now is found by the id it carries, and only with its own secret") {
    test::temp_dir dir;
    const crypto::secret_hasher hasher(test::test_pepper);
    {
        storage::connection conn(dir.file("test.db"), /*create=*/true);
        migrate_up_to(conn, 3);
        seed_version_2(conn);
    }
    storage::database db(test::temp_db_options(dir));
    const std::string token = db.write_and_wait([&](storage::repository& repo) {
        storage::refresh_insert row;
        row.refresh_id = repo.allocate_refresh_id();
        CHECK(row.refresh_id == 41);  // past the legacy row
        std::string t = oauth::new_refresh_token("na1", row.refresh_id);
        row.token_digest = hasher.hash(t);
        row.install_id = 30;
        row.user_id = 20;
        row.scopes = {"oauth"};
        repo.insert_refresh(row);
        return t;
    });
    const auto state = [&](const std::string& presented) {
        return db.read([&](storage::repository& repo) {
            return repo.find_refresh_state(oauth::refresh_token_id(presented), hasher.hash(presented));
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
    // Its digest is not among the legacy rows' digests: a lookup without the id misses it.
    CHECK_FALSE(db.read([&](storage::repository& repo) {
        return repo.find_refresh_state(std::nullopt, hasher.hash(token)).has_value();
    }));
    // The stored digest itself is no token.
    CHECK_FALSE(state(hasher.hash(token)).has_value());
}

TEST_CASE("storage: apps by client_id are remembered until a write changes an app") {
    test::temp_database t;
    storage::app_record app;
    app.name = "cached";
    app.client_id = "cached-client";
    app.client_secret_digest = "digest-1";
    app.scopes = {"oauth"};
    app.app_id = t.db.write_and_wait([&](storage::repository& repo) { return repo.upsert_app(app); });

    REQUIRE(t.db.find_app_by_client_id("cached-client") != nullptr);
    CHECK(t.db.find_app_by_client_id("cached-client")->client_secret_digest == "digest-1");
    CHECK_FALSE(t.db.find_app_by_client_id("no-such-client") != nullptr);

    // A new secret is seen by the very next lookup after the write is acknowledged.
    app.client_secret_digest = "digest-2";
    t.db.write_and_wait([&](storage::repository& repo) { repo.upsert_app(app); });
    CHECK(t.db.find_app_by_client_id("cached-client")->client_secret_digest == "digest-2");

    // So is a new client_id: the old one is gone at once.
    app.client_id = "renamed-client";
    t.db.write_and_wait([&](storage::repository& repo) { repo.upsert_app(app); });
    CHECK_FALSE(t.db.find_app_by_client_id("cached-client") != nullptr);
    CHECK(t.db.find_app_by_client_id("renamed-client") != nullptr);

    t.db.write_and_wait([&](storage::repository& repo) { repo.delete_app(app.app_id); });
    CHECK_FALSE(t.db.find_app_by_client_id("renamed-client") != nullptr);

    // A write job that changes an app and then rolls back leaves the app as it was.
    app.client_id = "back-client";
    app.app_id = 0;
    t.db.write_and_wait([&](storage::repository& repo) { repo.upsert_app(app); });
    REQUIRE(t.db.find_app_by_client_id("back-client") != nullptr);
    CHECK_THROWS(t.db.write_and_wait([&](storage::repository& repo) {
        storage::app_record changed = *repo.find_app_by_client_id("back-client");
        changed.client_secret_digest = "never-committed";
        repo.upsert_app(changed);
        throw std::runtime_error("rolled back");
    }));
    CHECK(t.db.find_app_by_client_id("back-client")->client_secret_digest == "digest-2");
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
        CHECK_FALSE(t.db.read([&](storage::repository& repo) { return repo.find_hub(id).has_value(); }));
        t.db.write_and_wait([&](storage::repository& repo) { repo.upsert_hub(hub(id)); });
        CHECK(t.db.read([&](storage::repository& repo) { return repo.find_hub(id).has_value(); }));
        CHECK(t.db.read([](storage::repository& repo) { return repo.list_hubs().size(); }) ==
              static_cast<std::size_t>(id));
    }
}

TEST_CASE("storage: a read that throws leaves its connection usable") {
    test::temp_database t;
    CHECK_THROWS(t.db.read([](storage::repository&) -> int { throw std::runtime_error("read failed"); }));
    t.db.write_and_wait([](storage::repository& repo) {
        storage::hub_record h;
        h.hub_id = 5;
        h.hub_domain = "after.example.com";
        repo.upsert_hub(h);
    });
    CHECK(t.db.read([](storage::repository& repo) { return repo.find_hub(5).has_value(); }));
}
