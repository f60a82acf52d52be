#pragma once
// The token use cases over one sandbox's store: the real token_service that decorators wrap.
#include <memory>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/access_token_cache.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/service/client_auth_throttle.hpp"
#include "hsoauth/service/key_set_cache.hpp"
#include "hsoauth/service/token_service.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

class token_service_core final : public token_service {
  public:
    // Every reference must outlive this service.
    // `live_access`: the world's remembered answers over `store`, shared with the gateway.
    token_service_core(storage::store& store, app_cache& apps, client_auth_throttle& throttle,
                       const oauth::authority& authority, access_token_cache& live_access);

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens>&& done) override;
    void describe_access_token(const call& c, std::string token,
                               reply<oauth::access_token_info>&& done) override;
    void describe_refresh_token(const call& c, std::string token,
                                reply<oauth::refresh_token_info>&& done) override;
    void revoke_refresh_token(const call& c, std::string token, reply<oauth::done>&& done) override;
    void introspect(const call& c, client_credentials client, std::string token,
                    oauth::token_hint hint, reply<oauth::introspection>&& done) override;
    void revoke(const call& c, client_credentials client, std::string token, oauth::token_hint hint,
                reply<oauth::done>&& done) override;

    // An authenticated client: its app, and the assertion it authenticated with (whose jti the
    // grant's write must remember), if any.
    struct authenticated_client {
        std::shared_ptr<const storage::app_record> app;
        std::optional<oauth::verified_assertion> assertion;
    };

  private:
    // The app `client` authenticates as, from memory, by its secret or its assertion. A refusal
    // of a known client counts against the throttle for (client_id, source); client_throttled
    // (with the seconds left) while that pair is throttled. Throws what the app cache throws.
    oauth::result<authenticated_client> authenticate(const client_credentials& client,
                                                     std::string_view source);
    // authenticate for introspection and revocation, which take a secret only.
    oauth::result<authenticated_client> authenticate_by_secret(const client_credentials& client,
                                                               std::string_view source);

    storage::store& store_;
    app_cache& apps_;
    client_auth_throttle& throttle_;
    const oauth::authority& authority_;
    key_set_cache key_sets_;
    access_token_cache& live_access_;  // describe_access_token's and introspect's answers between commits
};

}  // namespace hsoauth::service
