#pragma once
// Slows down the guessing of a secret (a client's secret at the token endpoint, the admin key).
// Failures are counted per subject (a client_id; the admin key) AND source address: after `limit`
// failures of one pair within `window` seconds of the pair's first failure, the subject is
// refused from that address (retry_after() > 0), even with the right secret, until that window
// has passed (or the clock moved back before its first failure: a sandbox reset). Other addresses keep working, so failures sent from elsewhere never lock a client
// out of its own address; other subjects are unaffected.
//
// Memory: at most `capacity` pairs are tracked. Tracking one more forgets the pair whose last
// failure (or refused attempt) is the oldest, never the whole table: restarting one's own count
// costs `capacity` failures under other pairs. Callers record only failures that could have been
// a right guess (a known client, a presented key), so unknown client_ids cannot fill the table.
//
// Threads: any. One mutex, held for a hash lookup and a list splice; a throttle that tracks
// nothing answers retry_after() without taking it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hsoauth::service {

class client_auth_throttle {
  public:
    // `limit` <= 0 switches the throttle off. `capacity` >= 1.
    client_auth_throttle(std::int64_t limit, std::int64_t window_seconds,
                         std::size_t capacity = 10000);
    client_auth_throttle(const client_auth_throttle&) = delete;
    client_auth_throttle& operator=(const client_auth_throttle&) = delete;

    // Seconds until `subject` is heard again from `source` at `now` (sandbox seconds); 0 when it
    // is not refused.
    std::int64_t retry_after(std::string_view subject, std::string_view source, std::int64_t now);
    // Counts one failed authentication of `subject` from `source` at `now`.
    void record_failure(std::string_view subject, std::string_view source, std::int64_t now);

    // Pairs tracked now (at most the capacity).
    std::size_t tracked() const;

  private:
    struct pair_count {
        std::string key;  // subject, NUL, source
        std::int64_t started = 0;
        std::int64_t failures = 0;
    };
    using recency = std::list<pair_count>;  // the most recently failed first

    // The key of (subject, source) in this thread's scratch buffer: no allocation per request.
    static std::string_view key_of(std::string_view subject, std::string_view source);

    const std::int64_t limit_;
    const std::int64_t window_;
    const std::size_t capacity_;
    std::atomic<std::size_t> size_{0};  // index_.size(), readable without the mutex
    mutable std::mutex mutex_;
    recency order_;  // guarded by mutex_
    std::unordered_map<std::string_view, recency::iterator> index_;  // guarded by mutex_; keys
                                                                     // view the entries' strings
};

}  // namespace hsoauth::service
