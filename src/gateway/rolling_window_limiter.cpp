#include "hsoauth/gateway/rolling_window_limiter.hpp"

#include <algorithm>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace hsoauth::gateway {

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t hash_of(const rolling_window_limiter::key& k) {
    return mix(static_cast<std::uint64_t>(k.first) * 0x9e3779b97f4a7c15ULL +
               static_cast<std::uint64_t>(k.second));
}

struct key_hash {
    std::size_t operator()(const rolling_window_limiter::key& k) const {
        return static_cast<std::size_t>(hash_of(k));
    }
};

}  // namespace

struct rolling_window_limiter::entry {
    key k;
    std::vector<std::int64_t> ring;  // ring.size() is the capacity
    std::size_t head = 0;            // the oldest recorded time
    std::size_t count = 0;
    std::int64_t latest = std::numeric_limits<std::int64_t>::min();  // the newest recorded time
    entry* newer = nullptr;  // towards the most recently used
    entry* older = nullptr;

    std::int64_t at(std::size_t i) const { return ring[(head + i) % ring.size()]; }

    void drop_expired(std::int64_t horizon) {  // times at or before horizon are out of the window
        while (count > 0 && ring[head] <= horizon) {
            head = (head + 1) % ring.size();
            --count;
        }
    }

    void append(std::int64_t time, std::int64_t limit) {
        if (count == ring.size()) {
            const auto capped = static_cast<std::size_t>(limit);
            const std::size_t wanted =
                std::max(count + 1, std::min(capped, std::max<std::size_t>(4, 2 * count)));
            std::vector<std::int64_t> grown(wanted);
            for (std::size_t i = 0; i < count; ++i) grown[i] = at(i);
            ring = std::move(grown);
            head = 0;
        }
        ring[(head + count) % ring.size()] = time;
        ++count;
        latest = time;
    }
};

// Entries are linked from most to least recently used; unordered_map keeps their addresses
// across rehashing.
struct alignas(64) rolling_window_limiter::shard {
    mutable std::mutex mutex;
    std::unordered_map<key, entry, key_hash> entries;
    entry* most_recent = nullptr;
    entry* least_recent = nullptr;

    void unlink(entry& e) {
        (e.newer ? e.newer->older : most_recent) = e.older;
        (e.older ? e.older->newer : least_recent) = e.newer;
        e.newer = e.older = nullptr;
    }

    void push_front(entry& e) {
        e.older = most_recent;
        e.newer = nullptr;
        (most_recent ? most_recent->newer : least_recent) = &e;
        most_recent = &e;
    }

    // Drops up to idle_drops_per_call least recently used keys whose latest request is at or
    // before `horizon`, stopping at the first key still active.
    void drop_idle(std::int64_t horizon) {
        for (std::size_t i = 0; i < idle_drops_per_call && least_recent; ++i) {
            if (least_recent->latest > horizon) return;
            drop_least_recent();
        }
    }

    void drop_least_recent() {
        entry& victim = *least_recent;
        unlink(victim);
        entries.erase(victim.k);
    }
};

rolling_window_limiter::rolling_window_limiter(std::int64_t window_ms, std::size_t max_keys)
    : window_ms_(std::max<std::int64_t>(window_ms, 1)),
      keys_per_shard_(std::max<std::size_t>((max_keys + shard_count - 1) / shard_count, 1)),
      shards_(std::make_unique<shard[]>(shard_count)) {}

rolling_window_limiter::~rolling_window_limiter() = default;

rate_decision rolling_window_limiter::acquire(const key& k, std::int64_t limit,
                                              std::int64_t now_ms) {
    limit = std::max<std::int64_t>(limit, 1);
    // Idle keys of a quiet shard go too: each call also sweeps the next shard in turn, unless
    // another thread holds it (its own call sweeps it then).
    shard& swept = shards_[sweep_cursor_.fetch_add(1, std::memory_order_relaxed) % shard_count];
    if (std::unique_lock sweep(swept.mutex, std::try_to_lock); sweep.owns_lock()) {
        swept.drop_idle(now_ms - window_ms_);
    }

    shard& s = shards_[hash_of(k) >> 60];
    std::lock_guard lock(s.mutex);
    s.drop_idle(now_ms - window_ms_);

    const auto [it, inserted] = s.entries.try_emplace(k);
    entry& e = it->second;
    if (inserted) {
        e.k = k;
        if (s.entries.size() > keys_per_shard_) s.drop_least_recent();  // `e` is not linked yet
    } else {
        s.unlink(e);
    }
    s.push_front(e);

    const std::int64_t now = std::max(now_ms, e.latest);
    e.drop_expired(now - window_ms_);
    if (e.count >= static_cast<std::size_t>(limit)) {
        // One more fits once all but limit - 1 of the recorded requests have left the window.
        const std::int64_t frees_room =
            e.at(e.count - static_cast<std::size_t>(limit)) + window_ms_;
        return {false, limit, 0, window_ms_, frees_room - now};
    }
    e.append(now, limit);
    return {true, limit, limit - static_cast<std::int64_t>(e.count), window_ms_, 0};
}

std::size_t rolling_window_limiter::tracked_keys() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < shard_count; ++i) {
        std::lock_guard lock(shards_[i].mutex);
        total += shards_[i].entries.size();
    }
    return total;
}

}  // namespace hsoauth::gateway
