#pragma once
// Digests of secrets. The database never sees a token, code or client secret: only
// HMAC-SHA256(pepper, value), so a copy of the database files yields nothing usable.
#include <array>
#include <string>
#include <string_view>

#include "hsoauth/crypto/hmac_sha256.hpp"

namespace hsoauth::crypto {

// A 32-byte digest stored as a std::string of raw bytes (it goes into SQLite as a BLOB).
using digest = std::string;

// A digest held in place, for lookups on the hot path: no allocation. Reads as the same 32 bytes
// a `digest` would hold.
struct inline_digest {
    std::array<char, hmac_sha256_size> bytes;
    operator std::string_view() const noexcept { return {bytes.data(), bytes.size()}; }
};

// Computes HMAC-SHA256 with a fixed key (the pepper). Thread-safe; the key never leaves it.
// Keyed once (hmac_sha256_key): a hash neither allocates (hash_inline) nor locks nor looks
// anything up in OpenSSL's provider tables. Throws std::invalid_argument for a pepper shorter
// than 32 bytes; the pepper's bytes are cleansed either way.
class secret_hasher {
public:
    explicit secret_hasher(std::string pepper);
    secret_hasher(const secret_hasher&) = delete;
    secret_hasher& operator=(const secret_hasher&) = delete;

    digest hash(std::string_view value) const;
    inline_digest hash_inline(std::string_view value) const noexcept;

private:
    hmac_sha256_key key_;
};

// SHA-256 of `data` (raw 32 bytes): for PKCE S256.
std::string sha256(std::string_view data);

// Constant-time equality for secrets (CRYPTO_memcmp); different lengths compare unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hsoauth::crypto
