#pragma once
// How often fault rules fired, by action kind and route name, across every world that shares
// the counters (GET /metrics' hsoauth_faults_fired_total). Counts outlive the rules that fired
// them, so they only grow. Thread-safe: one mutex, taken when a fault fires and at a scrape,
// never on a request no rule faults. Bounded: route names beyond 4096 count as "other".
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsoauth/controls/fault.hpp"

namespace hsoauth::controls {

class fault_counters {
  public:
    struct count {
        fault_kind kind;
        std::string route;
        std::uint64_t value = 0;
    };

    // One fault of `kind` fired on the route named `route` ("" for none).
    void fired(fault_kind kind, std::string_view route);
    // Every (kind, route) that fired, in a stable order.
    std::vector<count> snapshot() const;

  private:
    static constexpr std::size_t max_keys = 4096;

    mutable std::mutex mutex_;
    std::map<std::pair<fault_kind, std::string>, std::uint64_t> counts_;  // guarded by mutex_
};

}  // namespace hsoauth::controls
