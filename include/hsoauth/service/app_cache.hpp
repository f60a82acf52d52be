#pragma once
// Apps by client_id, kept in memory so that a token request reads nothing before its write.
//
// An app is served from memory while no write that changed apps has completed since it was read:
// every write that can change an app (upsert or delete) calls invalidate() once it completed,
// durable or failed, and before it is acknowledged, so that the next lookup reads the app as it
// is. Apps changed behind the store's back (an offline `hsoauth seed` into the file of a running
// server) are seen after invalidate() or a restart.
//
// The cache also keeps, per cached app, the client secret last verified against the app's digest
// (in memory only, never written anywhere), so that a client presenting the same secret again is
// authenticated by a constant-time comparison instead of an HMAC; it goes with the app when the
// app changes.
//
// Threads: every operation from any thread. Guarded by mutex_: the map (apps and verified
// secrets) and the version it was filled at; version_ is atomic. find() reads through the store
// without holding mutex_.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hsoauth/storage/records.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

class app_cache {
  public:
    // `apps` must outlive the cache.
    explicit app_cache(storage::store& apps);
    app_cache(const app_cache&) = delete;
    app_cache& operator=(const app_cache&) = delete;

    // The app with `client_id` (nullptr: none), from memory or read through the store. Unknown
    // client_ids are not remembered: they cannot grow the cache. Throws what store::read throws.
    std::shared_ptr<const storage::app_record> find(std::string_view client_id);

    // find(), and whether `secret` is, byte for byte (compared in constant time), the secret
    // remembered for the app found (false once the app changed). Throws what find() throws.
    struct app_and_secret {
        std::shared_ptr<const storage::app_record> app;  // nullptr: no app has `client_id`
        bool secret_known = false;
    };
    app_and_secret find_with_secret(std::string_view client_id, std::string_view secret);

    // Forgets every app: the next find() of each reads it again.
    void invalidate();

    // Remembers `secret`, just verified against `app`'s digest, in place of the one before; no
    // effect when `app` is no longer the cached one. One secret per app: memory stays bounded.
    void remember_secret(const storage::app_record& app, std::string_view secret);

  private:
    // Looked up by string_view without building a std::string.
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };

    struct entry {
        std::shared_ptr<const storage::app_record> app;
        std::string verified_secret;  // "" until a secret is verified
    };
    // Whether `secret` is the one verified for `known` (compared in constant time).
    static bool holds_secret(const entry& known, std::string_view secret);
    // The entry of `app` while it is the current one (mutex_ held), or nullptr.
    entry* current_entry(const storage::app_record& app);
    // The cached entry of `client_id` (mutex_ held), after emptying the map when it was filled at
    // another version than `version`; nullptr when not cached.
    const entry* cached_entry(std::string_view client_id, std::uint64_t version);
    // The app read through the store (mutex_ not held), kept when `version` is still current.
    std::shared_ptr<const storage::app_record> read_through(std::string_view client_id,
                                                            std::uint64_t version);

    storage::store& store_;
    std::atomic<std::uint64_t> version_{0};  // bumped by invalidate()
    std::mutex mutex_;
    std::uint64_t cached_version_ = 0;  // guarded by mutex_: the version apps_ holds
    std::unordered_map<std::string, entry, string_hash, std::equal_to<>> apps_;  // guarded by mutex_
};

}  // namespace hsoauth::service
