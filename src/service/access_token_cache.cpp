#include "hsoauth/service/access_token_cache.hpp"

#include <utility>

#include "hsoauth/crypto/digest.hpp"
#include "hsoauth/oauth/token_format.hpp"

namespace hsoauth::service {

access_token_cache::access_token_cache(const storage::store& store) : store_(store) {}

access_token_cache::entry& access_token_cache::slot_of(const shard& s, std::int64_t access_id) {
    const std::size_t mask = s.table_size - 1;
    std::size_t at = static_cast<std::size_t>(access_id) / shard_count & mask;
    while (s.table[at].access_id != 0 && s.table[at].access_id != access_id) at = (at + 1) & mask;
    return s.table[at];
}

void access_token_cache::grow(shard& s) {
    constexpr std::size_t first_size = 16;
    const std::size_t old_size = s.table_size;
    std::unique_ptr<entry[]> old = std::move(s.table);
    s.table_size = old_size == 0 ? first_size : old_size * 2;
    s.table = std::make_unique<entry[]>(s.table_size);
    for (std::size_t i = 0; i < old_size; ++i) {
        if (old[i].access_id != 0) slot_of(s, old[i].access_id) = std::move(old[i]);
    }
}

std::optional<oauth::result<oauth::access_token_info>> access_token_cache::find(
    std::string_view token, std::int64_t now) const {
    const auto access_id = oauth::access_token_id(token);
    if (!access_id || *access_id <= 0) return std::nullopt;
    // Loaded before the lookup: an entry of this generation was read after every commit so far.
    const std::uint64_t current = generation();
    std::shared_ptr<const oauth::access_token_facts> facts;
    {
        shard& s = shard_of(*access_id);
        std::lock_guard lock(s.mutex);
        if (!s.table) return std::nullopt;
        const entry& kept = slot_of(s, *access_id);
        if (kept.access_id != *access_id || kept.generation != current) return std::nullopt;
        facts = kept.facts;
    }
    if (!crypto::constant_time_equal(facts->token, token)) return std::nullopt;
    if (auto expired = oauth::expiry_error(facts->expires_at, now)) return std::move(*expired);
    return oauth::access_answer(std::move(facts), now);
}

void access_token_cache::remember(std::uint64_t generation, const oauth::access_token_info& info) {
    const std::int64_t access_id = info->access_id;
    if (access_id <= 0 || generation != this->generation()) return;
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
    entry* kept = s.table ? &slot_of(s, access_id) : nullptr;
    if (kept == nullptr || kept->access_id != access_id) {
        if (s.kept >= shard_capacity) {
            for (std::size_t i = 0; i < s.table_size; ++i) s.table[i] = entry{};
            s.kept = 0;
        }
        if ((s.kept + 1) * 2 > s.table_size) grow(s);
        kept = &slot_of(s, access_id);
        kept->access_id = access_id;
        ++s.kept;
    }
    kept->generation = generation;
    kept->facts = info.facts;
}

}  // namespace hsoauth::service
