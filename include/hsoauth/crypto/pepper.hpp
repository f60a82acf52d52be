#pragma once
// Where the HMAC key for stored digests comes from: never the database itself.
#include <string>

#include "hsoauth/crypto/random.hpp"

namespace hsoauth::crypto {

// Reads the pepper from `path`, or creates that file (mode 0600, 32 random bytes, hex-encoded)
// when it does not exist. Throws std::runtime_error when the file cannot be read or created, or
// when it is readable by group or others. A new file's bytes come from `source` (a reproducible
// run's seeded stream, so that what the pepper signs is reproducible too), else from the CSPRNG.
std::string load_or_create_pepper(const std::string& path, random_source* source = nullptr);

}  // namespace hsoauth::crypto
