#pragma once
// The API gateway's decisions for GET /metrics (hsoauth_gateway_decisions_total{decision}), as
// the client saw them: a refusal by its verdict, an allowed call answered by hsoauth itself
// (built-in endpoints, the forward-auth check) or forwarded and answered by the upstream, the
// upstream failing or timing out, a fault rule answering instead, a storage failure. Shared by
// every world (the root and each sandbox): the counts are the server's sum.
// Threads: any; one relaxed atomic addition per decision.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "hsoauth/metrics/exposition.hpp"
#include "hsoauth/service/gateway_service.hpp"

namespace hsoauth::http {

enum class gateway_outcome : std::uint8_t {
    invalid_authentication,
    expired_authentication,
    rate_limited,
    search_rate_limited,
    unknown_operation,
    missing_scopes,
    allowed,         // answered by hsoauth (built-in endpoints, /gateway/v1/check)
    forwarded,       // the upstream answered
    upstream_error,  // the upstream could not be reached, broke off or answered too much or not in HTTP
    upstream_timeout,
    fault,           // a fault rule answered in the gateway's place
    failure,         // storage failure
};

// The outcome of a decision the gateway refused or allowed (allowed for allowed).
gateway_outcome outcome_of(service::api_verdict verdict);
std::string_view name_of(gateway_outcome outcome);

class gateway_metrics {
  public:
    void count(gateway_outcome outcome) {
        counts_[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
    }
    // hsoauth_gateway_decisions_total, every decision (also those at 0).
    void collect(metrics::exposition& out) const;

  private:
    static constexpr std::size_t outcome_count = static_cast<std::size_t>(gateway_outcome::failure) + 1;
    std::array<std::atomic<std::uint64_t>, outcome_count> counts_{};
};

}  // namespace hsoauth::http
