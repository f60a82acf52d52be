#include "hsoauth/http/fault_response.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "hsoauth/gateway/expiry.hpp"
#include "hsoauth/http/error_body.hpp"
#include "hsoauth/http/wire/v1/v1_errors.hpp"

namespace hsoauth::http {
namespace {

using controls::fault_kind;
using nlohmann::json;

response json_error(int status, json body, std::string_view correlation_id) {
    body["correlationId"] = correlation_id;
    return json_response(status, body.dump());
}

// The body every 5xx, 423 and 477 fault carries: HubSpot's status and category, RFC 6749's
// error, and the message.
json server_body(std::string_view status, std::string_view message, std::string_view rfc_error) {
    return json{{"status", status},     {"category", status},          {"message", message},
                {"error", rfc_error},   {"error_description", message}};
}

}  // namespace

response fault_response(const controls::fired_fault& fault, std::string_view correlation_id) {
    const auto& a = fault.action;
    const std::string retry_after = std::to_string(a.retry_after_s);
    switch (a.kind) {
        case fault_kind::rate_limit:
            return json_error(429,
                              json{{"status", "error"},
                                   {"message", "You have reached your ten_secondly_rolling limit."},
                                   {"errorType", "RATE_LIMIT"},
                                   {"policyName", "TEN_SECONDLY_ROLLING"},
                                   {"groupName", "oauth"},
                                   {"category", "RATE_LIMITS"}},
                              correlation_id)
                .with_header("Retry-After", retry_after)
                .with_header("X-HubSpot-RateLimit-Max", std::to_string(rate_limit_max))
                .with_header("X-HubSpot-RateLimit-Remaining", "0")
                .with_header("X-HubSpot-RateLimit-Interval-Milliseconds",
                             std::to_string(rate_limit_interval_ms));
        case fault_kind::server_error: {
            response r = a.status == 502   ? json_error(502, server_body("BAD_GATEWAY", "Bad Gateway", "temporarily_unavailable"), correlation_id)
                         : a.status == 503 ? json_error(503, server_body("SERVICE_UNAVAILABLE", "The service is temporarily unavailable; retry later", "temporarily_unavailable"), correlation_id)
                         : a.status == 504 ? json_error(504, server_body("GATEWAY_TIMEOUT", "The request timed out; retry later", "temporarily_unavailable"), correlation_id)
                                           : json_error(500, server_body("SERVER_ERROR", "An unexpected error occurred", "server_error"), correlation_id);
            if (a.retry_after_s > 0) r.with_header("Retry-After", retry_after);
            return r;
        }
        case fault_kind::migration_in_progress:
            return json_error(477,
                              server_body("MIGRATION_IN_PROGRESS",
                                          "This account is being migrated; retry after the time "
                                          "Retry-After gives",
                                          "temporarily_unavailable"),
                              correlation_id)
                .with_header("Retry-After", retry_after);
        case fault_kind::locked:
            return json_error(423,
                              server_body("LOCKED", "The resource is locked; retry later",
                                          "temporarily_unavailable"),
                              correlation_id);
        case fault_kind::bad_refresh_token:
            return wire::v1::error_response(oauth::make_error(oauth::errc::uninstalled_refresh_token),
                                            correlation_id);
        case fault_kind::expired_authentication:
            return json_error(401,
                              json{{"status", "error"},
                                   {"message", hsoauth::gateway::expired_message(0)},
                                   {"category", "EXPIRED_AUTHENTICATION"},
                                   {"context", {{"expire time", json::array({hsoauth::gateway::expire_time_text(fault.sandbox_now)})}}}},
                              correlation_id);
        case fault_kind::reset:
        case fault_kind::truncate:
        case fault_kind::delay: {
            // Only reset reaches here (the others leave the operation's answer in place); an
            // answer is still shaped, for the request log, and never sent.
            response r = json_error(500, server_body("SERVER_ERROR", "An unexpected error occurred", "server_error"), correlation_id);
            break_delivery(r, fault);
            return r;
        }
    }
    return internal_error_response(correlation_id);
}

void break_delivery(response& r, const controls::fired_fault& fault) {
    if (const delivery how = delivery_of(&fault); how != delivery::whole) r.how = how;
}

delivery delivery_of(const controls::fired_fault* fault) {
    if (fault == nullptr) return delivery::whole;
    if (fault->action.kind == fault_kind::reset) return delivery::reset;
    if (fault->action.kind == fault_kind::truncate) return delivery::truncated;
    return delivery::whole;
}

}  // namespace hsoauth::http
