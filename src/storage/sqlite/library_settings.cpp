#include "library_settings.hpp"

#include <sqlite3.h>

#include "hsoauth/storage/sqlite/pooled_memory.hpp"

namespace hsoauth::storage::sqlite {

namespace {

void configure() {
    // Memory statistics off: with them on (the default) every sqlite3_malloc and sqlite3_free
    // takes a process-wide mutex to keep the counters, which every reader and the writer then
    // contend on. Nothing here reads the counters (sqlite3_memory_used, sqlite3_status) or sets
    // a heap limit, which needs them.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#ifndef __SANITIZE_ADDRESS__
    // Blocks from per-thread free lists (pooled_memory.hpp). Not under AddressSanitizer, which
    // sees a block's misuse only when SQLite's blocks are malloc's own.
    install_pooled_memory();
#endif
}

}  // namespace

void apply_library_settings() {
    static const bool applied = (configure(), true);
    (void)applied;
}

}  // namespace hsoauth::storage::sqlite
