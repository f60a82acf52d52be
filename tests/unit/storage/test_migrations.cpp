// Schema migrations: each says why it exists; applied once, reported, recorded, and refused when
// the database is newer than the binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "hsoauth/storage/sqlite/connection.hpp"
#include "hsoauth/storage/sqlite/migrations.hpp"
#include "temp_database.hpp"

using namespace hsoauth;
using storage::sqlite::connection;
using storage::sqlite::embedded_migrations;
using storage::sqlite::migrate;
using storage::sqlite::sqlite_store;
using storage::sqlite::why_of;

namespace {

std::int64_t count_rows(connection& conn, std::string_view sql) {
    auto s = conn.prepare(sql);
    REQUIRE(s.step());
    return s.int64(0);
}

}  // namespace

TEST_CASE("storage: the embedded migrations are in ascending version order, each opening with why it exists") {
    const auto& all = embedded_migrations();
    REQUIRE_FALSE(all.empty());
    CHECK(all.front().version == 1);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].version < all[i].version);
    for (const auto& m : all) {
        CAPTURE(m.name);
        CHECK_FALSE(m.name.empty());
        CHECK_FALSE(m.sql.empty());
        CHECK(m.sql.substr(0, 8) == "-- Why: ");
        CHECK(why_of(m.sql).size() > 20);
    }
}

TEST_CASE("storage: why_of is the first sentence of the \"-- Why:\" comment") {
    CHECK(why_of("-- Why: the first schema.\n-- Why: not this one\nCREATE TABLE t (x);") == "the first schema.");
    CHECK(why_of("-- a comment\n--   Why: not at the start\n-- Why:   later on  \r\nSELECT 1;") == "later on");
    CHECK(why_of("CREATE TABLE t (x);").empty());
    CHECK(why_of("").empty());
    CHECK(why_of("-- Why: no newline at the end") == "no newline at the end");
    CHECK(why_of("-- Why: a sentence that goes on\n-- on the next line. And a second\n-- one.\nCREATE TABLE t (x);") ==
          "a sentence that goes on on the next line.");
    CHECK(why_of("-- Why: stops at a blank comment line\n--\n-- not this") == "stops at a blank comment line");
}

TEST_CASE("storage: migrate applies every migration once, reports each, and is idempotent") {
    test::temp_dir dir;
    connection conn(dir.file("m.db"), /*create=*/true);
    const auto& all = embedded_migrations();
    const auto applied = migrate(conn);
    REQUIRE(applied.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(applied[i].version == all[i].version);
        CHECK(applied[i].name == all[i].name);
        CHECK(applied[i].why == why_of(all[i].sql));
    }
    CHECK(migrate(conn).empty());
    CHECK(migrate(conn).empty());
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM schema_migrations") == static_cast<std::int64_t>(all.size()));
    CHECK(count_rows(conn, "SELECT MAX(version) FROM schema_migrations") == all.back().version);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'apps'") == 1);
    // A new database starts as small as its schema: no free page left by the rebuilt tables.
    CHECK(count_rows(conn, "PRAGMA freelist_count") == 0);
}

TEST_CASE("storage: a database at version 4 is brought up by migration 0005 and those after it") {
    test::temp_dir dir;
    connection conn(dir.file("m.db"), /*create=*/true);
    conn.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (const auto& m : embedded_migrations()) {
        if (m.version > 4) break;
        conn.exec(m.sql);
        auto record = conn.prepare("INSERT INTO schema_migrations VALUES (?1, ?2, 'then')");
        record.bind(1, m.version).bind(2, m.name).run();
    }
    const auto applied = migrate(conn);
    REQUIRE(!applied.empty());
    CHECK(applied.size() == static_cast<std::size_t>(std::count_if(
                                embedded_migrations().begin(), embedded_migrations().end(),
                                [](const auto& m) { return m.version > 4; })));
    CHECK(applied.back().version == embedded_migrations().back().version);
    CHECK(applied[0].version == 5);
    CHECK(applied[0].name == "0005_tokens_by_id_only.sql");
    CHECK(applied[0].why.find("retired") != std::string::npos);
}

TEST_CASE("storage: reopening a migrated database keeps its data") {
    test::temp_dir dir;
    const auto options = test::temp_db_options(dir);
    {
        sqlite_store db(options);
        storage::write_and_wait(db, [](storage::repository& repo) {
            storage::hub_record hub;
            hub.hub_id = 77;
            hub.hub_domain = "kept.example.com";
            repo.upsert_hub(hub);
        });
    }
    sqlite_store again(options);
    const auto hub = storage::read_value(again, [](storage::repository& repo) { return repo.find_hub(77); });
    REQUIRE(hub.has_value());
    CHECK(hub->hub_domain == "kept.example.com");
    connection conn(options.path, /*create=*/false);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM schema_migrations") ==
          static_cast<std::int64_t>(embedded_migrations().size()));
}

TEST_CASE("storage: a database migrated by a newer binary is refused, naming both versions") {
    test::temp_dir dir;
    const auto options = test::temp_db_options(dir);
    { sqlite_store db(options); }
    {
        connection conn(options.path, /*create=*/false);
        conn.exec("INSERT INTO schema_migrations (version, name, applied_at) "
                  "VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z')");
    }
    std::string message;
    try {
        sqlite_store db(options);
        FAIL("a newer schema was accepted");
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    CHECK(message.find("9999") != std::string::npos);
    CHECK(message.find(std::to_string(embedded_migrations().back().version)) != std::string::npos);

    connection conn(options.path, /*create=*/false);
    CHECK_THROWS_AS(migrate(conn), std::runtime_error);
    CHECK_THROWS_AS(storage::sqlite::migrate_file(options.path), std::runtime_error);
}

TEST_CASE("storage: the store refuses an unknown synchronous mode") {
    test::temp_dir dir;
    CHECK_THROWS_AS(sqlite_store(test::temp_db_options(dir, "SOMETIMES")), std::invalid_argument);
}

TEST_CASE("storage: migration 0006 repairs what deletes left behind and starts the id marks") {
    test::temp_dir dir;
    const auto path = test::temp_db_options(dir).path;
    {
        connection conn(path, /*create=*/true);
        conn.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        for (const auto& m : embedded_migrations()) {
            if (m.version > 5) break;
            conn.exec(m.sql);
            auto record = conn.prepare("INSERT INTO schema_migrations VALUES (?1, ?2, 'then')");
            record.bind(1, m.version).bind(2, m.name).run();
        }
        // Hub 3 and user 11 were deleted by a binary before 0006: hub 3's membership stayed, and
        // user 11's unused code kept install 100 (now user 10's) live.
        conn.exec(
            "INSERT INTO apps VALUES (1, 'a', 'c', x'00', '[]', 'oauth', '', 1800, 0);"
            "INSERT INTO hubs VALUES (1, 'one', 'na1', NULL), (2, 'two', 'na1', NULL);"
            "INSERT INTO users VALUES (10, 'ten@example.com');"
            "INSERT INTO user_hubs VALUES (10, 1), (10, 3), (11, 1);"
            "INSERT INTO installs VALUES (100, 1, 1, 10, 'oauth', 5, NULL), (101, 1, 2, 10, 'oauth', 5, NULL),"
            " (102, 1, 3, 10, 'oauth', 5, NULL);"
            "INSERT INTO authorization_codes VALUES (x'01', 100, 11, 'oauth', 'https://a/cb', NULL, 9999999999, NULL);");
        const auto applied = migrate(conn);
        REQUIRE_FALSE(applied.empty());
        CHECK(applied[0].version == 6);
        CHECK(count_rows(conn, "SELECT COUNT(*) FROM user_hubs") == 1);
        CHECK(count_rows(conn, "SELECT COUNT(*) FROM user_hubs WHERE user_id = 10 AND hub_id = 1") == 1);
        CHECK(count_rows(conn, "SELECT COUNT(*) FROM installs WHERE uninstalled_at IS NULL") == 1);
        CHECK(count_rows(conn, "SELECT install_id FROM installs WHERE uninstalled_at IS NULL") == 101);
        // The marks start at the largest ids stored (a row deleted before 0006 left no trace).
        CHECK(count_rows(conn, "SELECT high FROM id_high_water WHERE table_name = 'installs'") == 102);
        CHECK(count_rows(conn, "SELECT high FROM id_high_water WHERE table_name = 'hubs'") == 2);
        CHECK(count_rows(conn, "SELECT high FROM id_high_water WHERE table_name = 'users'") == 10);
        CHECK(count_rows(conn, "SELECT high FROM id_high_water WHERE table_name = 'apps'") == 1);
    }
    sqlite_store db(test::temp_db_options(dir));
    storage::write_and_wait(db, [](storage::repository& repo) {
        storage::install_record install{0, 1, 1, 10, {"oauth"}, 10, {}};
        CHECK(repo.create_install(install) == 103);
        return 0;
    });
}

TEST_CASE("storage: a migration that landed after a later-numbered one is still applied") {
    // A database made by a binary that had 0001-0005 and a later migration, but not 0006.
    test::temp_dir dir;
    connection conn(dir.file("m.db"), /*create=*/true);
    conn.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const auto& all = embedded_migrations();
    REQUIRE(all.back().version > 6);
    for (const auto& m : all) {
        if (m.version == 6) continue;
        conn.exec(m.sql);
        auto record = conn.prepare("INSERT INTO schema_migrations VALUES (?1, ?2, 'then')");
        record.bind(1, m.version).bind(2, m.name).run();
    }
    const auto applied = migrate(conn);
    REQUIRE(applied.size() == 1);
    CHECK(applied[0].version == 6);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM id_high_water") == 4);
    CHECK(migrate(conn).empty());
}
