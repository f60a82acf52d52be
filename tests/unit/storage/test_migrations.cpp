// Schema migrations: idempotent, recorded, and refused when the database is newer than the binary.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "hsoauth/storage/migrations.hpp"
#include "hsoauth/storage/sqlite.hpp"
#include "temp_database.hpp"

using namespace hsoauth;

namespace {

std::int64_t count_rows(storage::connection& conn, std::string_view sql) {
    auto s = conn.prepare(sql);
    REQUIRE(s.step());
    return s.int64(0);
}

}  // namespace

TEST_CASE("storage: the embedded migrations are in ascending version order") {
    const auto& all = storage::embedded_migrations();
    REQUIRE_FALSE(all.empty());
    CHECK(all.front().version == 1);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].version < all[i].version);
    for (const auto& m : all) {
        CHECK_FALSE(m.name.empty());
        CHECK_FALSE(m.sql.empty());
    }
}

TEST_CASE("storage: migrate applies every migration once and is idempotent") {
    test::temp_dir dir;
    storage::connection conn(dir.file("m.db"), /*create=*/true);
    const auto known = static_cast<int>(storage::embedded_migrations().size());
    CHECK(storage::migrate(conn) == known);
    CHECK(storage::migrate(conn) == 0);
    CHECK(storage::migrate(conn) == 0);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM schema_migrations") == known);
    CHECK(count_rows(conn, "SELECT MAX(version) FROM schema_migrations") ==
          storage::embedded_migrations().back().version);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'apps'") == 1);
}

TEST_CASE("storage: reopening a migrated database keeps its data") {
    test::temp_dir dir;
    const auto options = test::temp_db_options(dir);
    {
        storage::database db(options);
        db.write_and_wait([](storage::repository& repo) {
            storage::hub_record hub;
            hub.hub_id = 77;
            hub.hub_domain = "kept.example.com";
            repo.upsert_hub(hub);
        });
    }
    storage::database again(options);
    const auto hub = again.read([](storage::repository& repo) { return repo.find_hub(77); });
    REQUIRE(hub.has_value());
    CHECK(hub->hub_domain == "kept.example.com");
    storage::connection conn(options.path, /*create=*/false);
    CHECK(count_rows(conn, "SELECT COUNT(*) FROM schema_migrations") ==
          static_cast<std::int64_t>(storage::embedded_migrations().size()));
}

TEST_CASE("storage: a database migrated by a newer binary is refused, naming both versions") {
    test::temp_dir dir;
    const auto options = test::temp_db_options(dir);
    { storage::database db(options); }
    {
        storage::connection conn(options.path, /*create=*/false);
        conn.exec("INSERT INTO schema_migrations (version, name, applied_at) "
                  "VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z')");
    }
    std::string message;
    try {
        storage::database db(options);
        FAIL("a newer schema was accepted");
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    CHECK(message.find("9999") != std::string::npos);
    CHECK(message.find(std::to_string(storage::embedded_migrations().back().version)) != std::string::npos);

    storage::connection conn(options.path, /*create=*/false);
    CHECK_THROWS_AS(storage::migrate(conn), std::runtime_error);
}

TEST_CASE("storage: database refuses an unknown synchronous mode") {
    test::temp_dir dir;
    CHECK_THROWS(storage::database(test::temp_db_options(dir, "SOMETIMES")));
}
