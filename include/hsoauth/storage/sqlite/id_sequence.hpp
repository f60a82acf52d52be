#pragma once
// Row ids for new tokens, which carry their row id (oauth/token_format.hpp): on first use, one
// larger than every id in the table; never the same id twice (ids of rolled-back writes are not
// reused, and nothing but this sequence inserts ids into the table while the store is open).
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace hsoauth::storage::sqlite {

class connection;

// Thread-safe: start() runs its query once whichever thread calls it first; next() is one atomic
// increment, so that network threads can take access ids ahead of a write.
class id_sequence {
public:
    // Runs `next_id_sql` (the largest id in the table + 1) through `db`, once; later calls return
    // at once. Throws storage_error (and then runs again at the next call).
    void start(connection& db, std::string_view next_id_sql);
    // The next id; start() must have returned before.
    std::int64_t next() { return next_.fetch_add(1, std::memory_order_relaxed); }

private:
    std::once_flag started_;
    std::atomic<std::int64_t> next_{0};
};

}  // namespace hsoauth::storage::sqlite
