#pragma once
// hsoauth's admin API under /admin/v1: thin views over service::admin_service. Every route needs
// the admin key (the router checks it). Bodies are JSON; errors take HubSpot's v1 error shapes.
#include "hsoauth/http/router.hpp"
#include "hsoauth/oauth/result.hpp"

namespace hsoauth::http::wire::admin_api {

// POST /admin/v1/apps, /hubs, /users: create or update (201 created, 200 updated)
void post_app(const endpoints& e, const request& req, route_params& params, responder respond);
void post_hub(const endpoints& e, const request& req, route_params& params, responder respond);
void post_user(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /admin/v1/apps, /hubs, /users, /installs: {"results": [...]}
void list_apps(const endpoints& e, const request& req, route_params& params, responder respond);
void list_hubs(const endpoints& e, const request& req, route_params& params, responder respond);
void list_users(const endpoints& e, const request& req, route_params& params, responder respond);
void list_installs(const endpoints& e, const request& req, route_params& params, responder respond);
// GET /admin/v1/apps/{id}, /hubs/{id}, /users/{id}
void get_app(const endpoints& e, const request& req, route_params& params, responder respond);
void get_hub(const endpoints& e, const request& req, route_params& params, responder respond);
void get_user(const endpoints& e, const request& req, route_params& params, responder respond);
// DELETE /admin/v1/apps/{id}, /hubs/{id}, /users/{id}: 204; everything they take part in is
// uninstalled
void delete_app(const endpoints& e, const request& req, route_params& params, responder respond);
void delete_hub(const endpoints& e, const request& req, route_params& params, responder respond);
void delete_user(const endpoints& e, const request& req, route_params& params, responder respond);
// DELETE /admin/v1/installs/{hubId}/{appId}: uninstall; every token of the install dies
void delete_install(const endpoints& e, const request& req, route_params& params,
                    responder respond);
// POST /admin/v1/seed: a whole seed document, all or nothing
void post_seed(const endpoints& e, const request& req, route_params& params, responder respond);
// POST /admin/v1/authorization-codes: the headless consent screen
void post_authorization_code(const endpoints& e, const request& req, route_params& params,
                             responder respond);
// GET /admin/v1/clock and POST /admin/v1/clock {"advance_seconds": N}
void get_clock(const endpoints& e, const request& req, route_params& params, responder respond);
void post_clock(const endpoints& e, const request& req, route_params& params, responder respond);
// POST /admin/v1/reset (no body): starts the sandbox over, keeping the admin key and the pepper
void post_reset(const endpoints& e, const request& req, route_params& params, responder respond);
// GET and PUT /admin/v1/storage-faults {"read_only": bool, "max_page_count": int}: make writes
// fail (503) on purpose, and recover
void get_storage_faults(const endpoints& e, const request& req, route_params& params,
                        responder respond);
void put_storage_faults(const endpoints& e, const request& req, route_params& params,
                        responder respond);
// GET, PUT /admin/v1/auto-approve {"user_id", "hub_id"}, DELETE: authorize URLs skip the consent
// page
void get_auto_approve(const endpoints& e, const request& req, route_params& params,
                      responder respond);
void put_auto_approve(const endpoints& e, const request& req, route_params& params,
                      responder respond);
void delete_auto_approve(const endpoints& e, const request& req, route_params& params,
                         responder respond);

// The admin API's error response for `e` (HubSpot's v1 shapes).
response error_response(const oauth::error& e, std::string_view correlation_id);

}  // namespace hsoauth::http::wire::admin_api
