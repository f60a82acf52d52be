#pragma once
// Schema migrations, embedded into the binary at build time from migrations/NNNN_name.sql.
#include <cstdint>
#include <string_view>
#include <vector>

namespace hsoauth::storage {

class connection;

struct migration {
    std::int64_t version;   // NNNN from the file name
    std::string_view name;  // the file name
    std::string_view sql;
};

// Every migration shipped with this binary, in ascending version order.
const std::vector<migration>& embedded_migrations();

// Applies, in order and each in its own transaction, the migrations not yet recorded in the
// database's schema_migrations table. Idempotent. Returns how many it applied. Throws
// std::runtime_error, naming both versions, when the database was migrated by a newer binary.
int migrate(connection& db);

}  // namespace hsoauth::storage
