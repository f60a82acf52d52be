#pragma once
// Randomness and encodings for secrets. Every secret comes from OpenSSL's CSPRNG (RAND_bytes);
// failure to get randomness throws std::runtime_error rather than issuing a weak secret.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hsoauth::crypto {

// Where a sandbox's secrets come from: OpenSSL's CSPRNG (system_random) in normal runs, or a
// seeded deterministic stream (seeded_random) for reproducible runs. Thread-safe.
class random_source {
public:
    virtual ~random_source() = default;
    // Fills `out` with the next random bytes. Throws std::runtime_error rather than handing out
    // weak bytes.
    virtual void fill(std::span<char> out) = 0;
    // `count` bytes, drawn as `fill` draws them (the same stream, in the same order).
    std::string bytes(std::size_t count);
};

// OpenSSL's CSPRNG, as random_bytes: the source of every secret unless a run is deterministic.
random_source& system_random();

// A deterministic stream: block n is HMAC-SHA256(key = SHA-256(seed), n as 8 big-endian bytes),
// handed out in order under a lock. Two sources with the same seed hand out the same bytes in
// the same order, so a run that makes the same requests in the same order gets the same tokens.
// Anyone who knows the seed knows every "secret": for golden tests on loopback only, never for
// a server others reach.
std::unique_ptr<random_source> seeded_random(std::string_view seed);

// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(std::size_t count);

// Characters of base64url (unpadded) for `count` bytes.
constexpr std::size_t base64url_length(std::size_t count) { return (count * 4 + 2) / 3; }

// RFC 4648 §5 base64url without padding.
std::string base64url(std::string_view bytes);
// The same written at `out`, which has room for base64url_length(bytes.size()) characters.
void base64url_write(std::string_view bytes, char* out);
// The same appended to `out`: a caller that reserves room first builds a text with one allocation.
void base64url_append(std::string& out, std::string_view bytes);

// The value of a digit of the base64 alphabet whose last two digits are `digit62` and `digit63`
// (RFC 4648 §4: '+' and '/'; §5, base64url: '-' and '_'), or -1 for any other byte.
constexpr int base64_digit(char c, char digit62, char digit63) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == digit62) return 62;
    if (c == digit63) return 63;
    return -1;
}
constexpr int base64url_digit(char c) { return base64_digit(c, '-', '_'); }

// The bytes of a strict unpadded text in that alphabet, or nullopt. Strict: only its 64 digits
// (no '=' or whitespace), a length that is not 1 mod 4, and zero bits after the last byte, so
// that each byte string has exactly one text that decodes to it.
std::optional<std::string> base64_decode_unpadded(std::string_view text, char digit62, char digit63);
// base64url (RFC 7515 §2): the URL-safe alphabet.
inline std::optional<std::string> base64url_decode(std::string_view text) {
    return base64_decode_unpadded(text, '-', '_');
}

// Lowercase hexadecimal.
std::string hex(std::string_view bytes);

// A random RFC 4122 version-4 UUID, lowercase ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
// For correlation ids only: never a secret.
std::string uuid_v4();
// The same from `source`.
std::string uuid_v4(random_source& source);

}  // namespace hsoauth::crypto
