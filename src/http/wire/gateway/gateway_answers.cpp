#include "hsoauth/http/wire/gateway/gateway_answers.hpp"

#include <nlohmann/json.hpp>

#include "hsoauth/gateway/expiry.hpp"
#include "hsoauth/http/transport_error.hpp"

namespace hsoauth::http::wire::gateway {
namespace {

using nlohmann::json;
using service::api_verdict;

constexpr std::string_view invalid_authentication_message =
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";
constexpr std::string_view missing_scopes_message =
    "This app hasn't been granted all required scopes to make this call. Read more about required "
    "scopes here: https://developers.hubspot.com/scopes.";
constexpr std::string_view scopes_link = "https://developers.hubspot.com/scopes";

json base(std::string_view message, std::string_view correlation_id, std::string_view category) {
    return {{"status", "error"}, {"message", message}, {"correlationId", correlation_id}, {"category", category}};
}

// Whole seconds, rounded up, at least one: what Retry-After can say of a wait in milliseconds.
std::string retry_after_seconds(std::int64_t ms) { return std::to_string(std::max<std::int64_t>((ms + 999) / 1000, 1)); }

response missing_scopes(const service::api_decision& d, std::string_view correlation_id) {
    json body = base(missing_scopes_message, correlation_id, "MISSING_SCOPES");
    json required = d.scopes.required;
    body["errors"] = json::array({{{"message", d.scopes.message()},
                                   {"context", {{"requiredGranularScopes", required}, {"requiredScopes", required}}}}});
    body["links"] = {{"scopes", scopes_link}};
    return json_response(403, body.dump());
}

response rate_limited(std::string_view message, std::string_view policy, std::string_view group,
                      std::int64_t retry_after_ms, std::string_view correlation_id) {
    json body = base(message, correlation_id, "RATE_LIMITS");
    body["errorType"] = "RATE_LIMIT";
    body["policyName"] = policy;
    body["groupName"] = group;
    return json_response(429, body.dump()).with_header("Retry-After", retry_after_seconds(retry_after_ms));
}

}  // namespace

response refusal(const service::api_decision& d, std::string_view correlation_id) {
    const auto& who = d.identity;
    response r;
    switch (d.verdict) {
        case api_verdict::invalid_authentication:
            r = json_response(401, base(invalid_authentication_message, correlation_id, "INVALID_AUTHENTICATION").dump());
            r.with_header("X-HubSpot-Auth-Failure", "401 Unauthorized");
            break;
        case api_verdict::expired_authentication: {
            json body = base(hsoauth::gateway::expired_message(d.expired_seconds_ago), correlation_id,
                             "EXPIRED_AUTHENTICATION");
            body["context"] = {{"expire time", json::array({hsoauth::gateway::expire_time_text(d.expired_at)})}};
            r = json_response(401, body.dump());
            break;
        }
        case api_verdict::rate_limited:
            r = rate_limited("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING",
                             "oauth:" + std::to_string(who.app_id) + ":" + std::to_string(who.hub_id),
                             d.rate ? d.rate->retry_after_ms : 1000, correlation_id);
            break;
        case api_verdict::search_rate_limited:
            r = rate_limited("You have reached your secondly limit.", "SECONDLY",
                             "search:" + std::to_string(who.hub_id), d.search_retry_after_ms, correlation_id);
            break;
        case api_verdict::unknown_operation:
            r = not_found(correlation_id);
            break;
        case api_verdict::missing_scopes:
            r = missing_scopes(d, correlation_id);
            break;
        case api_verdict::allowed:
            r = bad_request("the call was allowed", correlation_id);  // not a refusal: a caller's mistake
            break;
    }
    add_rate_headers(r, d);
    return r;
}

std::int64_t retry_after_s(const service::api_decision& d) {
    std::int64_t ms = 0;
    if (d.verdict == api_verdict::rate_limited) ms = d.rate ? d.rate->retry_after_ms : 1000;
    else if (d.verdict == api_verdict::search_rate_limited) ms = d.search_retry_after_ms;
    else return 0;
    return std::max<std::int64_t>((ms + 999) / 1000, 1);
}

response not_found(std::string_view correlation_id) {
    // The same body as every other 404 of hsoauth's.
    return transport_error_response(transport_errc::route_not_found, correlation_id, "no such endpoint");
}

response bad_request(std::string_view message, std::string_view correlation_id) {
    return json_response(400, base(message, correlation_id, "VALIDATION_ERROR").dump());
}

response bad_gateway(std::string_view message, std::string_view correlation_id) {
    return json_response(502, base(message, correlation_id, "BAD_GATEWAY").dump());
}

response gateway_timeout(std::string_view correlation_id) {
    return json_response(
        504, base("the API server behind hsoauth did not answer in time", correlation_id, "GATEWAY_TIMEOUT").dump());
}

void add_rate_headers(response& r, const service::api_decision& d) {
    if (!d.rate) return;
    r.with_header("X-HubSpot-RateLimit-Max", std::to_string(d.rate->limit));
    r.with_header("X-HubSpot-RateLimit-Remaining", std::to_string(d.rate->remaining));
    r.with_header("X-HubSpot-RateLimit-Interval-Milliseconds", std::to_string(d.rate->interval_ms));
}

header_list identity_headers(const service::api_identity& who) {
    header_list out;
    out.reserve(7);  // and add_rate_headers' three, on the forward-auth check's answer
    if (who.hub_id != 0) {
        out.emplace_back("X-HubSpot-Hub-Id", std::to_string(who.hub_id));
        out.emplace_back("X-HubSpot-User-Id", std::to_string(who.user_id));
    }
    out.emplace_back("X-HubSpot-App-Id", std::to_string(who.app_id));
    out.emplace_back("X-HubSpot-Scopes", std::string(who.scopes.text()));
    return out;
}

}  // namespace hsoauth::http::wire::gateway
