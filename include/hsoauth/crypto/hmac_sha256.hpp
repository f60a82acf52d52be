#pragma once
// HMAC-SHA256 (RFC 2104) with the key absorbed once.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace hsoauth::crypto {

inline constexpr std::size_t hmac_sha256_size = 32;

// One HMAC-SHA256 key, keyed at construction: it keeps the two SHA-256 states left after
// absorbing key XOR ipad and key XOR opad, and each MAC copies them, absorbs the message and
// finishes. Any key length works (a key longer than the 64-byte block is hashed first).
// The key is cleansed from every buffer it passed through, and the kept states (which stand for
// the key) are cleansed on destruction. Thread-safe: `mac` only reads the kept states and works
// on its own stack copies; it neither allocates nor locks nor enters OpenSSL's provider layer.
// Throws std::bad_alloc from the constructor only.
class hmac_sha256_key {
public:
    explicit hmac_sha256_key(std::string_view key);
    ~hmac_sha256_key();
    hmac_sha256_key(const hmac_sha256_key&) = delete;
    hmac_sha256_key& operator=(const hmac_sha256_key&) = delete;

    // Writes HMAC-SHA256(key, message) into `out`.
    void mac(std::string_view message, std::span<char, hmac_sha256_size> out) const noexcept;

private:
    struct keyed_states;
    std::unique_ptr<keyed_states> states_;
};

// HMAC-SHA256(key, message) as 32 raw bytes, for any key length: a one-off hmac_sha256_key.
std::string hmac_sha256(std::string_view key, std::string_view message);

}  // namespace hsoauth::crypto
