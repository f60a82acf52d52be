#include "hsoauth/storage/migrations.hpp"

#include <stdexcept>
#include <string>

#include "hsoauth/storage/sqlite.hpp"

namespace hsoauth::storage {

int migrate(connection& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const auto& all = embedded_migrations();
    const std::int64_t newest_known = all.empty() ? 0 : all.back().version;
    std::int64_t current = 0;
    {
        auto s = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        s.step();
        current = s.int64(0);
    }
    if (current > newest_known) {
        throw std::runtime_error("the database is at schema version " + std::to_string(current) +
                                 " but this hsoauth only knows up to version " +
                                 std::to_string(newest_known) + "; use a newer hsoauth");
    }
    int applied = 0;
    for (const auto& m : all) {
        if (m.version <= current) continue;
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(m.sql);
            auto record = db.prepare(
                "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
            record.bind(1, m.version).bind(2, m.name).run();
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
        ++applied;
    }
    return applied;
}

}  // namespace hsoauth::storage
