#pragma once
// The token use cases over one sandbox's store: the real token_service that decorators wrap.
#include <memory>

#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/service/client_auth_throttle.hpp"
#include "hsoauth/service/token_service.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

class token_service_core final : public token_service {
  public:
    // Every reference must outlive this service.
    token_service_core(storage::store& store, app_cache& apps, client_auth_throttle& throttle,
                       const oauth::authority& authority);

    void grant(const call& c, grant_request request, reply<oauth::issued_tokens> done) override;
    void describe_access_token(const call& c, std::string token,
                               reply<oauth::access_token_info> done) override;
    void describe_refresh_token(const call& c, std::string token,
                                reply<oauth::refresh_token_info> done) override;
    void revoke_refresh_token(const call& c, std::string token, reply<oauth::done> done) override;

  private:
    // The app `client` authenticates as, from memory. A wrong secret of a known client counts
    // against the throttle for (client_id, source); client_throttled (with the seconds left)
    // while that pair is throttled.
    oauth::result<std::shared_ptr<const storage::app_record>> authenticate(
        const client_credentials& client, std::string_view source);

    storage::store& store_;
    app_cache& apps_;
    client_auth_throttle& throttle_;
    const oauth::authority& authority_;
};

}  // namespace hsoauth::service
