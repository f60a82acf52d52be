#include "hsoauth/storage/sqlite/refresh_state_cache.hpp"

#include <sqlite3.h>

#include <cstring>

namespace hsoauth::storage::sqlite {

refresh_state_cache::refresh_state_cache(connection& db, std::size_t capacity) : db_(db), capacity_(capacity) {
    sqlite3* handle = db_.handle();
    sqlite3_update_hook(
        handle,
        [](void* self, int, const char*, const char* table, sqlite3_int64) { on_update(self, table); },
        this);
    sqlite3_commit_hook(handle, &on_commit, this);
    sqlite3_rollback_hook(handle, &on_rollback, this);
}

refresh_state_cache::~refresh_state_cache() {
    sqlite3* handle = db_.handle();
    sqlite3_update_hook(handle, nullptr, nullptr);
    sqlite3_commit_hook(handle, nullptr, nullptr);
    sqlite3_rollback_hook(handle, nullptr, nullptr);
}

std::optional<refresh_state> refresh_state_cache::find(std::int64_t refresh_id,
                                                       std::string_view token_digest) const {
    const auto it = kept_.find(refresh_id);
    if (it == kept_.end() || it->second.token_digest != token_digest) return std::nullopt;
    return it->second.state;
}

void refresh_state_cache::keep(std::string_view token_digest, const refresh_state& state) {
    if (changed_in_transaction_) return;
    if (const auto it = kept_.find(state.refresh_id); it != kept_.end()) {
        it->second.token_digest.assign(token_digest);
        it->second.state = state;
        return;
    }
    if (kept_.size() >= capacity_) {
        // Full: one state goes, whichever the table lists first (forgetting all at once would
        // stall the writer for the thousands of frees when every refresh is of a new token), and
        // its node and its digest's buffer take the new state: when refreshes are spread over
        // more tokens than are kept, keeping one allocates nothing (the scopes' text is shared
        // with the read's answer, and goes with the last of them).
        auto node = kept_.extract(kept_.begin());
        node.key() = state.refresh_id;
        node.mapped().token_digest.assign(token_digest);
        node.mapped().state = state;
        kept_.insert(std::move(node));
        return;
    }
    kept_.emplace(state.refresh_id, kept_state{std::string(token_digest), state});
}

void refresh_state_cache::changed() {
    kept_.clear();
    changed_in_transaction_ = true;
}

void refresh_state_cache::on_update(void* self, const char* table) {
    if (std::strcmp(table, "access_tokens") == 0) return;
    static_cast<refresh_state_cache*>(self)->changed();
}

int refresh_state_cache::on_commit(void* self) {
    // Should the COMMIT fail after this, SQLite rolls back and on_rollback forgets everything.
    static_cast<refresh_state_cache*>(self)->changed_in_transaction_ = false;
    return 0;  // 0: the commit goes on
}

void refresh_state_cache::on_rollback(void* self) {
    auto& cache = *static_cast<refresh_state_cache*>(self);
    cache.kept_.clear();
    cache.changed_in_transaction_ = false;
}

}  // namespace hsoauth::storage::sqlite
