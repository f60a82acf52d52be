#pragma once
// The intercepting decorators: one per service, each operation one line of facts for the
// interceptor (interceptor.hpp) and the shared body (intercept.hpp). A service that gains an
// operation gains one override here; a new service (the API gateway's) gets its own decorator
// built the same way. They compose with any other decorator (metrics): each wraps a service
// and is one.
#include "hsoauth/service/admin_service.hpp"
#include "hsoauth/service/authorization_service.hpp"
#include "hsoauth/service/gateway_service.hpp"
#include "hsoauth/service/interceptor.hpp"
#include "hsoauth/service/token_service.hpp"

namespace hsoauth::service {

class intercepting_token_service final : public token_service_wrapper {
  public:
    // Both must outlive the decorator.
    intercepting_token_service(token_service& wrapped, interceptor& hook)
        : token_service_wrapper(wrapped), hook_(hook) {}

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) override;
    void describe_access_token(const call& c, std::string token,
                               reply<oauth::access_token_info>&& done) override;
    void describe_refresh_token(const call& c, std::string token,
                                reply<oauth::refresh_token_info>&& done) override;
    void revoke_refresh_token(const call& c, std::string token, reply<oauth::done>&& done) override;
    void introspect(const call& c, client_credentials client, std::string token, oauth::token_hint hint,
                    reply<oauth::introspection>&& done) override;
    void revoke(const call& c, client_credentials client, std::string token, oauth::token_hint hint,
                reply<oauth::done>&& done) override;

  private:
    interceptor& hook_;
};

class intercepting_authorization_service final : public authorization_service_wrapper {
  public:
    intercepting_authorization_service(authorization_service& wrapped, interceptor& hook)
        : authorization_service_wrapper(wrapped), hook_(hook) {}

    void open(const call& c, authorize_request request, reply<authorize_outcome> done) override;
    void decide(const call& c, consent_decision decision, reply<decision_outcome> done) override;

  private:
    interceptor& hook_;
};

// The API gateway's decisions: each is a gateway event (or a refusal, for a token the gateway
// refuses), and fault rules apply to API calls as to any other route.
class intercepting_gateway_service final : public gateway_service_wrapper {
  public:
    intercepting_gateway_service(gateway_service& wrapped, interceptor& hook)
        : gateway_service_wrapper(wrapped), hook_(hook) {}

    void decide(const call& c, api_call request, reply<api_decision> done) override;

  private:
    interceptor& hook_;
};

// hsoauth's own admin API is never faulted; the journal records what changes an integration's
// world (codes minted, uninstalls and deletions, the clock moved). Reads and configuration pass
// through untouched.
class intercepting_admin_service final : public admin_service_wrapper {
  public:
    intercepting_admin_service(admin_service& wrapped, interceptor& hook)
        : admin_service_wrapper(wrapped), hook_(hook) {}

    void delete_app(const call& c, std::int64_t app_id, reply<oauth::done> done) override;
    void delete_hub(const call& c, std::int64_t hub_id, reply<oauth::done> done) override;
    void delete_user(const call& c, std::int64_t user_id, reply<oauth::done> done) override;
    void uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id,
                   reply<oauth::done> done) override;
    void mint_code(const call& c, code_request request, reply<oauth::issued_code> done) override;
    void advance_clock(const call& c, std::int64_t seconds, reply<clock_reading> done) override;

  private:
    interceptor& hook_;
};

// A code's fingerprint for the journal: 64 bits of its SHA-256 (tells a replay, reveals nothing).
std::uint64_t code_fingerprint(std::string_view code);

}  // namespace hsoauth::service
