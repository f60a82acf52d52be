#pragma once
// What an integration did wrong, read from the journal's events of one app: each finding with
// how often it happened, the first and last correlation id (to find the requests in the client's
// own logs), and what HubSpot's documentation advises. Notices (calls to v1, which HubSpot
// switches off on 2027-02-16) are listed apart and do not make a report unclean.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/controls/event.hpp"

namespace hsoauth::controls {

struct report_settings {
    // A retry after a 5xx without Retry-After sooner than this (ms) is a retry without backoff
    // (the official Node client waits 200 ms, then 400 ms, …).
    std::int64_t min_backoff_ms = 100;
    // A retry counts as ignoring Retry-After when it comes more than this (ms) before the time
    // it was told (clock granularity of client and server).
    std::int64_t retry_after_tolerance_ms = 50;
};

enum class finding_level : std::uint8_t { problem, notice };

struct finding {
    std::string_view id;     // stable: "expired_token_used", …
    std::string_view title;
    finding_level level = finding_level::problem;
    std::int64_t count = 0;
    std::string first_correlation_id;
    std::string last_correlation_id;
    std::string_view advice;  // what HubSpot's documentation advises
    std::string_view link;    // where it says so
    std::vector<std::pair<std::string, std::int64_t>> breakdown;  // per endpoint or parameter
};

struct integration_report {
    std::int64_t app_id = 0;
    std::string client_id;
    std::string app_name;
    std::size_t events = 0;           // events of the app the report read
    std::uint64_t first_event_id = 0;
    std::uint64_t last_event_id = 0;
    std::vector<finding> findings;    // problems, in a fixed order; only those that happened
    std::vector<finding> notices;

    bool clean() const { return findings.empty(); }
};

// The report over `events` (one app's, oldest first, as event_journal::events_of_app gives them).
integration_report build_report(std::int64_t app_id, std::string client_id, std::string app_name,
                                const std::vector<event>& events, const report_settings& settings);

}  // namespace hsoauth::controls
