#pragma once
// The token use cases, version-neutral: every wire version (v1 today, the dated versions next)
// parses its request into these values, calls one operation, and shapes the outcome. The
// service owns client authentication and its throttle, the app cache, whether work is a read or
// a write, id allocation ahead of a write, and completion; it knows no HTTP, JSON or version.
//
// Every operation answers through `done` exactly once (see reply.hpp): at once for reads and
// refusals, once durable for writes. `done` is taken by rvalue reference, the operation's to move
// from: a reply keeps its answer and its decorators' taps in place, so it is moved only where it
// is kept (a write's state), not at each decorator it passes. Thread-safe: operations may be called from any network
// thread concurrently.
#include <optional>
#include <string>
#include <vector>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/call.hpp"
#include "hsoauth/service/outcome.hpp"

namespace hsoauth::service {

// How a request authenticates its client: a secret (RFC 6749 §2.3.1), or a signed JWT
// (RFC 7523 §2.2, private_key_jwt) when `assertion` is set.
struct client_credentials {
    std::string client_id;
    std::string client_secret;
    std::optional<std::string> assertion;
    // The audiences an assertion may name (the token endpoint's URLs, the issuer's): the wire
    // decides them; the service only passes them on.
    std::vector<std::string> assertion_audiences;
};

enum class grant_type { authorization_code, refresh_token, client_credentials };

struct grant_request {
    grant_type type = grant_type::authorization_code;
    client_credentials client;
    std::string code;                          // authorization_code
    std::string redirect_uri;                  // authorization_code
    std::optional<std::string> code_verifier;  // authorization_code with PKCE
    std::string refresh_token;                 // refresh_token
    oauth::scope_list scopes;                  // client_credentials: narrows the app's; empty: all
};

class token_service {
  public:
    virtual ~token_service() = default;

    // The token endpoint. Authenticates the client (client_throttled while it is throttled from
    // the caller's address; unknown_client; wrong_client_secret, bad_client_assertion of a known
    // client, each counted against the throttle for the client and the caller's address; an
    // assertion's jti is remembered in the grant's write, and a replay refused there), then
    // exchanges the code, refreshes, or issues an app-level token
    // (oauth::authority::exchange_code, refresh, plan_app_token for the errors). A write.
    virtual void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) = 0;

    // RFC 7662 introspection by an authenticated client (a secret only: an assertion is
    // malformed_request here). Client errors as grant; then never an error: a token that is not
    // a live token of this client is oauth::inactive_token. A read.
    virtual void introspect(const call& c, client_credentials client, std::string token,
                            oauth::token_hint hint, reply<oauth::introspection>&& done) = 0;

    // RFC 7009 revocation by an authenticated client (a secret only, as introspect). Client
    // errors as grant; then done whatever the token was (oauth::authority::revoke). A write.
    virtual void revoke(const call& c, client_credentials client, std::string token,
                        oauth::token_hint hint, reply<oauth::done>&& done) = 0;

    // A live access token's metadata; no client authentication (v1 metadata). unknown_token,
    // expired_token. A read.
    virtual void describe_access_token(const call& c, std::string token,
                                       reply<oauth::access_token_info>&& done) = 0;
    // A live refresh token's metadata; no client authentication. unknown_token. A read.
    virtual void describe_refresh_token(const call& c, std::string token,
                                        reply<oauth::refresh_token_info>&& done) = 0;

    // Revokes a live refresh token (and, by configuration, its access tokens); no client
    // authentication (v1 DELETE). unknown_token when it is unknown or already dead. A write.
    virtual void revoke_refresh_token(const call& c, std::string token,
                                      reply<oauth::done>&& done) = 0;
};

// Forwards every operation to another token_service: the base of decorators (fault playbooks,
// the event journal, metrics), which override what they watch and call the wrapped service.
class token_service_wrapper : public token_service {
  public:
    explicit token_service_wrapper(token_service& wrapped) : wrapped_(wrapped) {}

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) override {
        wrapped_.grant(c, std::move(request), std::move(done));
    }
    void describe_access_token(const call& c, std::string token,
                               reply<oauth::access_token_info>&& done) override {
        wrapped_.describe_access_token(c, std::move(token), std::move(done));
    }
    void describe_refresh_token(const call& c, std::string token,
                                reply<oauth::refresh_token_info>&& done) override {
        wrapped_.describe_refresh_token(c, std::move(token), std::move(done));
    }
    void revoke_refresh_token(const call& c, std::string token, reply<oauth::done>&& done) override {
        wrapped_.revoke_refresh_token(c, std::move(token), std::move(done));
    }
    void introspect(const call& c, client_credentials client, std::string token,
                    oauth::token_hint hint, reply<oauth::introspection>&& done) override {
        wrapped_.introspect(c, std::move(client), std::move(token), hint, std::move(done));
    }
    void revoke(const call& c, client_credentials client, std::string token, oauth::token_hint hint,
                reply<oauth::done>&& done) override {
        wrapped_.revoke(c, std::move(client), std::move(token), hint, std::move(done));
    }

  protected:
    token_service& wrapped() { return wrapped_; }

  private:
    token_service& wrapped_;
};

}  // namespace hsoauth::service
