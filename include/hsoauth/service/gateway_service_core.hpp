#pragma once
// The API gateway's decisions over one sandbox: the real gateway_service that decorators wrap.
#include <cstdint>
#include <memory>

#include "hsoauth/clock/clock.hpp"
#include "hsoauth/gateway/api_rate_limits.hpp"
#include "hsoauth/gateway/operation_table.hpp"
#include "hsoauth/oauth/authority.hpp"
#include "hsoauth/service/access_token_cache.hpp"
#include "hsoauth/service/app_cache.hpp"
#include "hsoauth/service/gateway_service.hpp"
#include "hsoauth/storage/store.hpp"

namespace hsoauth::service {

struct gateway_settings {
    std::int64_t rate_limit = 110;        // calls per app and hub per 10 s, for apps that set none
    bool allow_unknown_operations = true;  // false: a call no table knows is unknown_operation
    // The operations and their scopes, built at start; nullptr: HubSpot's table alone.
    std::shared_ptr<const gateway::operation_table> operations;
};

// HubSpot's table plus the operations hsoauth answers itself that HubSpot's published documents
// do not list (GET /integrations/v1/me, scope oauth). What gateway_settings::operations starts from.
gateway::operation_table gateway_operations();

class gateway_service_core final : public gateway_service {
  public:
    // Every reference must outlive this service.
    // `live_access`: the world's remembered token answers over `store`, shared with token_service_core.
    gateway_service_core(storage::store& store, app_cache& apps, const oauth::authority& authority,
                         access_token_cache& live_access, gateway_settings settings);

    void decide(const call& c, api_call request, reply<api_decision> done) override;

  private:
    storage::store& store_;
    app_cache& apps_;
    const oauth::authority& authority_;
    access_token_cache& live_access_;
    std::shared_ptr<const gateway::operation_table> operations_;
    bool allow_unknown_;
    gateway::api_rate_limits limits_;
};

}  // namespace hsoauth::service
