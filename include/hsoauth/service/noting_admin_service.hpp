#pragma once
// A decorator that notes, for the request log, the app and hub of the admin operations that
// name them (service::call_notes): a minted code's client and hub, an uninstall's hub. The
// admin API's other operations pass through unchanged.
#include "hsoauth/service/admin_service.hpp"

namespace hsoauth::service {

class noting_admin_service final : public admin_service_wrapper {
  public:
    using admin_service_wrapper::admin_service_wrapper;

    void mint_code(const call& c, code_request request, reply<oauth::issued_code> done) override;
    void uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id, reply<oauth::done> done) override;
};

}  // namespace hsoauth::service
