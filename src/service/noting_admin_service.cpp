#include "hsoauth/service/noting_admin_service.hpp"

namespace hsoauth::service {

void noting_admin_service::mint_code(const call& c, code_request request, reply<oauth::issued_code> done) {
    if (c.notes) {
        c.notes->client_id = request.client_id;
        c.notes->hub_id = request.hub_id;
    }
    wrapped().mint_code(c, std::move(request), std::move(done));
}

void noting_admin_service::uninstall(const call& c, std::int64_t app_id, std::int64_t hub_id, reply<oauth::done> done) {
    if (c.notes) c.notes->hub_id = hub_id;
    wrapped().uninstall(c, app_id, hub_id, std::move(done));
}

}  // namespace hsoauth::service
