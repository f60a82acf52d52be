#pragma once
// HubSpot's API gateway on the wire: its error table and headers. Its bodies are not the OAuth
// API's: {"status": "error", "message": …, "correlationId": <UUIDv4>, "category": …} plus, by
// error, `context`, `errors`, `links`, `errorType`, `policyName`, `groupName`.
#include <cstdint>
#include <string_view>

#include "hsoauth/http/message.hpp"
#include "hsoauth/service/gateway_service.hpp"

namespace hsoauth::http::wire::gateway {

// The answer to a call the gateway refused (any verdict but allowed):
// - invalid_authentication: 401 INVALID_AUTHENTICATION, X-HubSpot-Auth-Failure: 401 Unauthorized;
// - expired_authentication: 401 EXPIRED_AUTHENTICATION, the age in scaled units and
//   context."expire time";
// - rate_limited: 429 RATE_LIMIT TEN_SECONDLY_ROLLING, Retry-After in whole seconds (rounded up);
// - search_rate_limited: 429 RATE_LIMIT SECONDLY, Retry-After;
// - unknown_operation: 404 (not_found);
// - missing_scopes: 403 MISSING_SCOPES with errors[0].context.requiredGranularScopes and
//   requiredScopes.
// The X-HubSpot-RateLimit-* headers are added when the decision has a window (add_rate_headers).
response refusal(const service::api_decision& d, std::string_view correlation_id);

// 404 for a path hsoauth does not serve without an upstream, or an unknown operation refused:
// the body of every 404 of hsoauth's (NOT_FOUND, OBJECT_NOT_FOUND, "no such endpoint").
response not_found(std::string_view correlation_id);
// 400 for a call the gateway will not check or forward (`message` says why): VALIDATION_ERROR.
response bad_request(std::string_view message, std::string_view correlation_id);
// 502 (the upstream refused, broke off, answered too much or not in HTTP) and 504 (it did not
// answer within gateway_timeout_ms).
response bad_gateway(std::string_view message, std::string_view correlation_id);
response gateway_timeout(std::string_view correlation_id);

// The Retry-After (whole seconds, rounded up, at least 1) of a rate-limited decision; 0 for
// any other.
std::int64_t retry_after_s(const service::api_decision& d);

// X-HubSpot-RateLimit-Max, -Remaining and -Interval-Milliseconds from the decision's window;
// nothing for Search API calls and unauthenticated ones.
void add_rate_headers(response& r, const service::api_decision& d);

// X-HubSpot-Hub-Id, -User-Id (both left out for an app-level token), -App-Id and -Scopes
// (space-separated) of the caller.
header_list identity_headers(const service::api_identity& who);

}  // namespace hsoauth::http::wire::gateway
