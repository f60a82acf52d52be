#pragma once
// The API gateway's use case, version-neutral: whether a call made with an access token to
// HubSpot's API may go on, decided as HubSpot's gateway decides it. The wire views (built-in
// endpoints, the forwarder, the forward-auth check) shape the decision into HubSpot's answers
// and forward allowed calls; the service knows no HTTP, JSON or upstream.
//
// Every call answers through `done` exactly once, at once on the calling thread (the decision
// is a read); a storage fault is a failure. Thread-safe: any network thread, concurrently.
#include <cstdint>
#include <optional>
#include <string>

#include "hsoauth/gateway/rolling_window_limiter.hpp"
#include "hsoauth/gateway/scope_check.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"
#include "hsoauth/storage/records.hpp"

namespace hsoauth::service {

// An API call as the gateway checks it.
struct api_call {
    std::string method;        // as sent, e.g. "GET"
    std::string target;        // the operation's path and query, as sent
    std::string access_token;  // the bearer token; "" when the call carries none or a malformed one
    bool wants_account = false;  // read the hub's account settings too (the built-in endpoints)
};

// What the gateway decided, in the order it checks.
enum class api_verdict {
    invalid_authentication,  // no token, or unknown, revoked or of an uninstalled app
    expired_authentication,  // expired: expired_seconds_ago, expired_at
    rate_limited,            // over TEN_SECONDLY_ROLLING for the app and hub: rate
    search_rate_limited,     // over the Search API's SECONDLY limit for the hub: search_retry_after_ms
    unknown_operation,       // no table knows the call, and unknown operations are refused
    missing_scopes,          // the token lacks the operation's scopes: scopes
    allowed,
};

// Who is calling: set from rate_limited on.
struct api_identity {
    std::int64_t hub_id = 0;  // 0 for an app-level token (no account)
    std::int64_t user_id = 0;
    std::int64_t app_id = 0;
    std::string client_id;
    storage::scope_text scopes;  // granted, in the token's order
};

struct api_decision {
    api_verdict verdict = api_verdict::invalid_authentication;
    api_identity identity;
    // The app × hub window after this call (X-HubSpot-RateLimit-*); unset for Search API calls
    // and before authentication.
    std::optional<gateway::rate_decision> rate;
    std::int64_t search_retry_after_ms = 0;  // search_rate_limited
    std::int64_t expired_seconds_ago = 0;    // expired_authentication
    std::int64_t expired_at = 0;             // expired_authentication: sandbox seconds since the epoch
    gateway::scope_verdict scopes;           // missing_scopes: what the 403 reports
    std::optional<storage::hub_record> account;  // allowed with wants_account: the token's hub
};

class gateway_service {
  public:
    virtual ~gateway_service() = default;

    // Checks a call: the token on the sandbox clock, the rate limits (authenticated calls count,
    // whatever the answer), the operation and its scopes. A read.
    virtual void decide(const call& c, api_call request, reply<api_decision> done) = 0;
};

// Forwards every operation to another gateway_service: the base of decorators.
class gateway_service_wrapper : public gateway_service {
  public:
    explicit gateway_service_wrapper(gateway_service& wrapped) : wrapped_(wrapped) {}

    void decide(const call& c, api_call request, reply<api_decision> done) override {
        wrapped_.decide(c, std::move(request), std::move(done));
    }

  protected:
    gateway_service& wrapped() { return wrapped_; }

  private:
    gateway_service& wrapped_;
};

}  // namespace hsoauth::service
