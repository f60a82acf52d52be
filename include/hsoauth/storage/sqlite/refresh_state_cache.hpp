#pragma once
// The refresh states the writer has read, kept so that the next refresh of the same token skips
// its lookup (a join of two rows and ten columns: about 8,500 of the writer's 21,000 instructions
// per refresh under callgrind). Kept on the connection that is the database's only writer, and
// correct there because it watches every change that connection makes:
// - A row changed in any table but access_tokens (which no refresh state reads) forgets every
//   state, and no state is kept again until the transaction ends: a state read after such a
//   change could be undone by a ROLLBACK TO, which SQLite reports to no hook. A state kept
//   before it is the state as of BEGIN, true again after any rollback.
// - A transaction rolled back (ROLLBACK, or SQLite's own on an error) forgets every state.
// - Changes SQLite reports to no hook must be told with changed(): a DELETE without WHERE (the
//   truncate optimization) is one.
// At most `capacity` states: keeping one more forgets one of the others first, and reuses its
// memory (no allocation once full).
// Not thread-safe: the writer thread only. Installs the connection's update, commit and rollback
// hooks, which nothing else may set while this lives.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/sqlite/connection.hpp"

namespace hsoauth::storage::sqlite {

class refresh_state_cache {
public:
    refresh_state_cache(connection& db, std::size_t capacity);
    ~refresh_state_cache();
    refresh_state_cache(const refresh_state_cache&) = delete;
    refresh_state_cache& operator=(const refresh_state_cache&) = delete;

    // The state kept for `refresh_id` read with `token_digest`; nullopt when none is kept (a
    // different digest included: the caller reads the row).
    std::optional<refresh_state> find(std::int64_t refresh_id, std::string_view token_digest) const;
    // Keeps `state`, just read with `token_digest`, unless this transaction changed a row that a
    // state reads.
    void keep(std::string_view token_digest, const refresh_state& state);
    // Forgets every state, as a row change reported by SQLite's update hook would.
    void changed();

    std::size_t size() const { return kept_.size(); }

private:
    struct kept_state {
        std::string token_digest;
        refresh_state state;
    };

    static void on_update(void* self, const char* table);
    static int on_commit(void* self);
    static void on_rollback(void* self);

    connection& db_;
    const std::size_t capacity_;
    std::unordered_map<std::int64_t, kept_state> kept_;
    bool changed_in_transaction_ = false;
};

}  // namespace hsoauth::storage::sqlite
