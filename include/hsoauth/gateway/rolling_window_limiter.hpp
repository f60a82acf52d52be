#pragma once
// A rolling-window rate limiter: at most `limit` requests by one key in any window of `window_ms`.
//
// Algorithm: a sliding log. Each key keeps the times of the requests it was allowed within the
// last window, oldest first, in a ring buffer that grows as needed up to `limit` entries. A request
// at t first drops the times at or before t - window_ms; it is allowed when fewer than `limit`
// remain, and its time is then appended. Refused requests are not recorded (they do not push the
// window further out). Retry-after is exact: the time until enough of the oldest requests have left
// the window for one more to fit.
// Why not two fixed buckets weighted by their overlap with the window (O(1) memory per key): that
// assumes the previous bucket's requests were spread evenly, so after a burst at a bucket's end it
// lets through up to half the limit again while the true rolling window is still full, or refuses
// when it is not. HubSpot calls its limit rolling, and a sandbox is where integrators test their
// backoff: here the answer is exactly "was the limit reached in the last window_ms", and
// Retry-After is exact to the millisecond. The cost is at most `limit` timestamps per key (880 B at
// 110) and O(1) amortised work per request (each timestamp is appended once and dropped once).
//
// Time comes from the caller in milliseconds (the sandbox clock), so tests move it instead of
// sleeping. A time earlier than the key's latest allowed request (threads reaching the lock out of
// order) is taken as that request's time.
//
// Memory: at most max_keys keys (rounded up to a multiple of 16) are tracked. A key whose latest
// allowed request is a window old has nothing left to remember: each call drops up to 4 such keys
// of its own shard and up to 4 of the next shard in a round-robin, least recently used first, so
// idle state goes as traffic goes on, whichever keys that traffic is for. When a new key finds its
// shard full of keys still active, the least recently used one is forgotten and its count starts
// afresh; that takes more than max_keys / 16 keys of one shard active within one window. Worst
// case about max_keys * (limit * 8 B + 100 B).
//
// Thread-safe: keys are spread over 16 shards by hash, each with its own mutex, held for one hash
// lookup and the update of one ring (plus a try_lock of the shard being swept, never waited for).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace hsoauth::gateway {

// What the limiter decided about one request; the X-HubSpot-RateLimit-* headers and Retry-After
// are made from it.
struct rate_decision {
    bool allowed = false;
    std::int64_t limit = 0;           // requests allowed per window (X-HubSpot-RateLimit-Max)
    std::int64_t remaining = 0;       // requests left in the window after this one; 0 when refused
    std::int64_t interval_ms = 0;     // the window (X-HubSpot-RateLimit-Interval-Milliseconds)
    std::int64_t retry_after_ms = 0;  // when refused, time until a request would be allowed; else 0
};

class rolling_window_limiter {
  public:
    struct key {
        std::int64_t first = 0;
        std::int64_t second = 0;
        bool operator==(const key&) const = default;
    };

    // window_ms and max_keys at least 1.
    rolling_window_limiter(std::int64_t window_ms, std::size_t max_keys);
    ~rolling_window_limiter();
    rolling_window_limiter(const rolling_window_limiter&) = delete;
    rolling_window_limiter& operator=(const rolling_window_limiter&) = delete;

    // Records a request by `k` at `now_ms` and allows it if fewer than `limit` (taken as at least
    // 1) requests by `k` were allowed in the window before it; refuses it otherwise. The limit may
    // differ from call to call (an override changed): it applies to the requests already recorded.
    rate_decision acquire(const key& k, std::int64_t limit, std::int64_t now_ms);

    // Keys with state; locks each shard in turn.
    std::size_t tracked_keys() const;
    std::int64_t window_ms() const { return window_ms_; }

    static constexpr std::size_t shard_count = 16;
    static constexpr std::size_t idle_drops_per_call = 4;

  private:
    struct entry;
    struct shard;

    std::int64_t window_ms_;
    std::size_t keys_per_shard_;
    std::unique_ptr<shard[]> shards_;
    std::atomic<std::size_t> sweep_cursor_{0};
};

}  // namespace hsoauth::gateway
