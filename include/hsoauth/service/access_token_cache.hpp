#pragma once
// Live access tokens' facts, signed, kept in memory between commits, so that asking about the same
// token again (an app looks up its token's hub before each API call) reads nothing and signs
// nothing.
//
// The rule: a remembered answer is served while the store has committed nothing since the read it
// came from began (store::commit_generation); the first commit of any kind, a revocation, an
// uninstall, a deleted hub or a seed, makes every remembered answer stale, and the next question
// reads again. Only live tokens are remembered, and only once the presented token matched its
// digest in that read: unknown, revoked and expired tokens are never kept, so that nobody can grow
// the cache with made-up tokens. Expiry is checked on every answer against the time asked (the
// sandbox clock may move). Changes written into the file by another process while the server
// runs reach remembered answers after a restart, as they do the app cache's.
//
// Admission: a token is kept the second time it is read within a while, not the first: each shard
// notes the ids it was last asked to remember in a direct-mapped table of 1,024 slots, and keeps a
// token only when its id is found there. A client asking about the same tokens again gets them
// from memory from its third question on; questions spread over more tokens than the table holds
// (a scan of a million tokens) copy nothing into the cache and evict nothing from it.
//
// Bounded: at most 16 × 1,024 tokens; a full shard is emptied. A hit shares the facts (a pointer
// copied under the shard's mutex, the strings not copied; the token compared in constant time);
// the presented token is kept with them, in memory only, as the app cache keeps a verified secret.
//
// Threads: every operation from any thread; each of the 16 shards has its own mutex.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

class access_token_cache {
  public:
    // `store` must outlive the cache.
    explicit access_token_cache(const storage::store& store);
    access_token_cache(const access_token_cache&) = delete;
    access_token_cache& operator=(const access_token_cache&) = delete;

    // The generation to hand remember(): read it before the read whose answer is remembered.
    std::uint64_t generation() const { return store_.commit_generation(); }

    // What a read of `token` at sandbox time `now` would answer, when it is remembered and nothing
    // has been committed since: the facts with expires_in set, or expired_token once `now` has
    // reached the expiry. nullopt: not remembered (read it).
    std::optional<oauth::result<oauth::access_token_info>> find(std::string_view token,
                                                                std::int64_t now) const;

    // Keeps `info`'s facts, a live token's (with its signed_access_token and its access_id) read
    // after `generation` was taken, when its id was noted before (see Admission); nothing when a
    // commit has happened since.
    void remember(std::uint64_t generation, const oauth::access_token_info& info);

    static constexpr std::size_t shard_count = 16;
    static constexpr std::size_t shard_capacity = 1024;
    static constexpr std::size_t admission_slots = 1024;  // per shard

  private:
    struct entry {
        std::int64_t access_id = 0;  // 0: the slot is free
        std::uint64_t generation = 0;
        std::shared_ptr<const oauth::access_token_facts> facts;  // null only in a free slot
    };
    // The kept tokens of one shard: open addressing with linear probing, by access_id /
    // shard_count (a shard's ids are shard_count apart, so consecutive ones take consecutive
    // slots, and a lookup mostly reads one slot: no bucket list, no node, no division). Made at
    // the shard's first kept token, doubled while more than half full, up to twice
    // shard_capacity slots; a full shard is emptied whole, so no slot is ever freed alone.
    struct shard {
        mutable std::mutex mutex;
        std::unique_ptr<entry[]> table;  // guarded by mutex; null until a token is kept
        std::size_t table_size = 0;      // a power of two; guarded by mutex
        std::size_t kept = 0;            // guarded by mutex
        // Guarded by mutex; 0: free. Made at the shard's first remember(): an idle sandbox's
        // cache holds no table (16 of them would be 128 KB).
        std::unique_ptr<std::array<std::int64_t, admission_slots>> noted;
    };
    // The slot of `access_id` in `s`'s table, or the free slot where it would go. The table
    // must exist and hold a free slot.
    static entry& slot_of(const shard& s, std::int64_t access_id);
    static void grow(shard& s);

    shard& shard_of(std::int64_t access_id) const {
        return shards_[static_cast<std::size_t>(access_id) % shard_count];
    }

    const storage::store& store_;
    mutable std::array<shard, shard_count> shards_;
};

}  // namespace hsoauth::service
