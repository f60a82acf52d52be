#pragma once
// Digests of secrets. The database never sees a token, code or client secret: only
// HMAC-SHA256(pepper, value), so a copy of the database files yields nothing usable.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hsoauth::crypto {

// A 32-byte digest stored as a std::string of raw bytes (it goes into SQLite as a BLOB).
using digest = std::string;

// Computes HMAC-SHA256 with a fixed key (the pepper). Thread-safe; the key never leaves it.
// The MAC is fetched and keyed once; each thread works on its own copy of the keyed context (a
// thread keeps copies for up to four hashers at once), so the hot path neither locks nor looks
// anything up in OpenSSL's provider tables.
class secret_hasher {
public:
    explicit secret_hasher(std::string pepper);
    ~secret_hasher();
    secret_hasher(const secret_hasher&) = delete;
    secret_hasher& operator=(const secret_hasher&) = delete;

    digest hash(std::string_view value) const;

private:
    struct keyed_context;
    std::uint64_t id_;                        // tells this hasher's per-thread copies from others'
    std::unique_ptr<keyed_context> keyed_;    // the keyed prototype the threads copy
};

// SHA-256 of `data` (raw 32 bytes): for PKCE S256.
std::string sha256(std::string_view data);

// Constant-time equality for secrets (CRYPTO_memcmp); different lengths compare unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hsoauth::crypto
