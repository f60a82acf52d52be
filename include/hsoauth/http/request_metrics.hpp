#pragma once
// Per-route request counters for GET /metrics: requests by route, wire version and status, a
// latency histogram per route, and error answers by HubSpot status. One slot per (route name,
// version) of the route table, found by the address of the route's name (the router hands out
// views into the table), so that recording costs a hash of a pointer and three relaxed atomic
// additions. Requests that matched no route count under route "unmatched".
// Threads: record() from any thread, lock-free on the success path (an error answer's HubSpot
// status takes a mutex); collect() from any thread.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hsoauth/http/router.hpp"
#include "hsoauth/metrics/exposition.hpp"
#include "hsoauth/metrics/histogram.hpp"

namespace hsoauth::http {

class request_metrics {
  public:
    explicit request_metrics(const std::vector<route>& routes);
    request_metrics(const request_metrics&) = delete;
    request_metrics& operator=(const request_metrics&) = delete;

    // `route` and `version` as the router set them in the request ("" when none matched).
    void record(std::string_view route, std::string_view version, int status, std::int64_t duration_micros,
                std::string_view hubspot_status);

    // hsoauth_http_requests_total, hsoauth_http_request_duration_seconds, hsoauth_http_refusals_total.
    void collect(metrics::exposition& out) const;

  private:
    static constexpr int first_status = 100;
    static constexpr int status_count = 500;  // 100 … 599

    struct slot {
        slot(std::string_view n, std::string_view v);
        std::string name;
        std::string version;
        std::array<std::atomic<std::uint64_t>, status_count> by_status{};
        metrics::histogram latency;
    };

    slot& slot_of(std::string_view route, std::string_view version);

    std::vector<std::unique_ptr<slot>> slots_;                  // built once; [0] is "unmatched"
    // A route's name and version as addresses into the route table (several wire versions share
    // one name): the router hands those same views to record().
    using text_addresses = std::pair<const char*, const char*>;
    struct hash_addresses {
        std::size_t operator()(const text_addresses& a) const {
            return std::hash<const char*>()(a.first) * 31 + std::hash<const char*>()(a.second);
        }
    };
    std::unordered_map<text_addresses, slot*, hash_addresses> by_name_address_;  // built once, read-only after
    std::map<std::pair<std::string, std::string>, slot*, std::less<>> by_name_;  // the fallback
    mutable std::mutex refusals_mutex_;
    std::map<std::string, std::uint64_t, std::less<>> refusals_;  // guarded by refusals_mutex_
};

}  // namespace hsoauth::http
