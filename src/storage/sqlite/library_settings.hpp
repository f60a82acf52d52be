#pragma once
// Process-wide SQLite settings, applied once before the first connection opens. Private to
// src/storage/sqlite/.

namespace hsoauth::storage::sqlite {

// Applies the settings the first time it is called (thread-safe; later calls return at once).
// Called by every connection before sqlite3_open_v2. A setting SQLite refuses because the library
// was already initialised by someone else is left at its default: they only save work.
void apply_library_settings();

}  // namespace hsoauth::storage::sqlite
