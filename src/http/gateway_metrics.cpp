#include "hsoauth/http/gateway_metrics.hpp"

namespace hsoauth::http {

gateway_outcome outcome_of(service::api_verdict verdict) {
    using service::api_verdict;
    switch (verdict) {
        case api_verdict::invalid_authentication: return gateway_outcome::invalid_authentication;
        case api_verdict::expired_authentication: return gateway_outcome::expired_authentication;
        case api_verdict::rate_limited: return gateway_outcome::rate_limited;
        case api_verdict::search_rate_limited: return gateway_outcome::search_rate_limited;
        case api_verdict::unknown_operation: return gateway_outcome::unknown_operation;
        case api_verdict::missing_scopes: return gateway_outcome::missing_scopes;
        case api_verdict::allowed: return gateway_outcome::allowed;
    }
    return gateway_outcome::allowed;
}

std::string_view name_of(gateway_outcome outcome) {
    switch (outcome) {
        case gateway_outcome::invalid_authentication: return "invalid_authentication";
        case gateway_outcome::expired_authentication: return "expired_authentication";
        case gateway_outcome::rate_limited: return "rate_limited";
        case gateway_outcome::search_rate_limited: return "search_rate_limited";
        case gateway_outcome::unknown_operation: return "unknown_operation";
        case gateway_outcome::missing_scopes: return "missing_scopes";
        case gateway_outcome::allowed: return "allowed";
        case gateway_outcome::forwarded: return "forwarded";
        case gateway_outcome::upstream_error: return "upstream_error";
        case gateway_outcome::upstream_timeout: return "upstream_timeout";
        case gateway_outcome::fault: return "fault";
        case gateway_outcome::failure: return "failure";
    }
    return "unknown";
}

void gateway_metrics::collect(metrics::exposition& out) const {
    out.family("hsoauth_gateway_decisions_total", "counter",
               "API gateway decisions as the client saw them, every sandbox summed: refusals by verdict, "
               "calls answered by hsoauth (allowed) or forwarded to the upstream, upstream errors and "
               "timeouts, fault rules and storage failures.");
    for (std::size_t i = 0; i < outcome_count; ++i) {
        const auto outcome = static_cast<gateway_outcome>(i);
        out.sample("hsoauth_gateway_decisions_total", {{"decision", name_of(outcome)}},
                   counts_[i].load(std::memory_order_relaxed));
    }
}

}  // namespace hsoauth::http
