#pragma once
// A thin RAII layer over sqlite3: connections, prepared statements, and one exception type for
// infrastructure failures. Included only by storage/.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hsoauth::storage {

// Thrown when SQLite fails. `unavailable()` is true for the faults that pass (disk full, I/O
// error, read-only database, busy): the HTTP layer answers those with 503, the rest with 500.
class storage_error : public std::runtime_error {
public:
    storage_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const { return code_; }
    bool unavailable() const;

private:
    int code_;
};

class statement;

class connection {
public:
    // Opens (creating when `create`) the database at `path`; ":memory:" works for tests.
    connection(const std::string& path, bool create, bool read_only = false);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs one or more statements without results; throws storage_error.
    void exec(std::string_view sql);
    statement prepare(std::string_view sql);
    std::int64_t changes() const;
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
};

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

}  // namespace hsoauth::storage
