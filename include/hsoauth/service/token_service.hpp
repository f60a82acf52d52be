#pragma once
// The token use cases, version-neutral: every wire version (v1 today, the dated versions next)
// parses its request into these values, calls one operation, and shapes the outcome. The
// service owns client authentication and its throttle, the app cache, whether work is a read or
// a write, id allocation ahead of a write, and completion; it knows no HTTP, JSON or version.
//
// Every operation answers through `done` exactly once (see outcome.hpp): at once for reads and
// refusals, once durable for writes. Thread-safe: operations may be called from any network
// thread concurrently.
#include <optional>
#include <string>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::service {

// How a request authenticates its client (RFC 6749 §2.3.1).
struct client_credentials {
    std::string client_id;
    std::string client_secret;
};

enum class grant_type { authorization_code, refresh_token };

struct grant_request {
    grant_type type = grant_type::authorization_code;
    client_credentials client;
    std::string code;                          // authorization_code
    std::string redirect_uri;                  // authorization_code
    std::optional<std::string> code_verifier;  // authorization_code with PKCE
    std::string refresh_token;                 // refresh_token
};

class token_service {
  public:
    virtual ~token_service() = default;

    // The token endpoint. Authenticates the client (client_throttled while it is throttled from
    // the caller's address; unknown_client; wrong_client_secret, counted against the throttle
    // for the client and the caller's address), then exchanges
    // the code or refreshes (oauth::authority::exchange_code, refresh for the errors). A write.
    virtual void grant(const call& c, grant_request request, reply<oauth::issued_tokens> done) = 0;

    // A live access token's metadata; no client authentication (v1 metadata). unknown_token,
    // expired_token. A read.
    virtual void describe_access_token(const call& c, std::string token,
                                       reply<oauth::access_token_info> done) = 0;
    // A live refresh token's metadata; no client authentication. unknown_token. A read.
    virtual void describe_refresh_token(const call& c, std::string token,
                                        reply<oauth::refresh_token_info> done) = 0;

    // Revokes a live refresh token (and, by configuration, its access tokens); no client
    // authentication (v1 DELETE). unknown_token when it is unknown or already dead. A write.
    virtual void revoke_refresh_token(const call& c, std::string token,
                                      reply<oauth::done> done) = 0;
};

// Forwards every operation to another token_service: the base of decorators (fault playbooks,
// the event journal, metrics), which override what they watch and call the wrapped service.
class token_service_wrapper : public token_service {
  public:
    explicit token_service_wrapper(token_service& wrapped) : wrapped_(wrapped) {}

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens> done) override {
        wrapped_.grant(c, std::move(request), std::move(done));
    }
    void describe_access_token(const call& c, std::string token,
                               reply<oauth::access_token_info> done) override {
        wrapped_.describe_access_token(c, std::move(token), std::move(done));
    }
    void describe_refresh_token(const call& c, std::string token,
                                reply<oauth::refresh_token_info> done) override {
        wrapped_.describe_refresh_token(c, std::move(token), std::move(done));
    }
    void revoke_refresh_token(const call& c, std::string token, reply<oauth::done> done) override {
        wrapped_.revoke_refresh_token(c, std::move(token), std::move(done));
    }

  protected:
    token_service& wrapped() { return wrapped_; }

  private:
    token_service& wrapped_;
};

}  // namespace hsoauth::service
