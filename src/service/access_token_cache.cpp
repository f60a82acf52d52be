#include "hsoauth/service/access_token_cache.hpp"

#include <utility>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/oauth/token_format.hpp"

namespace hsoauth::service {

access_token_cache::access_token_cache(const storage::store& store) : store_(store) {}

std::optional<oauth::result<oauth::access_token_info>> access_token_cache::find(
    std::string_view token, std::int64_t now) const {
    const auto access_id = oauth::access_token_id(token);
    if (!access_id) return std::nullopt;
    // Loaded before the lookup: an entry of this generation was read after every commit so far.
    const std::uint64_t current = generation();
    std::shared_ptr<const oauth::access_token_facts> facts;
    {
        shard& s = shard_of(*access_id);
        std::lock_guard lock(s.mutex);
        const auto it = s.by_access_id.find(*access_id);
        if (it == s.by_access_id.end() || it->second.generation != current) return std::nullopt;
        facts = it->second.facts;
    }
    if (!crypto::constant_time_equal(facts->token, token)) return std::nullopt;
    if (auto expired = oauth::expiry_error(facts->expires_at, now)) return std::move(*expired);
    return oauth::access_answer(std::move(facts), now);
}

void access_token_cache::remember(std::uint64_t generation, const oauth::access_token_info& info) {
    const std::int64_t access_id = info->access_id;
    if (access_id == 0 || generation != this->generation()) return;
    shard& s = shard_of(access_id);
    std::lock_guard lock(s.mutex);
    // Ids in one shard differ by multiples of shard_count: divided by it, consecutive ids take
    // consecutive slots.
    if (!s.noted) s.noted = std::make_unique<std::array<std::int64_t, admission_slots>>();
    std::int64_t& noted =
        (*s.noted)[static_cast<std::size_t>(access_id) / shard_count % admission_slots];
    if (noted != access_id) {
        noted = access_id;
        return;
    }
    if (s.by_access_id.size() >= shard_capacity) s.by_access_id.clear();
    entry& kept = s.by_access_id[access_id];
    kept.generation = generation;
    kept.facts = info.facts;
}

}  // namespace hsoauth::service
