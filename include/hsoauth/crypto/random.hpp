#pragma once
// Randomness and encodings for secrets. Every secret comes from OpenSSL's CSPRNG (RAND_bytes);
// failure to get randomness throws std::runtime_error rather than issuing a weak secret.
#include <cstddef>
#include <string>
#include <string_view>

namespace hsoauth::crypto {

// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(std::size_t count);

// RFC 4648 §5 base64url without padding.
std::string base64url(std::string_view bytes);

// Lowercase hexadecimal.
std::string hex(std::string_view bytes);

// A random RFC 4122 version-4 UUID, lowercase ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
// For correlation ids only: never a secret.
std::string uuid_v4();

}  // namespace hsoauth::crypto
