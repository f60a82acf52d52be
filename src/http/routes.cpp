// The whole HTTP surface of hsoauth, one route per line.
#include "hsoauth/http/admin_handlers.hpp"
#include "hsoauth/http/authorize_handlers.hpp"
#include "hsoauth/http/oauth_v1_handlers.hpp"
#include "hsoauth/http/router.hpp"

namespace hsoauth::http {

const std::vector<route>& all_routes() {
    static const std::vector<route> table = {
        // method   path                                       handler                  access
        {"GET",    "/healthz",                                 get_healthz},
        {"POST",   "/oauth/v1/token",                          post_token},
        {"GET",    "/oauth/v1/access-tokens/{token}",          get_access_token},
        {"GET",    "/oauth/v1/refresh-tokens/{token}",         get_refresh_token},
        {"DELETE", "/oauth/v1/refresh-tokens/{token}",         delete_refresh_token},
        {"GET",    "/oauth/authorize",                         get_authorize},
        {"POST",   "/oauth/authorize",                         post_authorize},
        {"GET",    "/oauth/{hubId}/authorize",                 get_authorize_for_hub},

        {"GET",    "/admin/v1/apps",                           list_apps,               access::admin},
        {"POST",   "/admin/v1/apps",                           post_app,                access::admin},
        {"GET",    "/admin/v1/apps/{appId}",                   get_app,                 access::admin},
        {"DELETE", "/admin/v1/apps/{appId}",                   delete_app,              access::admin},
        {"GET",    "/admin/v1/hubs",                           list_hubs,               access::admin},
        {"POST",   "/admin/v1/hubs",                           post_hub,                access::admin},
        {"GET",    "/admin/v1/hubs/{hubId}",                   get_hub,                 access::admin},
        {"DELETE", "/admin/v1/hubs/{hubId}",                   delete_hub,              access::admin},
        {"GET",    "/admin/v1/users",                          list_users,              access::admin},
        {"POST",   "/admin/v1/users",                          post_user,               access::admin},
        {"GET",    "/admin/v1/users/{userId}",                 get_user,                access::admin},
        {"DELETE", "/admin/v1/users/{userId}",                 delete_user,             access::admin},
        {"GET",    "/admin/v1/installs",                       list_installs,           access::admin},
        {"DELETE", "/admin/v1/installs/{hubId}/{appId}",       delete_install,          access::admin},
        {"POST",   "/admin/v1/seed",                           post_seed,               access::admin},
        {"POST",   "/admin/v1/authorization-codes",            post_authorization_code, access::admin},
        {"GET",    "/admin/v1/clock",                          get_clock,               access::admin},
        {"POST",   "/admin/v1/clock",                          post_clock,              access::admin},
        {"GET",    "/admin/v1/storage-faults",                 get_storage_faults,      access::admin},
        {"PUT",    "/admin/v1/storage-faults",                 put_storage_faults,      access::admin},
        {"GET",    "/admin/v1/auto-approve",                   get_auto_approve,        access::admin},
        {"PUT",    "/admin/v1/auto-approve",                   put_auto_approve,        access::admin},
        {"DELETE", "/admin/v1/auto-approve",                   delete_auto_approve,     access::admin},
    };
    return table;
}

}  // namespace hsoauth::http
