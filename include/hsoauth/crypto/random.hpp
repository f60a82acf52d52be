#pragma once
// Randomness and encodings for secrets. Every secret comes from OpenSSL's CSPRNG (RAND_bytes);
// failure to get randomness throws std::runtime_error rather than issuing a weak secret.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hsoauth::crypto {

// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(std::size_t count);

// RFC 4648 §5 base64url without padding.
std::string base64url(std::string_view bytes);

// The bytes of a strict unpadded base64url text (RFC 7515 §2), or nullopt. Strict: only the 64
// URL-safe characters (no '=', '+', '/' or whitespace), a length that is not 1 mod 4, and zero
// bits after the last byte, so that each byte string has exactly one text that decodes to it.
std::optional<std::string> base64url_decode(std::string_view text);

// Lowercase hexadecimal.
std::string hex(std::string_view bytes);

// A random RFC 4122 version-4 UUID, lowercase ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
// For correlation ids only: never a secret.
std::string uuid_v4();

}  // namespace hsoauth::crypto
