#include "hsoauth/storage/sqlite/migrations.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "hsoauth/storage/sqlite/connection.hpp"

namespace hsoauth::storage::sqlite {
namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

}  // namespace

std::string why_of(std::string_view sql) {
    constexpr std::string_view prefix = "-- Why:";
    constexpr std::string_view comment = "--";
    std::string why;
    bool in_paragraph = false;
    while (!sql.empty()) {
        const auto end = sql.find('\n');
        const std::string_view line = sql.substr(0, end);
        if (!in_paragraph && line.substr(0, prefix.size()) == prefix) {
            why = trimmed(line.substr(prefix.size()));
            in_paragraph = true;
        } else if (in_paragraph) {
            const auto text = line.substr(0, comment.size()) == comment ? trimmed(line.substr(comment.size()))
                                                                         : std::string_view{};
            if (text.empty()) break;  // the paragraph ends at a blank or non-comment line
            why += ' ';
            why += text;
        }
        if (end == std::string_view::npos) break;
        sql.remove_prefix(end + 1);
    }
    if (const auto stop = why.find(". "); stop != std::string::npos) why.resize(stop + 1);
    return why;
}

std::vector<applied_migration> migrate(connection& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const auto& all = embedded_migrations();
    const std::int64_t newest_known = all.empty() ? 0 : all.back().version;
    // Versions are applied by what is missing, not by the largest applied: migrations are
    // numbered when their work starts and may land out of order (0009 before 0006), and a
    // database that already has a later one must still get the earlier ones.
    std::int64_t current = 0;
    std::set<std::int64_t> present;
    {
        auto s = db.prepare("SELECT version FROM schema_migrations");
        while (s.step()) {
            present.insert(s.int64(0));
            current = std::max(current, s.int64(0));
        }
    }
    if (current > newest_known) {
        throw std::runtime_error("the database is at schema version " + std::to_string(current) +
                                 " but this hsoauth only knows up to version " +
                                 std::to_string(newest_known) + "; use a newer hsoauth");
    }
    std::vector<applied_migration> applied;
    for (const auto& m : all) {
        if (present.count(m.version) > 0) continue;
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(m.sql);
            auto record = db.prepare(
                "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
            record.bind(1, m.version).bind(2, m.name).run();
            db.exec("COMMIT");
        } catch (...) {
            if (db.in_transaction()) db.exec("ROLLBACK");
            throw;
        }
        applied.push_back({m.version, std::string(m.name), why_of(m.sql)});
    }
    // A new database replayed every migration: the tables they rebuilt left free pages behind.
    if (current == 0 && !applied.empty()) db.exec("VACUUM");
    return applied;
}

std::vector<applied_migration> migrate_file(const std::string& path) {
    connection conn(path, /*create=*/true);
    configure_reader(conn);  // a busy timeout, should a server have the file open
    return migrate(conn);
}

}  // namespace hsoauth::storage::sqlite
