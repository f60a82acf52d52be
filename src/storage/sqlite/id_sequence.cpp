#include "hsoauth/storage/sqlite/id_sequence.hpp"

#include "hsoauth/storage/sqlite/connection.hpp"

namespace hsoauth::storage::sqlite {

void id_sequence::start(connection& db, std::string_view next_id_sql) {
    std::call_once(started_, [&] {
        auto s = db.prepare(next_id_sql);
        s.step();
        next_.store(s.int64(0), std::memory_order_relaxed);
    });
}

}  // namespace hsoauth::storage::sqlite
