#pragma once
// HubSpot's limits on API calls made with OAuth tokens, as the gateway applies them:
// - TEN_SECONDLY_ROLLING: 110 calls per rolling 10,000 ms per app and installing account (hub),
//   unless the app has its own limit; the Search API does not count here.
// - SECONDLY: 5 Search API calls per rolling 1,000 ms per account, whatever the app.
// Both are rolling_window_limiter (see there for the algorithm, the memory bound and the clock).
// The caller decides which applies to a call and shapes the 429 body ("You have reached your
// ten_secondly_rolling limit." / "You have reached your secondly limit.") and the headers.
// Thread-safe.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "hsoauth/gateway/rolling_window_limiter.hpp"

namespace hsoauth::gateway {

// Whether a call goes to the Search API, which has its own SECONDLY limit: a POST whose path
// (before any '?') starts with the segment "crm" and ends with the segment "search", a trailing
// slash aside (POST /crm/v3/objects/contacts/search, /crm/v3/objects/2-123/search, …). Pure.
bool is_search_call(std::string_view method, std::string_view target);

class api_rate_limits {
  public:
    struct options {
        std::int64_t default_limit = 110;
        std::int64_t window_ms = 10'000;
        std::int64_t search_limit = 5;
        std::int64_t search_window_ms = 1'000;
        std::size_t max_keys = 16'384;  // per limiter
    };

    api_rate_limits() : api_rate_limits(options{}) {}
    explicit api_rate_limits(const options& o);

    // Sets `app_id`'s own limit per window (a value below 1 is taken as 1), or with nullopt
    // returns it to the default. Takes effect from the app's next call, against the calls already
    // in the window.
    void set_app_limit(std::int64_t app_id, std::optional<std::int64_t> limit);
    std::int64_t app_limit(std::int64_t app_id) const;

    // A call, other than to the Search API, by `app_id` on `hub_id` at `now_ms`.
    rate_decision acquire(std::int64_t app_id, std::int64_t hub_id, std::int64_t now_ms);
    // The same with the app's limit given by the caller (the app's stored `rate_limit`, a value
    // below 1 taken as 1); nullopt: as acquire() above.
    rate_decision acquire(std::int64_t app_id, std::int64_t hub_id,
                          std::optional<std::int64_t> own_limit, std::int64_t now_ms);
    // A Search API call on `hub_id` at `now_ms`.
    rate_decision acquire_search(std::int64_t hub_id, std::int64_t now_ms);

    std::size_t tracked_keys() const { return calls_.tracked_keys() + searches_.tracked_keys(); }

  private:
    std::int64_t default_limit_;
    std::int64_t search_limit_;
    rolling_window_limiter calls_;
    rolling_window_limiter searches_;
    mutable std::shared_mutex app_limits_mutex_;  // guards app_limits_
    std::unordered_map<std::int64_t, std::int64_t> app_limits_;
};

}  // namespace hsoauth::gateway
