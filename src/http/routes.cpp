// The whole HTTP surface of hsoauth, one route per line: each wire version is a folder of views
// under http/wire/ (v1: HubSpot's v1 OAuth API; dated: its v3 and dated APIs, one instantiation
// per version; consent: the authorize step; admin_api: hsoauth's own admin API). A route's name is stable across releases and versions: metrics, fault rules and
// the event journal name endpoints by it (the same use case on two wire versions shares its name).
#include "hsoauth/http/router.hpp"
#include "hsoauth/http/wire/admin/admin_views.hpp"
#include "hsoauth/http/wire/admin/controls_views.hpp"
#include "hsoauth/http/wire/admin/sandbox_views.hpp"
#include "hsoauth/http/wire/consent/authorize_views.hpp"
#include "hsoauth/http/wire/dated/dated_views.hpp"
#include "hsoauth/http/wire/gateway/gateway_views.hpp"
#include "hsoauth/http/wire/ops/ops_views.hpp"
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
    // clang-format off
    static const std::vector<route> table = {
        // method   path                                  handler                              access         name                        version
        {"GET",     "/healthz",                            get_healthz,                         access::open,  "healthz",                  ""},
        {"GET",     "/metrics",                            ops::get_metrics,                    access::open,  "metrics",                  ""},
        {"GET",     "/openapi.json",                       ops::get_openapi,                    access::open,  "openapi",                  ""},
        {"POST",    "/oauth/v1/token",                     v1::post_token,                      access::open,  "token",                    "v1"},
        {"GET",     "/oauth/v1/access-tokens/{token}",     v1::get_access_token,                access::open,  "access_token_metadata",    "v1"},
        {"GET",     "/oauth/v1/refresh-tokens/{token}",    v1::get_refresh_token,               access::open,  "refresh_token_metadata",   "v1"},
        {"DELETE",  "/oauth/v1/refresh-tokens/{token}",    v1::delete_refresh_token,            access::open,  "revoke_refresh_token",     "v1"},
        {"POST",    "/oauth/v3/token",                     dated::post_token<dated::v3>,              access::open, "token",      "v3"},
        {"POST",    "/oauth/v3/token/introspect",          dated::post_introspect<dated::v3>,         access::open, "introspect", "v3"},
        {"POST",    "/oauth/v3/token/revoke",              dated::post_revoke<dated::v3>,             access::open, "revoke",     "v3"},
        {"POST",    "/oauth/2026-03/token",                dated::post_token<dated::v2026_03>,        access::open, "token",      "2026-03"},
        {"POST",    "/oauth/2026-03/token/introspect",     dated::post_introspect<dated::v2026_03>,   access::open, "introspect", "2026-03"},
        {"POST",    "/oauth/2026-03/token/revoke",         dated::post_revoke<dated::v2026_03>,       access::open, "revoke",     "2026-03"},
        {"POST",    "/oauth/2026-09/token",                dated::post_token<dated::v2026_09>,        access::open, "token",      "2026-09"},
        {"POST",    "/oauth/2026-09/token/introspect",     dated::post_introspect<dated::v2026_09>,   access::open, "introspect", "2026-09"},
        {"POST",    "/oauth/2026-09/token/revoke",         dated::post_revoke<dated::v2026_09>,       access::open, "revoke",     "2026-09"},
        {"GET",     "/oauth/authorize",                    consent::get_authorize,              access::open,  "authorize",                ""},
        {"POST",    "/oauth/authorize",                    consent::post_authorize,             access::open,  "authorize_decision",       ""},
        {"GET",     "/oauth/{hubId}/authorize",            consent::get_authorize_for_hub,      access::open,  "authorize_for_hub",        ""},

        {"GET",     "/admin/v1/apps",                      admin_api::list_apps,                access::admin, "admin.apps.list",          "admin"},
        {"POST",    "/admin/v1/apps",                      admin_api::post_app,                 access::admin, "admin.apps.put",           "admin"},
        {"GET",     "/admin/v1/apps/{appId}",              admin_api::get_app,                  access::admin, "admin.apps.get",           "admin"},
        {"DELETE",  "/admin/v1/apps/{appId}",              admin_api::delete_app,               access::admin, "admin.apps.delete",        "admin"},
        {"GET",     "/admin/v1/hubs",                      admin_api::list_hubs,                access::admin, "admin.hubs.list",          "admin"},
        {"POST",    "/admin/v1/hubs",                      admin_api::post_hub,                 access::admin, "admin.hubs.put",           "admin"},
        {"GET",     "/admin/v1/hubs/{hubId}",              admin_api::get_hub,                  access::admin, "admin.hubs.get",           "admin"},
        {"DELETE",  "/admin/v1/hubs/{hubId}",              admin_api::delete_hub,               access::admin, "admin.hubs.delete",        "admin"},
        {"GET",     "/admin/v1/users",                     admin_api::list_users,               access::admin, "admin.users.list",         "admin"},
        {"POST",    "/admin/v1/users",                     admin_api::post_user,                access::admin, "admin.users.put",          "admin"},
        {"GET",     "/admin/v1/users/{userId}",            admin_api::get_user,                 access::admin, "admin.users.get",          "admin"},
        {"DELETE",  "/admin/v1/users/{userId}",            admin_api::delete_user,              access::admin, "admin.users.delete",       "admin"},
        {"GET",     "/admin/v1/installs",                  admin_api::list_installs,            access::admin, "admin.installs.list",      "admin"},
        {"DELETE",  "/admin/v1/installs/{hubId}/{appId}",  admin_api::delete_install,           access::admin, "admin.installs.delete",    "admin"},
        {"POST",    "/admin/v1/seed",                      admin_api::post_seed,                access::admin, "admin.seed",               "admin"},
        {"POST",    "/admin/v1/authorization-codes",       admin_api::post_authorization_code,  access::admin, "admin.codes.create",       "admin"},
        {"GET",     "/admin/v1/clock",                     admin_api::get_clock,                access::admin, "admin.clock.get",          "admin"},
        {"POST",    "/admin/v1/clock",                     admin_api::post_clock,               access::admin, "admin.clock.advance",      "admin"},
        {"POST",    "/admin/v1/reset",                     admin_api::post_reset,               access::admin, "admin.reset",              "admin"},
        {"GET",     "/admin/v1/storage-faults",            admin_api::get_storage_faults,       access::admin, "admin.storage_faults.get", "admin"},
        {"PUT",     "/admin/v1/storage-faults",            admin_api::put_storage_faults,       access::admin, "admin.storage_faults.put", "admin"},
        {"GET",     "/admin/v1/auto-approve",              admin_api::get_auto_approve,         access::admin, "admin.auto_approve.get",   "admin"},
        {"PUT",     "/admin/v1/auto-approve",              admin_api::put_auto_approve,         access::admin, "admin.auto_approve.put",   "admin"},
        {"DELETE",  "/admin/v1/auto-approve",              admin_api::delete_auto_approve,      access::admin, "admin.auto_approve.delete","admin"},
        {"POST",    "/admin/v1/faults",                    admin_api::post_fault,               access::admin, "admin.faults.create",      "admin"},
        {"GET",     "/admin/v1/faults",                    admin_api::list_faults,              access::admin, "admin.faults.list",        "admin"},
        {"DELETE",  "/admin/v1/faults",                    admin_api::delete_faults,            access::admin, "admin.faults.clear",       "admin"},
        {"DELETE",  "/admin/v1/faults/{faultId}",          admin_api::delete_fault,             access::admin, "admin.faults.delete",      "admin"},
        {"GET",     "/admin/v1/events",                    admin_api::get_events,               access::admin, "admin.events.list",        "admin"},
        {"GET",     "/admin/v1/apps/{appId}/report",       admin_api::get_report,               access::admin, "admin.apps.report",        "admin"},
        // Sandboxes (root only): the routes naming one accept its own key too, so they check keys themselves
        {"POST",    "/admin/v1/sandboxes",                 admin_api::post_sandbox,             access::admin, "admin.sandboxes.create",   "admin"},
        {"GET",     "/admin/v1/sandboxes",                 admin_api::list_sandboxes,           access::admin, "admin.sandboxes.list",     "admin"},
        {"GET",     "/admin/v1/sandboxes/{id}",            admin_api::get_sandbox,              access::open,  "admin.sandboxes.get",      "admin"},
        {"DELETE",  "/admin/v1/sandboxes/{id}",            admin_api::delete_sandbox,           access::open,  "admin.sandboxes.delete",   "admin"},
        {"POST",    "/admin/v1/sandboxes/{id}/snapshots",  admin_api::post_sandbox_snapshot,    access::open,  "admin.sandboxes.snapshot", "admin"},
        {"POST",    "/admin/v1/sandboxes/{id}/restore",    admin_api::post_sandbox_restore,     access::open,  "admin.sandboxes.restore",  "admin"},

        {"GET",     "/account-info/v3/details",            gateway::get_account_details,        access::open,  "account_info.details",     "v3"},
        {"GET",     "/account-info/2026-03/details",       gateway::get_account_details,        access::open,  "account_info.details",     "2026-03"},
        {"GET",     "/integrations/v1/me",                 gateway::get_integrations_me,        access::open,  "integrations.me",          "v1"},
        {"GET",     "/gateway/v1/check",                   gateway::get_check,                  access::open,  "gateway.check",            "gateway"},
    };
    // clang-format on
    return table;
}

// Everything else: a path no route above has is an API call for the gateway (checked, then
// forwarded to gateway_upstream, or 404 without one). A path above with another method is 405.
const route& fallback_route() {
    static const route everything_else{"*", "/**", wire::gateway::forward, access::open, "gateway.forward", "gateway"};
    return everything_else;
}

}  // namespace hsoauth::http
