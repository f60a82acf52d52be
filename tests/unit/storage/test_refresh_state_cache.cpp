// The writer's kept refresh states (refresh_state_cache): a refresh of a token read before skips
// its lookup, and no kept state ever outlives a change to what it was read from: a revocation,
// a rotation, an uninstall, a reset, a rollback of the transaction or of a savepoint.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "hsoauth/storage/sqlite/refresh_state_cache.hpp"
#include "hsoauth/storage/sqlite/sqlite_repository.hpp"
#include "temp_database.hpp"

using namespace hsoauth;

namespace {

const std::string digest_40(1, '\x01');  // refresh token 40's stored digest

// A migrated writer connection with one app (1), hub (10), user (20), install (30) and refresh
// token (40, digest x'01'), and the writer's repository on it, keeping refresh states.
struct writer_database {
    explicit writer_database(const test::temp_dir& dir, std::size_t capacity = 16)
        : conn(dir.file("kept.db"), /*create=*/true) {
        storage::sqlite::configure_writer(conn, "NORMAL");
        storage::sqlite::migrate(conn);
        conn.exec(
            "INSERT INTO apps (app_id, name, client_id, client_secret_digest, redirect_uris, scopes, optional_scopes, "
            " access_token_ttl) VALUES (1, 'app', 'client', x'00', '[]', 'oauth', '', 1800);"
            "INSERT INTO hubs (hub_id, hub_domain, hublet) VALUES (10, 'hub.example.com', 'na1');"
            "INSERT INTO users (user_id, email) VALUES (20, 'user@example.com');"
            "INSERT INTO installs (install_id, app_id, hub_id, user_id, scopes, installed_at) "
            " VALUES (30, 1, 10, 20, 'oauth', 0);"
            "INSERT INTO refresh_tokens (refresh_id, token_digest, install_id, user_id, scopes, chain_id, created_at) "
            " VALUES (40, x'01', 30, 20, 'oauth', 40, 0);");
        repo.emplace(conn);
        repo->keep_refresh_states(capacity);
    }
    std::optional<storage::refresh_state> state() { return repo->find_refresh_state(40, digest_40); }

    storage::sqlite::connection conn;
    std::optional<storage::sqlite::sqlite_repository> repo;
};

}  // namespace

TEST_CASE("refresh_state_cache: a state is kept for its id and digest, and an access token's insert keeps it") {
    test::temp_dir dir;
    storage::sqlite::connection conn(dir.file("bare.db"), /*create=*/true);
    storage::sqlite::configure_writer(conn, "NORMAL");
    storage::sqlite::migrate(conn);
    storage::sqlite::refresh_state_cache cache(conn, 4);
    storage::refresh_state state;
    state.refresh_id = 40;
    state.install_live = true;
    cache.keep("digest", state);
    REQUIRE(cache.find(40, "digest").has_value());
    CHECK(cache.find(40, "digest")->install_live);
    CHECK_FALSE(cache.find(40, "another").has_value());
    CHECK_FALSE(cache.find(41, "digest").has_value());
    // A row of any other table forgets every state (an app's here, which the token below needs)...
    conn.exec("INSERT INTO apps (app_id, name, client_id, client_secret_digest, redirect_uris, scopes, "
              " optional_scopes, access_token_ttl) VALUES (1, 'app', 'client', x'00', '[]', 'oauth', '', 1800)");
    CHECK(cache.size() == 0);
    // ...but not the hot path's own write: rows of access_tokens are in no refresh state.
    cache.keep("digest", state);
    conn.exec("INSERT INTO access_tokens (access_id, token_digest, app_id, scopes, expires_at) "
              " VALUES (7, x'02', 1, 'oauth', 100)");
    CHECK(cache.size() == 1);
    SUBCASE("at most `capacity` states: one more forgets one of the others") {
        for (std::int64_t id = 41; id <= 44; ++id) {
            state.refresh_id = id;
            cache.keep("digest", state);
        }
        CHECK(cache.size() == 4);
        CHECK(cache.find(44, "digest").has_value());
        cache.keep("digest", state);  // kept again: nothing else goes
        CHECK(cache.size() == 4);
        // The state that went lent its place: the new one is found with its own digest and
        // fields, under its own id only.
        state.refresh_id = 45;
        state.install_live = false;
        state.revoked_at = 900;
        cache.keep("other", state);
        CHECK(cache.size() == 4);
        REQUIRE(cache.find(45, "other").has_value());
        CHECK_FALSE(cache.find(45, "other")->install_live);
        CHECK(cache.find(45, "other")->revoked_at == std::optional<std::int64_t>(900));
        CHECK_FALSE(cache.find(45, "digest").has_value());
        int still_kept = 0;
        for (std::int64_t id = 40; id <= 44; ++id) {
            if (cache.find(id, "digest")) ++still_kept;
        }
        CHECK(still_kept == 3);  // of the four before, the one that lent its place went
    }
}

TEST_CASE("refresh_state_cache: the writer's repository answers a second read from the kept state") {
    test::temp_dir dir;
    writer_database db(dir);
    REQUIRE(db.state().has_value());
    // A change made on another connection, which the cache does not watch (it is kept on the
    // only writer), tells a kept state from a row read again.
    storage::sqlite::connection other(dir.file("kept.db"), /*create=*/false);
    other.exec("UPDATE refresh_tokens SET scopes = 'oauth crm.objects.contacts.read' WHERE refresh_id = 40");
    CHECK(db.state()->scopes.text() == "oauth");  // kept: the row was not read again
    CHECK_FALSE(db.repo->find_refresh_state(40, "\x02").has_value());  // another digest finds nothing
}

TEST_CASE("refresh_state_cache: a revocation, a rotation or an uninstall is seen by the next read") {
    test::temp_dir dir;
    writer_database db(dir);
    REQUIRE(db.state().has_value());
    REQUIRE_FALSE(db.state()->revoked_at.has_value());
    SUBCASE("revoked") {
        db.repo->revoke_refresh(40, /*cascade=*/false, 500);
        CHECK(db.state()->revoked_at == std::optional<std::int64_t>(500));
    }
    SUBCASE("rotated") {
        db.repo->mark_refresh_rotated(40, 600);
        CHECK(db.state()->rotated_at == std::optional<std::int64_t>(600));
    }
    SUBCASE("uninstalled") {
        CHECK(db.repo->uninstall(1, 10, 700) == 1);
        CHECK_FALSE(db.state()->install_live);
    }
    SUBCASE("the sandbox reset (deletes without WHERE: the repository tells the cache, in case SQLite truncates)") {
        db.repo->reset_sandbox();
        CHECK_FALSE(db.state().has_value());
    }
}

TEST_CASE("refresh_state_cache: nothing read after a change outlives a rollback of it") {
    test::temp_dir dir;
    writer_database db(dir);
    SUBCASE("ROLLBACK TO a savepoint, which no SQLite hook reports") {
        db.conn.exec("BEGIN IMMEDIATE");
        db.conn.exec("SAVEPOINT job");
        db.repo->revoke_refresh(40, /*cascade=*/false, 500);
        REQUIRE(db.state()->revoked_at.has_value());  // read after the change: not kept
        db.conn.exec("ROLLBACK TO job");
        db.conn.exec("RELEASE job");
        CHECK_FALSE(db.state()->revoked_at.has_value());
        db.conn.exec("COMMIT");
        CHECK_FALSE(db.state()->revoked_at.has_value());
    }
    SUBCASE("ROLLBACK of the transaction; a state kept before the change was as of BEGIN") {
        db.conn.exec("BEGIN IMMEDIATE");
        REQUIRE_FALSE(db.state()->revoked_at.has_value());
        db.repo->revoke_refresh(40, /*cascade=*/false, 500);
        CHECK(db.state()->revoked_at.has_value());
        db.conn.exec("ROLLBACK");
        CHECK_FALSE(db.state()->revoked_at.has_value());
    }
    SUBCASE("after the commit, states are kept again") {
        db.conn.exec("BEGIN IMMEDIATE");
        db.repo->revoke_refresh(40, /*cascade=*/false, 500);
        REQUIRE(db.state()->revoked_at.has_value());
        db.conn.exec("COMMIT");
        REQUIRE(db.state()->revoked_at.has_value());  // read and kept
        storage::sqlite::connection other(dir.file("kept.db"), /*create=*/false);
        other.exec("UPDATE refresh_tokens SET revoked_at = 501 WHERE refresh_id = 40");
        CHECK(db.state()->revoked_at == std::optional<std::int64_t>(500));  // the kept one
    }
}
