#pragma once
// Slows down guessing of client secrets: after `limit` failed client authentications for one
// client_id within `window` seconds, that client_id is refused (client_throttled) until the window
// has passed. Other client_ids are unaffected. Thread-safe (one mutex; held for a map lookup).
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hsoauth::service {

class client_auth_throttle {
  public:
    client_auth_throttle(std::int64_t limit, std::int64_t window_seconds)
        : limit_(limit), window_(window_seconds) {}

    // Seconds to wait when `client_id` is blocked at `now`, else 0.
    std::int64_t retry_after(std::string_view client_id, std::int64_t now);
    void record_failure(std::string_view client_id, std::int64_t now);

  private:
    struct window_count {
        std::int64_t started = 0;
        std::int64_t failures = 0;
    };
    static constexpr std::size_t max_tracked = 10000;

    std::int64_t limit_;
    std::int64_t window_;
    std::mutex mutex_;
    std::unordered_map<std::string, window_count> counts_;
};

}  // namespace hsoauth::service
