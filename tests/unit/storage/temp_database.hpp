#pragma once
// Test support shared by the unit tests: a private temporary directory (mkdtemp, removed with
// everything in it when the test ends) and a real SQLite store over a file inside it.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "hsoauth/oauth/result.hpp"
#include "hsoauth/storage/repository.hpp"
#include "hsoauth/storage/sqlite/sqlite_store.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::test {

// A pepper long enough for crypto::secret_hasher (>= 32 bytes).
inline const std::string test_pepper = "unit-test-pepper-0123456789abcdef0123456789";

// A fresh directory under the system temp directory; removed recursively on destruction.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "hsoauth-unit-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline storage::sqlite::store_options temp_db_options(const temp_dir& dir, std::string synchronous = "NORMAL") {
    storage::sqlite::store_options options;
    options.path = dir.file("test.db");
    options.synchronous = std::move(synchronous);
    return options;
}

// A migrated store in its own temporary directory. The directory outlives the store.
struct temp_database {
    explicit temp_database(std::string synchronous = "NORMAL")
        : db(temp_db_options(dir, std::move(synchronous))) {}
    temp_dir dir;
    storage::sqlite::sqlite_store db;
};

// A hub record with `id` and a domain made from it.
inline storage::hub_record hub_with_id(std::int64_t id) {
    storage::hub_record hub;
    hub.hub_id = id;
    hub.hub_domain = "hub" + std::to_string(id) + ".example.com";
    return hub;
}

// "ok", or the error's code and message: for REQUIRE_MESSAGE on a result.
template <class T>
std::string why(const oauth::result<T>& r) {
    if (r.ok()) return "ok";
    return "errc " + std::to_string(static_cast<int>(r.err().code)) + ": " + r.err().detail +
           " [field " + r.err().field + "]";
}

}  // namespace hsoauth::test
