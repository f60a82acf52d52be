#pragma once
// HubSpot's answers for the faults a rule injects (controls/fault.hpp), on every wire version:
//   rate_limit             429, TEN_SECONDLY_ROLLING body, Retry-After, X-HubSpot-RateLimit-*
//   server_error           500/502/503/504 with the error body (503 with Retry-After)
//   migration_in_progress  477 with Retry-After
//   locked                 423
//   bad_refresh_token      400 BAD_REFRESH_TOKEN, as after an uninstall
//   expired_authentication 401 EXPIRED_AUTHENTICATION, the API gateway's body
//   reset                  no answer: the connection is closed (delivery::reset)
// (delay and truncate leave the operation's answer in place: break_delivery marks truncation.)
#include <string_view>

#include "hsoauth/controls/fault.hpp"
#include "hsoauth/http/message.hpp"

namespace hsoauth::http {

response fault_response(const controls::fired_fault& fault, std::string_view correlation_id);

// `r` broken as `fault` says (reset or truncate); unchanged for any other fault.
void break_delivery(response& r, const controls::fired_fault& fault);
// How an answer goes when `fault` (nullptr: none) breaks it: reset, truncated, else whole. For
// answers shaped after the outcome is gone (the gateway's forwarded calls).
delivery delivery_of(const controls::fired_fault* fault);

// HubSpot's rate-limit headers on a 429 of the ten-secondly policy (OAuth apps: 110 requests).
inline constexpr int rate_limit_max = 110;
inline constexpr int rate_limit_interval_ms = 10000;

}  // namespace hsoauth::http
