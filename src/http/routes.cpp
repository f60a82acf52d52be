// The whole HTTP surface of hsoauth, one route per line: each wire version is a folder of views
// under http/wire/ (v1: HubSpot's v1 OAuth API; consent: the authorize step; admin_api: hsoauth's
// own admin API).
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/http/wire/consent/authorize_views.hpp"
#include "hsoauth/http/wire/v1/token_views.hpp"

namespace hsoauth::http {
namespace {

// GET /healthz: the process serves requests.
void get_healthz(const endpoints&, const request&, route_params&, responder respond) {
    respond(json_response(200, R"({"status":"ok"})"));
}

}  // namespace

const std::vector<route>& all_routes() {
    using namespace wire;
    static const std::vector<route> table = {
        // method   path                                       handler                             access
        {"GET",    "/healthz",                                 get_healthz},
        {"POST",   "/oauth/v1/token",                          v1::post_token},
        {"GET",    "/oauth/v1/access-tokens/{token}",          v1::get_access_token},
        {"GET",    "/oauth/v1/refresh-tokens/{token}",         v1::get_refresh_token},
        {"DELETE", "/oauth/v1/refresh-tokens/{token}",         v1::delete_refresh_token},
        {"GET",    "/oauth/authorize",                         consent::get_authorize},
        {"POST",   "/oauth/authorize",                         consent::post_authorize},
        {"GET",    "/oauth/{hubId}/authorize",                 consent::get_authorize_for_hub},

        {"GET",    "/admin/v1/apps",                           admin_api::list_apps,               access::admin},
        {"POST",   "/admin/v1/apps",                           admin_api::post_app,                access::admin},
        {"GET",    "/admin/v1/apps/{appId}",                   admin_api::get_app,                 access::admin},
        {"DELETE", "/admin/v1/apps/{appId}",                   admin_api::delete_app,              access::admin},
        {"GET",    "/admin/v1/hubs",                           admin_api::list_hubs,               access::admin},
        {"POST",   "/admin/v1/hubs",                           admin_api::post_hub,                access::admin},
        {"GET",    "/admin/v1/hubs/{hubId}",                   admin_api::get_hub,                 access::admin},
        {"DELETE", "/admin/v1/hubs/{hubId}",                   admin_api::delete_hub,              access::admin},
        {"GET",    "/admin/v1/users",                          admin_api::list_users,              access::admin},
        {"POST",   "/admin/v1/users",                          admin_api::post_user,               access::admin},
        {"GET",    "/admin/v1/users/{userId}",                 admin_api::get_user,                access::admin},
        {"DELETE", "/admin/v1/users/{userId}",                 admin_api::delete_user,             access::admin},
        {"GET",    "/admin/v1/installs",                       admin_api::list_installs,           access::admin},
        {"DELETE", "/admin/v1/installs/{hubId}/{appId}",       admin_api::delete_install,          access::admin},
        {"POST",   "/admin/v1/seed",                           admin_api::post_seed,               access::admin},
        {"POST",   "/admin/v1/authorization-codes",            admin_api::post_authorization_code, access::admin},
        {"GET",    "/admin/v1/clock",                          admin_api::get_clock,               access::admin},
        {"POST",   "/admin/v1/clock",                          admin_api::post_clock,              access::admin},
        {"GET",    "/admin/v1/storage-faults",                 admin_api::get_storage_faults,      access::admin},
        {"PUT",    "/admin/v1/storage-faults",                 admin_api::put_storage_faults,      access::admin},
        {"GET",    "/admin/v1/auto-approve",                   admin_api::get_auto_approve,        access::admin},
        {"PUT",    "/admin/v1/auto-approve",                   admin_api::put_auto_approve,        access::admin},
        {"DELETE", "/admin/v1/auto-approve",                   admin_api::delete_auto_approve,     access::admin},
    };
    return table;
}

}  // namespace hsoauth::http
