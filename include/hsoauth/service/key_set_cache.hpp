#pragma once
// Apps' registered public keys (their `jwks`), parsed once and kept, so that checking a client
// assertion does not rebuild OpenSSL keys on every request. An entry is keyed by the app and
// holds the JWKS text it was parsed from: an app whose keys changed is parsed again on its next
// lookup. Holds at most one entry per app that has keys (only registered apps reach it), and is
// emptied when it passes `capacity` entries (apps deleted since leave theirs behind).
//
// Threads: find() from any thread; guarded by mutex_ (held for a map lookup or an insert, never
// while parsing).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "hsoauth/crypto/jwk.hpp"
#include "hsoauth/storage/records.hpp"

namespace hsoauth::service {

class key_set_cache {
  public:
    explicit key_set_cache(std::size_t capacity = 10000) : capacity_(capacity) {}

    // The keys `app.jwks` holds; nullptr when it holds none or does not parse (the registry
    // refuses such documents, so only a database edited behind its back has one).
    std::shared_ptr<const crypto::key_set> find(const storage::app_record& app);

  private:
    struct entry {
        std::string jwks;
        std::shared_ptr<const crypto::key_set> keys;
    };

    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::int64_t, entry> by_app_;  // guarded by mutex_
};

}  // namespace hsoauth::service
