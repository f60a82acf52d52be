#include "hsoauth/storage/sqlite/connection.hpp"

#include <sqlite3.h>

#include <utility>

#include "library_settings.hpp"

namespace hsoauth::storage::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view context) {
    std::string message(context);
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    throw_error(code, message);
}

}  // namespace

bool is_unavailable(int code) {
    switch (code & 0xff) {
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_READONLY:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return true;
        default:
            return false;
    }
}

void throw_error(int code, const std::string& what) { throw storage_error(code, what, is_unavailable(code)); }

connection::connection(const std::string& path, bool create, bool read_only) {
    apply_library_settings();
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = std::string("cannot open database ") + path + ": " +
                                    (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        db_ = nullptr;
        throw_error(rc, message);
    }
    sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() { sqlite3_close_v2(db_); }

void connection::exec(std::string_view sql) {
    const std::string owned(sql);
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        const std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw_error(rc, "sql failed: " + message);
    }
}

statement connection::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare failed");
    return statement(db_, stmt);
}

std::int64_t connection::changes() const { return sqlite3_changes64(db_); }

std::int64_t connection::total_changes() const { return sqlite3_total_changes64(db_); }

bool connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::string connection::wal_file_name() const {
    // sqlite3_filename_wal takes only a name that SQLite itself handed out.
    const char* file = sqlite3_db_filename(db_, "main");
    if (file == nullptr || *file == '\0') return {};
    return sqlite3_filename_wal(file);
}

namespace {

void configure_common(connection& conn) {
    sqlite3_busy_timeout(conn.handle(), 5000);
    conn.exec("PRAGMA foreign_keys = OFF");
    conn.exec("PRAGMA cache_size = -8192");
}

}  // namespace

void configure_reader(connection& conn) {
    configure_common(conn);
    conn.exec("PRAGMA mmap_size = 0");
}

void configure_writer(connection& conn, std::string_view synchronous) {
    configure_common(conn);
    conn.exec("PRAGMA mmap_size = 67108864");
    conn.exec("PRAGMA journal_mode = WAL");
    conn.exec("PRAGMA synchronous = " + std::string(synchronous));
    conn.exec("PRAGMA temp_store = MEMORY");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement::statement(statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    return *this;
}

statement& statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
    if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
    const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    return *this;
}

statement& statement::bind_blob_in_place(int index, std::string_view bytes) {
    const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    return *this;
}

statement& statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    return *this;
}

statement& statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "step failed");
}

void statement::run() {
    while (step()) {
    }
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string statement::blob(int column) const {
    const void* p = sqlite3_column_blob(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

bool statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace hsoauth::storage::sqlite
