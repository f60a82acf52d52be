#pragma once
// The SQLite engine's schema migrations, embedded into the binary at build time from
// migrations/NNNN_name.sql (scripts/cmake/EmbedMigrations.cmake), and the runner that applies them.
// Each migration's first line is a "-- Why: ..." comment saying why it exists.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hsoauth::storage::sqlite {

class connection;

struct migration {
    std::int64_t version;   // NNNN from the file name
    std::string_view name;  // the file name
    std::string_view sql;
};

// Every migration shipped with this binary, in ascending version order.
const std::vector<migration>& embedded_migrations();

// The first sentence of `sql`'s "-- Why:" comment: its first line (from the first line that
// starts with "-- Why:", without that prefix) and the comment lines right after it, joined with
// spaces, up to the first ". "; empty when there is none.
std::string why_of(std::string_view sql);

// A migration that migrate() applied.
struct applied_migration {
    std::int64_t version = 0;
    std::string name;
    std::string why;  // why_of its SQL
};

// Applies, in order and each in its own transaction, the migrations not yet recorded in the
// database's schema_migrations table, and returns them in the order applied (empty when the
// database was up to date). A database that had no migration yet is vacuumed afterwards, so that
// it starts without the free pages of the tables that migrations rebuilt (a new database is as
// small as its schema). Throws std::runtime_error, naming both versions, when the database
// was migrated by a newer binary; storage_error when SQLite fails (the failing migration is
// rolled back, those before it stay applied).
std::vector<applied_migration> migrate(connection& db);

// Opens (creating it when missing) the database file at `path` and migrates it.
// For `hsoauth migrate`; a store migrates its database itself when it opens it.
std::vector<applied_migration> migrate_file(const std::string& path);

}  // namespace hsoauth::storage::sqlite
