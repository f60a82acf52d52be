#pragma once
// The rows of the sandbox catalogue, which the root database keeps (one row per sandbox and per
// snapshot). A sandbox's own data lives in the store the engine opens for it (sandbox_storage.hpp).
#include <cstdint>
#include <string>

namespace hsoauth::storage {

struct sandbox_record {
    std::string sandbox_id;
    std::string name;
    std::string admin_key_digest;  // HMAC of the sandbox's own admin key; the key is never stored
    std::int64_t created_at = 0;   // server seconds (the root sandbox's clock)
    std::int64_t last_used_at = 0;
    std::int64_t ttl_seconds = 0;  // removed once idle this long; 0: never
};

struct snapshot_record {
    std::string snapshot_id;
    std::string sandbox_id;
    std::int64_t created_at = 0;
};

}  // namespace hsoauth::storage
