#pragma once
// A thin RAII layer over sqlite3: connections and prepared statements. Every failure throws
// storage::storage_error, with unavailable() decided here from SQLite's result code, so that no
// SQLite code travels above storage/. Included only under src/storage/ and by the engine's tests.
// None of these classes is thread-safe: a connection and its statements are used by one thread
// at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hsoauth/storage/errors.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace hsoauth::storage::sqlite {

// Whether a failure with SQLite result `code` (primary or extended) passes by itself: disk full,
// I/O error, read-only database, busy or locked, cannot open, no permission.
bool is_unavailable(int code);

// Throws storage_error(code, what, is_unavailable(code)).
[[noreturn]] void throw_error(int code, const std::string& what);

class statement;

class connection {
public:
    // Opens (creating when `create`) the database at `path`; ":memory:" works for tests.
    // Extended result codes are on. Throws storage_error.
    connection(const std::string& path, bool create, bool read_only = false);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs one or more statements without results; throws storage_error.
    void exec(std::string_view sql);
    statement prepare(std::string_view sql);
    std::int64_t changes() const;
    // Rows inserted, updated or deleted by this connection's statements since it opened.
    std::int64_t total_changes() const;
    // Whether a transaction is open (SQLite may roll one back by itself after disk full or an
    // I/O error).
    bool in_transaction() const;
    // The file name of the main database's WAL; empty for an in-memory database.
    std::string wal_file_name() const;
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
};

// The PRAGMAs of each role. Every connection: a 5 s busy timeout (for the short moments a
// checkpoint or another process holds a lock), foreign keys off, an 8 MiB page cache.
// A reader (and the checkpointer) maps no memory: SQLite drops a reader's map at its first read
// after every commit, a TLB shootdown on every core, where re-reading its few pages is cheaper.
void configure_reader(connection& conn);
// The writer maps 64 MiB of the file, turns on WAL mode and sets `synchronous` (OFF, NORMAL, FULL
// or EXTRA, as SQLite's PRAGMA takes it) and temp_store MEMORY.
void configure_writer(connection& conn, std::string_view synchronous);

// A prepared statement. Bind parameters are 1-based. Reused with reset() after each use.
class statement {
public:
    statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~statement();
    statement(statement&& other) noexcept;
    statement& operator=(statement&& other) noexcept;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view text);
    statement& bind_blob(int index, std::string_view bytes);
    // Binds `bytes` where they are, without SQLite's copy (and its allocation): they must stay
    // valid and unchanged until the statement is reset (the end of its statement_scope).
    statement& bind_blob_in_place(int index, std::string_view bytes);
    statement& bind_null(int index);
    statement& bind(int index, const std::optional<std::int64_t>& value);

    // Advances; true when a row is available, false when done. Throws storage_error.
    bool step();
    // Steps to completion, for statements without rows.
    void run();
    // Clears bindings and resets, so the statement can run again.
    void reset();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    std::string blob(int column) const;
    bool is_null(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

// Resets a statement when leaving scope, so a cached statement never holds a read transaction.
class statement_scope {
public:
    explicit statement_scope(statement& s) : s_(s) {}
    ~statement_scope() { s_.reset(); }
    statement_scope(const statement_scope&) = delete;
    statement_scope& operator=(const statement_scope&) = delete;
    statement& operator*() { return s_; }
    statement* operator->() { return &s_; }

private:
    statement& s_;
};

}  // namespace hsoauth::storage::sqlite
